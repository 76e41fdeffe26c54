"""Errors raised inside the crawler.

    CrawlerError
    ├── RefusedDestination   a URL, redirect or DNS answer points at a private address
    │                        (also an IgnoreRequest, so Scrapy drops the request)
    ├── RetryScheduled       a failed request will be retried after a backoff delay;
    │                        spiders ignore it (also an IgnoreRequest)
    ├── NotAFeed             a feed source answered with something feedparser cannot read
    └── SinkFailed           the item sink raised (the crawl finishes, then this is raised)

Only :class:`SinkFailed` reaches the caller of :func:`crawler.runner.run_crawl`:
every failed request becomes a :class:`crawler.items.FetchFailed` item instead.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest

__all__ = ["CrawlerError", "NotAFeed", "RefusedDestination", "RetryScheduled", "SinkFailed"]


class CrawlerError(Exception):
    """Base of the errors the crawler raises on purpose."""


class RefusedDestination(CrawlerError, IgnoreRequest):
    """A destination refused because ``crawl.allow_private`` is false."""


class RetryScheduled(CrawlerError, IgnoreRequest):
    """The request failed and a retry was scheduled for later; not a failure yet."""


class NotAFeed(CrawlerError):
    """The body of a feed source is neither RSS nor Atom."""


class SinkFailed(CrawlerError):
    """The item sink raised; the crawl went on, and this is raised when it ends."""
