"""Page sources: one request per source, one FetchedPage or FetchFailed back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from crawler.items import Item
from crawler.spiders.base import Role, SourceSpider

if TYPE_CHECKING:
    from scrapy.http import Response

__all__ = ["PageSpider"]


class PageSpider(SourceSpider):
    """Fetches every page source of the crawl."""

    name = "pages"
    kind: ClassVar[str] = "page"
    start_role: ClassVar[Role] = "page"

    def parse(self, response: Response, **kwargs: Any) -> list[Item]:
        return self.answers(response)
