"""Refuse requests whose host is a private IP literal (every hop: redirects are new requests)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured
from scrapy.utils.httpobj import urlparse_cached

from crawler.addresses import refusal, refusal_message
from crawler.exceptions import RefusedDestination

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler

__all__ = ["PrivateDestinationMiddleware"]


class PrivateDestinationMiddleware:
    """Raise :class:`RefusedDestination` for loopback, private, link-local, reserved or multicast literals.

    Host names are checked after resolution by :class:`crawler.resolver.GuardedResolver`.
    Switched off when ``RAILWATCH_ALLOW_PRIVATE`` is true.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if crawler.settings.getbool("RAILWATCH_ALLOW_PRIVATE"):
            raise NotConfigured  # crawl.allow_private: nothing to refuse
        return cls()

    def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        reason = refusal(host)
        if reason is not None:
            raise RefusedDestination(refusal_message(host, reason))
