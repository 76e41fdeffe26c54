"""Index sources: a list page whose item links are documents of their own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from crawler.items import FeedEntry
from crawler.links import item_links
from crawler.plan import SourcePlan
from crawler.spiders.base import Role
from crawler.spiders.listing import ListingSpider

if TYPE_CHECKING:
    from scrapy.http import Response

__all__ = ["IndexSpider"]


class IndexSpider(ListingSpider):
    """Fetches every index source, then the items each one lists."""

    name = "indexes"
    kind: ClassVar[str] = "index"
    start_role: ClassVar[Role] = "index"

    def links(self, response: Response, plan: SourcePlan) -> tuple[tuple[str, ...], Mapping[str, FeedEntry]]:
        content_type = response.headers.get(b"Content-Type")
        selector = getattr(plan.source, "links", None)
        found = item_links(
            response.body, content_type.decode("latin-1") if content_type else None, response.url, selector
        )
        return found, {}
