"""A DNS resolver that refuses answers pointing at private addresses.

Scrapy's HTTP/1.1 handler connects through the reactor, which resolves host
names with the resolver installed on it (``TWISTED_DNS_RESOLVER``). This one
is Scrapy's caching threaded resolver plus a check of every answer, cached or
fresh, so a public-looking name cannot lead to a loopback, private,
link-local, reserved or multicast address. Host literals are checked before
the request is sent, by :mod:`crawler.middlewares.destinations`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from scrapy.resolver import CachingThreadedResolver

from crawler.addresses import refusal, refusal_message
from crawler.exceptions import RefusedDestination

if TYPE_CHECKING:
    from typing import Self

    from twisted.internet.base import ReactorBase
    from twisted.internet.defer import Deferred

__all__ = ["GuardedResolver"]


class GuardedResolver(CachingThreadedResolver):
    """Caching resolver that fails a lookup whose answer is not a public address."""

    def __init__(self, reactor: ReactorBase, cache_size: int, timeout: float, allow_private: bool):
        super().__init__(reactor, cache_size, timeout)
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: ReactorBase) -> Self:
        """Build from a crawler or a crawler process (only its settings are read)."""
        settings = crawler.settings
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(
            reactor,
            cache_size,
            settings.getfloat("DNS_TIMEOUT"),
            settings.getbool("RAILWATCH_ALLOW_PRIVATE"),
        )

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        result: Deferred[str] = super().getHostByName(name, timeout)
        if not self.allow_private:
            result.addCallback(_check_answer, name)
        return result


def _check_answer(address: str, name: str) -> str:
    reason = refusal(address)
    if reason is not None:
        raise RefusedDestination(refusal_message(address, reason, name))
    return address
