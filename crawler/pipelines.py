"""The one item pipeline: hand every item to the sink the runner put in the settings.

Before a page goes to the sink, the pipeline asks the sink whether the page
seems changed (``needs_confirmation``); if so it downloads the page once more,
through the engine and the downloader middlewares (politeness delays, the
private-address guard), and hands both answers over together. What differs
between two answers of the same moment is volatile: the sink learns it, so a
per-request token no mask knows never becomes a change event. Only pages that
seem changed pay for the second request: new documents, 304 answers and
unchanged pages never do.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.exceptions import NotConfigured

from crawler.items import FetchedPage, Item
from crawler.spiders.base import headers_of

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

    from crawler.runner import ItemSink

__all__ = ["SinkPipeline"]

logger = logging.getLogger(__name__)


class SinkPipeline:
    """Calls ``RAILWATCH_SINK.process(item)`` for each item, after a confirming fetch when the sink asks; off when
    no sink is set."""

    def __init__(self, sink: ItemSink, crawler: Crawler | None = None):
        self._process = sink.process
        self._needs_confirmation = getattr(sink, "needs_confirmation", None)
        self._crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        sink = crawler.settings.get("RAILWATCH_SINK")
        if sink is None:
            raise NotConfigured("RAILWATCH_SINK is not set: items are dropped")
        return cls(sink, crawler)

    async def process_item(self, item: Item) -> Item:
        if (isinstance(item, FetchedPage) and self._needs_confirmation is not None and self._crawler is not None
                and self._needs_confirmation(item)):
            item = await self._confirmed(item, self._crawler)
        self._process(item)
        return item

    @staticmethod
    async def _confirmed(item: FetchedPage, crawler: Crawler) -> FetchedPage:
        """``item`` with a second answer for its URL, or unchanged when that fetch fails."""
        assert crawler.engine is not None  # items flow only while the engine runs
        request = Request(
            item.final_url,
            meta={"dont_retry": True, "dont_obey_robotstxt": True},  # just fetched: robots.txt allowed it
            dont_filter=True,
        )
        try:
            response = await crawler.engine.download_async(request)
        except Exception as exc:  # the first answer stands; the sink judges it alone
            logger.info("Confirming fetch of %s failed: %s", item.final_url, exc)
            return item
        if response.status != item.status:
            logger.info("Confirming fetch of %s answered %s", item.final_url, response.status)
            return item
        return dataclasses.replace(item, confirm_body=response.body, confirm_headers=headers_of(response))
