"""Run a crawl of a set of source plans and hand every item to a sink.

:func:`run_crawl` starts a reactor, runs one crawl and returns: once per
process (a Twisted reactor cannot be restarted), for ``railwatch check``.

:func:`crawl` is a coroutine for a process that keeps its reactor running
(the daemon); it can be awaited again and again. The process installs
Scrapy's asyncio reactor first, before anything imports
``twisted.internet.reactor``::

    from scrapy.utils.reactor import install_reactor
    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from twisted.internet import reactor
    ...  # then await crawl(...) from coroutines on that loop, inside reactor.run()

:func:`crawl_deferred` is the same for Twisted code. Each run uses one
crawler per source kind present in the plans; the sink is called on the
reactor thread, one item at a time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from scrapy.crawler import AsyncCrawlerProcess, AsyncCrawlerRunner, CrawlerRunnerBase
from scrapy.resolver import dnscache
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.defer import Deferred

from crawler.exceptions import CrawlerError, SinkFailed
from crawler.items import FetchedPage, FetchFailed, Item, Listing
from crawler.plan import SourcePlan
from crawler.resolver import GuardedResolver
from crawler.settings import build_settings
from crawler.spiders import SPIDERS
from monitor.config import Config

__all__ = ["ConfirmingSink", "CrawlStats", "ItemSink", "crawl", "crawl_deferred", "run_crawl"]

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


class ItemSink(Protocol):
    """Where crawled items go, one at a time, on the reactor thread.

    A sink may also have ``needs_confirmation(page) -> bool`` (see
    :class:`ConfirmingSink`): pages it answers True for are fetched once more
    and handed over with ``confirm_body`` set.
    """

    def process(self, item: FetchedPage | Listing | FetchFailed) -> None: ...


class ConfirmingSink(ItemSink, Protocol):
    """A sink that asks for a second fetch of the pages that seem changed."""

    def needs_confirmation(self, item: FetchedPage) -> bool: ...


@dataclass(frozen=True, slots=True)
class CrawlStats:
    """Counts of one crawl: pages and listings fetched, body bytes, failures, wall seconds."""

    pages: int
    listings: int
    bytes: int
    failures: int
    seconds: float


class _CountingSink:
    """Counts items on their way to the real sink; logs and keeps the errors the sink raises."""

    def __init__(self, sink: ItemSink, progress: Progress | None):
        self._sink = sink.process
        self._confirm = getattr(sink, "needs_confirmation", None)
        self._progress = progress
        self.pages = self.listings = self.bytes = self.failures = 0
        self.error: BaseException | None = None

    def needs_confirmation(self, item: FetchedPage) -> bool:
        if self._confirm is None:
            return False
        try:
            return bool(self._confirm(item))
        except Exception:  # no confirmation then: the page is judged on its first answer
            logger.exception("The item sink could not judge %s", item.url)
            return False

    def process(self, item: Item) -> None:
        if isinstance(item, FetchedPage):
            self.pages += 1
            self.bytes += len(item.body) + len(item.confirm_body or b"")
            line = f"{item.source}: {item.status} {item.url}"
        elif isinstance(item, Listing):
            self.listings += 1
            self.bytes += len(item.body)
            line = f"{item.source}: {item.status} {item.url} ({len(item.links)} links)"
        else:
            self.failures += 1
            line = f"{item.source}: failed {item.url}: {item.error}"
        if self._progress is not None:
            self._progress(line)
        try:
            self._sink(item)
        except Exception as exc:  # reported once the crawl is over; the other sources go on
            logger.exception("The item sink failed on %s", line)
            if self.error is None:
                self.error = exc

    def stats(self, seconds: float) -> CrawlStats:
        return CrawlStats(self.pages, self.listings, self.bytes, self.failures, seconds)


def _by_kind(plans: Sequence[SourcePlan]) -> dict[str, list[SourcePlan]]:
    groups: dict[str, list[SourcePlan]] = defaultdict(list)
    for plan in plans:
        if plan.source.kind not in SPIDERS:
            raise ValueError(f"source {plan.source.name!r}: no spider for kind {plan.source.kind!r}")
        groups[plan.source.kind].append(plan)
    return groups


def _start(runner: CrawlerRunnerBase, plans: Sequence[SourcePlan], sink: _CountingSink) -> None:
    for kind, group in _by_kind(plans).items():
        crawler = runner.create_crawler(SPIDERS[kind])
        # Set on the crawler's own copy: settings are deep-copied, the sink must not be.
        crawler.settings.set("RAILWATCH_SINK", sink, priority="cmdline")
        runner.crawl(crawler, plans=group)


def _quiet_scrapy(settings: Settings) -> None:
    """Hold Scrapy's logger at LOG_LEVEL: Scrapy sets it to DEBUG, and a debug record per request costs."""
    logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL") or logging.WARNING)


def _finish(runner: CrawlerRunnerBase, counter: _CountingSink, started: float) -> CrawlStats:
    stats = counter.stats(time.monotonic() - started)
    if runner.bootstrap_failed:
        raise CrawlerError("a crawler could not start (the log says why); some sources were not fetched")
    if counter.error is not None:
        raise SinkFailed(f"the item sink failed: {counter.error}") from counter.error
    logger.info("crawl done: %s", stats)
    return stats


async def crawl(
    config: Config,
    plans: Sequence[SourcePlan],
    sink: ItemSink,
    *,
    progress: Progress | None = None,
    settings: Mapping[str, Any] | None = None,
) -> CrawlStats:
    """Crawl ``plans`` on the running asyncio reactor; repeatable in one process."""
    from twisted.internet import reactor  # the installed one; importing earlier would install a default

    started = time.monotonic()
    runner = AsyncCrawlerRunner(build_settings(config, settings))
    _quiet_scrapy(runner.settings)
    dnscache.clear()  # Scrapy's cache keeps answers for the life of the process: one pass's worth is enough
    GuardedResolver.from_crawler(runner, reactor).install_on_reactor()
    counter = _CountingSink(sink, progress)
    _start(runner, plans, counter)
    await runner.join()
    return _finish(runner, counter, started)


def crawl_deferred(
    config: Config,
    plans: Sequence[SourcePlan],
    sink: ItemSink,
    *,
    progress: Progress | None = None,
    settings: Mapping[str, Any] | None = None,
) -> Deferred[CrawlStats]:
    """:func:`crawl` as a Deferred, for Twisted code."""
    return deferred_from_coro(crawl(config, plans, sink, progress=progress, settings=settings))


def run_crawl(
    config: Config,
    plans: Sequence[SourcePlan],
    sink: ItemSink,
    *,
    progress: Progress | None = None,
    settings: Mapping[str, Any] | None = None,
) -> CrawlStats:
    """Start a reactor, crawl ``plans``, stop; blocking, and possible once per process."""
    started = time.monotonic()
    process = AsyncCrawlerProcess(build_settings(config, settings))
    _quiet_scrapy(process.settings)
    counter = _CountingSink(sink, progress)
    _start(process, plans, counter)
    process.start(install_signal_handlers=threading.current_thread() is threading.main_thread())
    return _finish(process, counter, started)
