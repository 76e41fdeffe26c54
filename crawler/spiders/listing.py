"""Shared by index and feed sources: fetch the listing, yield a Listing, then fetch its items."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scrapy import Request

from crawler.exceptions import CrawlerError
from crawler.failures import describe_exception, describe_status
from crawler.items import FeedEntry, Item, Listing
from crawler.plan import SourcePlan
from crawler.spiders.base import SourceSpider, Target, headers_of

if TYPE_CHECKING:
    from scrapy.http import Response

__all__ = ["ListingSpider"]

logger = logging.getLogger(__name__)


class ListingSpider(SourceSpider):
    """Base of :class:`IndexSpider` and :class:`FeedSpider`.

    The listing's links come from :meth:`links`. Up to ``max_items`` of them
    are fetched, plus the plan's ``known_items`` that are no longer listed. A
    listing answering 304 has no links; its known items are re-checked.
    """

    def links(self, response: Response, plan: SourcePlan) -> tuple[tuple[str, ...], Mapping[str, FeedEntry]]:
        """Canonical item URLs in listing order, and what the listing says about each (feeds)."""
        raise NotImplementedError

    def parse(self, response: Response, **kwargs: Any) -> list[Item | Request]:
        out: list[Item | Request] = []
        for target in self.landed(response.meta):
            out.extend(self._listing(response, target))
        return out

    def _listing(self, response: Response, target: Target) -> list[Item | Request]:
        plan = target.plan
        if response.status == 304:
            links: tuple[str, ...] = ()
            entries: Mapping[str, FeedEntry] = {}
        elif 200 <= response.status < 300:
            try:
                links, entries = self.links(response, plan)
            except CrawlerError as exc:
                return [self.failure(target, describe_exception(exc, **self._limits), response.status)]
            except Exception as exc:  # untrusted markup: a parser failure must not lose the source
                logger.warning("Could not read the listing %s", response.url, exc_info=True)
                error = f"could not read the listing: {type(exc).__name__}: {exc}"
                return [self.failure(target, error, response.status)]
        else:
            error = describe_status(response.status, response.meta.get("retry_times", 0))
            return [self.failure(target, error, response.status)]
        out: list[Item | Request] = [
            Listing(
                source=plan.source.name,
                url=target.url,
                status=response.status,
                final_url=response.url,
                headers=headers_of(response),
                body=b"" if response.status == 304 else response.body,
                fetched_at=datetime.now(UTC),
                links=links,
            )
        ]
        listed = set(links)
        wanted = [*links[: plan.source.max_items], *(url for url in plan.known_items if url not in listed)]
        for url in wanted:
            request = self.request(
                url, plan, "item", self.answers, listing=target.url, entry=entries.get(url)
            )
            if request is not None:
                out.append(request)
        return out
