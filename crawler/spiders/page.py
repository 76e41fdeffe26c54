"""Page sources: one request per source, one FetchedPage or FetchFailed back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, ClassVar

from crawler.items import Item
from crawler.spiders.base import SourceSpider

if TYPE_CHECKING:
    from scrapy.http import Response

__all__ = ["PageSpider"]


class PageSpider(SourceSpider):
    """Fetches every page source of the crawl."""

    name = "pages"
    kind: ClassVar[str] = "page"

    async def start(self) -> AsyncIterator[Any]:
        for plan in self.plans:
            request = self.request(plan.source.url, plan, "page", self.parse)
            if request is not None:
                yield request

    def parse(self, response: Response, **kwargs: Any) -> list[Item]:
        targets = self.landed(response.meta)
        if self.answered(response):
            return [self.fetched(response, target) for target in targets]
        return [self.refused(response, target) for target in targets]
