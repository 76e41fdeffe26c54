"""What every source spider shares: requests with validators, answers turned into items."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from scrapy import Request, Spider

from crawler.exceptions import RetryScheduled
from crawler.failures import describe_exception, describe_status
from crawler.items import FeedEntry, FetchedPage, FetchFailed, Item
from crawler.links import canonical_url
from crawler.plan import SourcePlan

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

__all__ = ["SPIDERS", "SourceSpider", "Target", "headers_of"]

Role = Literal["page", "index", "feed", "item"]

SPIDERS: dict[str, type[SourceSpider]] = {}
"""Spider classes by source kind, filled by each subclass of :class:`SourceSpider`."""

_KEPT = frozenset({304, 404, 410})  # answered, not failed: not modified, or gone


@dataclass(slots=True)
class Target:
    """Who asked for a URL: carried in ``request.meta["railwatch"]``."""

    plan: SourcePlan
    url: str  # canonical
    role: Role
    listing: str | None = None
    entry: FeedEntry | None = None


def headers_of(response: Response) -> dict[str, str]:
    """Response headers as text: names lower-cased, repeated headers joined with ``, ``."""
    items = response.headers.items()
    return {key.decode("latin-1").lower(): b", ".join(values).decode("latin-1") for key, values in items}


class SourceSpider(Spider):
    """Base of the spiders: holds the plans of one source kind and the crawl-wide dedup set."""

    kind: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            SPIDERS[cls.kind] = cls

    def __init__(self, plans: Sequence[SourcePlan] = (), **kwargs: Any):
        super().__init__(**kwargs)
        self.plans = tuple(plan for plan in plans if plan.source.kind == self.kind)
        self._seen: set[tuple[str, str]] = set()
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
        """A request for ``url``; None when this source already asked for it in this crawl.

        A URL that cannot be requested at all is a FetchFailed at once.
        """
        try:
            key = canonical_url(url)
        except ValueError as exc:
            return FetchFailed(plan.source.name, url, role, f"invalid URL: {exc}", datetime.now(UTC))
        seen = (plan.source.name, key)
        if seen in self._seen:
            return None
        self._seen.add(seen)
        validators = plan.validators.get(key)
        meta: dict[str, Any] = {"railwatch": Target(plan, key, role, listing, entry)}
        robots = plan.source.robots if plan.source.robots is not None else self._robots
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
            return FetchFailed(plan.source.name, key, role, f"invalid URL: {exc}", datetime.now(UTC))

    @staticmethod
    def answered(response: Response) -> bool:
        """Whether the response is an answer to keep: 2xx, 304, 404 or 410."""
        return 200 <= response.status < 300 or response.status in _KEPT

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

    def refused(self, response: Response, target: Target) -> FetchFailed:
        """A FetchFailed for an HTTP status that is neither success nor a kept answer."""
        return FetchFailed(
            source=target.plan.source.name,
            url=target.url,
            role=target.role,
            error=describe_status(response.status, response.meta.get("retry_times", 0)),
            fetched_at=datetime.now(UTC),
            status=response.status,
        )

    def failed(self, failure: Failure) -> list[FetchFailed]:
        """Errback: every failed request becomes a FetchFailed (a scheduled retry is not a failure)."""
        exc = failure.value
        if exc is None or isinstance(exc, RetryScheduled):
            return []
        request: Request = failure.request  # type: ignore[attr-defined]
        target: Target = request.meta["railwatch"]
        response = getattr(exc, "response", None)
        return [
            FetchFailed(
                source=target.plan.source.name,
                url=target.url,
                role=target.role,
                error=describe_exception(exc, **self._limits),
                fetched_at=datetime.now(UTC),
                status=response.status if response is not None else None,
            )
        ]
