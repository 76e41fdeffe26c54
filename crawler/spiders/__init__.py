"""One spider per source kind; each crawls every source of its kind in one run.

``SPIDERS`` maps a source kind (``page``, ``index``, ``feed``) to its spider
class; the classes register themselves.

URLs are deduplicated by canonical URL: a source fetches a URL at most once
per crawl, and sources of one kind asking for a URL whose request is still
in flight (with the same validators and robots rule) share its answer, each
getting its own item. A URL asked for again after its answer has been handed
on is fetched again rather than kept in memory.
"""

from __future__ import annotations

from crawler.spiders.base import SPIDERS, SourceSpider
from crawler.spiders.feed import FeedSpider
from crawler.spiders.index import IndexSpider
from crawler.spiders.page import PageSpider

__all__ = ["SPIDERS", "FeedSpider", "IndexSpider", "PageSpider", "SourceSpider"]
