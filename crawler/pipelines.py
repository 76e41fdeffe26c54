"""The one item pipeline: hand every item to the sink the runner put in the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

from crawler.items import Item

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

    from crawler.runner import ItemSink

__all__ = ["SinkPipeline"]


class SinkPipeline:
    """Calls ``RAILWATCH_SINK.process(item)`` synchronously for each item; off when no sink is set."""

    def __init__(self, sink: ItemSink):
        self._process = sink.process

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        sink = crawler.settings.get("RAILWATCH_SINK")
        if sink is None:
            raise NotConfigured("RAILWATCH_SINK is not set: items are dropped")
        return cls(sink)

    def process_item(self, item: Item) -> Item:
        self._process(item)
        return item
