"""What every source spider shares: requests with validators, answers turned into items."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from scrapy import Request, Spider

from crawler.exceptions import RetryScheduled
from crawler.failures import describe_exception, describe_status
from crawler.items import FeedEntry, FetchedPage, FetchFailed, Item
from crawler.links import canonical_url
from crawler.plan import SourcePlan, Validators

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

__all__ = ["SPIDERS", "Fetch", "SourceSpider", "Target", "headers_of"]

Role = Literal["page", "index", "feed", "item"]

SPIDERS: dict[str, type[SourceSpider]] = {}
"""Spider classes by source kind, filled by each subclass of :class:`SourceSpider`."""

_KEPT = frozenset({304, 404, 410})  # answered, not failed: not modified, or gone


@dataclass(frozen=True, slots=True)
class Target:
    """One source's reason to fetch a URL."""

    plan: SourcePlan
    url: str  # canonical
    role: Role
    listing: str | None = None
    entry: FeedEntry | None = None


_FetchKey = tuple[str, Role, Validators | None, bool]  # canonical URL, role, validators, robots


@dataclass(slots=True)
class Fetch:
    """One request and every target waiting for its answer: ``request.meta["railwatch"]``."""

    key: _FetchKey
    targets: list[Target]


def headers_of(response: Response) -> dict[str, str]:
    """Response headers as text: names lower-cased, repeated headers joined with ``, ``."""
    items = response.headers.items()
    return {key.decode("latin-1").lower(): b", ".join(values).decode("latin-1") for key, values in items}


class SourceSpider(Spider):
    """Base of the spiders: the plans of one source kind, one start request each, and dedup."""

    kind: ClassVar[str] = ""
    start_role: ClassVar[Role] = "page"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            SPIDERS[cls.kind] = cls

    def __init__(self, plans: Sequence[SourcePlan] = (), **kwargs: Any):
        super().__init__(**kwargs)
        self.plans = tuple(plan for plan in plans if plan.source.kind == self.kind)
        self._seen: set[tuple[str, str]] = set()
        self._in_flight: dict[_FetchKey, Fetch] = {}
        self._robots = True
        self._limits: dict[str, Any] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider._robots = settings.getbool("RAILWATCH_ROBOTS", True)
        spider._limits = {
            "timeout": settings.getfloat("DOWNLOAD_TIMEOUT"),
            "max_bytes": settings.getint("DOWNLOAD_MAXSIZE"),
            "max_redirects": settings.getint("REDIRECT_MAX_TIMES"),
        }
        return spider

    async def start(self) -> AsyncIterator[Any]:
        for plan in self.plans:
            request = self.request(plan.source.url, plan, self.start_role, self.parse)
            if request is not None:
                yield request

    def request(
        self,
        url: str,
        plan: SourcePlan,
        role: Role,
        callback: Callable[[Response], Iterable[Item | Request]],
        *,
        listing: str | None = None,
        entry: FeedEntry | None = None,
    ) -> Request | FetchFailed | None:
        """A request for ``url``, or None when no new request is needed.

        None when this source already asked for the URL in this crawl, or when
        a request for it (same role, validators and robots rule) is in flight
        for another source: that answer then serves both. A URL that cannot
        be requested at all is a FetchFailed at once.
        """
        try:
            key = canonical_url(url)
        except ValueError as exc:
            return self.failure(Target(plan, url, role), f"invalid URL: {exc}")
        seen = (plan.source.name, key)
        if seen in self._seen:
            return None
        self._seen.add(seen)
        validators = plan.validators.get(key)
        robots = plan.source.robots if plan.source.robots is not None else self._robots
        target = Target(plan, key, role, listing, entry)
        fetch_key: _FetchKey = (key, role, validators, robots)
        shared = self._in_flight.get(fetch_key)
        if shared is not None:
            shared.targets.append(target)
            return None
        fetch = self._in_flight[fetch_key] = Fetch(fetch_key, [target])
        meta: dict[str, Any] = {"railwatch": fetch}
        if not robots:
            meta["dont_obey_robotstxt"] = True
        try:
            return Request(
                url,
                callback=callback,
                errback=self.failed,
                headers=validators.headers() if validators else None,
                meta=meta,
                dont_filter=True,
            )
        except ValueError as exc:  # a malformed link on a listing page
            del self._in_flight[fetch_key]
            return self.failure(target, f"invalid URL: {exc}")

    def landed(self, meta: Mapping[str, Any]) -> list[Target]:
        """The targets a finished request (given its meta) answers; later asks for its URL fetch it anew."""
        fetch: Fetch = meta["railwatch"]
        self._in_flight.pop(fetch.key, None)
        return fetch.targets

    def answers(self, response: Response) -> list[Item]:
        """Callback of page and item requests: a FetchedPage per target, or a FetchFailed per target."""
        targets = self.landed(response.meta)
        status = response.status
        if 200 <= status < 300 or status in _KEPT:
            return [self.fetched(response, target) for target in targets]
        error = describe_status(status, response.meta.get("retry_times", 0))
        return [self.failure(target, error, status) for target in targets]

    def fetched(self, response: Response, target: Target) -> FetchedPage:
        status = response.status
        return FetchedPage(
            source=target.plan.source.name,
            url=target.url,
            role="item" if target.role == "item" else "page",
            status=status,
            final_url=response.url,
            headers=headers_of(response),
            body=b"" if status == 304 else response.body,
            fetched_at=datetime.now(UTC),
            listing=target.listing,
            entry=target.entry,
        )

    @staticmethod
    def failure(target: Target, error: str, status: int | None = None) -> FetchFailed:
        return FetchFailed(target.plan.source.name, target.url, target.role, error, datetime.now(UTC), status)

    def failed(self, failure: Failure) -> list[FetchFailed]:
        """Errback: every failed request becomes a FetchFailed (a scheduled retry is not a failure)."""
        exc = failure.value
        if exc is None or isinstance(exc, RetryScheduled):
            return []
        request: Request = failure.request  # type: ignore[attr-defined]
        response = getattr(exc, "response", None)
        error = describe_exception(exc, **self._limits)
        status = response.status if response is not None else None
        return [self.failure(target, error, status) for target in self.landed(request.meta)]
