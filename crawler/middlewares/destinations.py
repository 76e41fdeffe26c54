"""Refuse requests to private destinations, at every hop (a redirect is a new request).

The host of each request is checked before it is sent: an IP literal at
once, a host name after resolving it through the reactor's resolver (a cache
hit after the first time). The connection then resolves the name again from
the same cache, and :class:`crawler.resolver.GuardedResolver` checks that
answer too, so a name that changes its answer in between is still refused.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import DNSLookupError

from crawler.addresses import refusal, refusal_message
from crawler.exceptions import RefusedDestination

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from twisted.internet.defer import Deferred

__all__ = ["PrivateDestinationMiddleware"]


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class PrivateDestinationMiddleware:
    """Raise :class:`RefusedDestination` for loopback, private, link-local, reserved or multicast hosts.

    Switched off when ``RAILWATCH_ALLOW_PRIVATE`` is true.
    """

    def __init__(self, resolve: Callable[[str], Deferred[str]]):
        self._resolve = resolve

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if crawler.settings.getbool("RAILWATCH_ALLOW_PRIVATE"):
            raise NotConfigured  # crawl.allow_private: nothing to refuse
        from twisted.internet import reactor  # the one installed by then

        return cls(cast("Any", reactor).resolve)  # IReactorCore's stub mistypes resolve()

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        reason = refusal(host)
        if reason is not None:
            raise RefusedDestination(refusal_message(host, reason))
        if not host or _is_ip(host):
            return
        try:
            address = await maybe_deferred_to_future(self._resolve(host))
        except DNSLookupError:
            return  # the download itself will fail and say so
        reason = refusal(address)
        if reason is not None:
            raise RefusedDestination(refusal_message(address, reason, host))
