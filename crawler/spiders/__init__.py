"""One spider per source kind; each crawls every source of its kind in one run.

``SPIDERS`` maps a source kind (``page``, ``index``, ``feed``) to its spider
class; the classes register themselves.
"""

from __future__ import annotations

from crawler.spiders.base import SPIDERS, SourceSpider
from crawler.spiders.feed import FeedSpider
from crawler.spiders.index import IndexSpider
from crawler.spiders.page import PageSpider

__all__ = ["SPIDERS", "FeedSpider", "IndexSpider", "PageSpider", "SourceSpider"]
