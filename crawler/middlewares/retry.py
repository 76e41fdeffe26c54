"""Retries with exponential backoff and jitter, honouring ``Retry-After``.

Scrapy's own retry middleware sends a retry at once. This one waits
``RAILWATCH_RETRY_BACKOFF × 2^(n-1)`` seconds times a random factor between
0.5 and 1, at most ``RAILWATCH_RETRY_MAX_DELAY``, or longer when the server
says so in ``Retry-After`` (seconds or an HTTP date). A ``Retry-After``
beyond ``RAILWATCH_RETRY_AFTER_MAX`` is not waited for: the response is
given up on at once.

Waiting does not hold a download slot: the failed request leaves the
downloader with :class:`~crawler.exceptions.RetryScheduled` (which spiders
ignore) and its retry is handed to the engine when the delay has passed; the
spider is kept open until then.
"""

from __future__ import annotations

import logging
import random
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.asyncio import call_later
from scrapy.utils.response import response_status_message

from crawler.exceptions import RetryScheduled
from crawler.retry_after import parse_retry_after

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

__all__ = ["BackoffRetryMiddleware", "parse_retry_after"]

logger = logging.getLogger(__name__)


class BackoffRetryMiddleware(RetryMiddleware):
    """:class:`~scrapy.downloadermiddlewares.retry.RetryMiddleware` with delays between attempts."""

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.backoff: float = settings.getfloat("RAILWATCH_RETRY_BACKOFF", 1.0)
        self.max_delay: float = settings.getfloat("RAILWATCH_RETRY_MAX_DELAY", 60.0)
        self.max_retry_after: float = settings.getfloat("RAILWATCH_RETRY_AFTER_MAX", 120.0)
        self._waiting: dict[Request, Any] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        crawler.signals.connect(middleware._keep_open, signal=signals.spider_idle)
        crawler.signals.connect(middleware._cancel_all, signal=signals.spider_closed)
        return middleware

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry_after = parse_retry_after(response.headers.get(b"Retry-After"))
        if retry_after is not None and retry_after > self.max_retry_after:
            logger.info("Not retrying %s: Retry-After %.0f s is too far off", request, retry_after)
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        return self._later(retry, retry_after or 0.0)

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> Request | None:
        if request.meta.get("dont_retry", False) or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        return None if retry is None else self._later(retry, 0.0)

    def delay(self, attempt: int, retry_after: float = 0.0) -> float:
        """Seconds before retry number ``attempt``: jittered backoff, never less than ``Retry-After``."""
        backoff = self.backoff * 2.0 ** (attempt - 1) * random.uniform(0.5, 1.0)
        return max(retry_after, min(self.max_delay, backoff))

    def _later(self, retry: Request, retry_after: float) -> Request:
        attempt = retry.meta.get("retry_times", 1)
        delay = self.delay(attempt, retry_after)
        if delay <= 0:
            return retry
        self._waiting[retry] = call_later(delay, self._release, retry)
        raise RetryScheduled(f"retry {attempt} of {retry.url} in {delay:.1f} s")

    def _release(self, retry: Request) -> None:
        if self._waiting.pop(retry, None) is not None:
            self.crawler.engine.crawl(retry)

    def _keep_open(self) -> None:
        if self._waiting:
            raise DontCloseSpider

    def _cancel_all(self) -> None:
        for call in self._waiting.values():
            call.cancel()
        self._waiting.clear()
