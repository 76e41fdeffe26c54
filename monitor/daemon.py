"""`railwatch daemon`: every source on its own schedule, in one long-lived process.

One loop for everything
-----------------------
A Twisted reactor cannot be restarted, so the daemon installs Scrapy's
``AsyncioSelectorReactor`` once, first thing, before anything imports
``twisted.internet.reactor``, and runs it for the life of the process. That
reactor drives an ordinary asyncio event loop, and the rest runs on the same
loop: APScheduler 3's ``AsyncIOScheduler`` fires the jobs, and a job awaits
:func:`crawler.runner.crawl` like any coroutine. There is no second thread
running a reactor, no hand-off of items between threads, and the recorder
writes to the archive on the reactor thread exactly as ``railwatch check``
does (one document, one transaction).

Jobs
----
- One job per source, on the source's ``interval``: an ``IntervalTrigger``
  with a jitter of 10% of the period (at most two minutes), or
  ``CronTrigger.from_crontab`` for ``cron: …``. Every job runs promptly at
  start; ``max_instances=1`` (a source is never crawled twice at once) and
  ``coalesce=True`` (runs missed while it was busy collapse into one).
- Sources that fall due together are crawled together: a job hands its
  source to the crawl loop and waits for its outcome. The crawl loop runs one
  crawl at a time (so ``crawl.concurrency``, ``per_host`` and ``delay`` hold
  for the whole process) over every source due by then: plan
  (:func:`monitor.check.plan_sources`), ``ArchiveRecorder.begin``, the crawl,
  ``ArchiveRecorder.finish``, then a delivery pass.
- The deliverer blocks (HTTP, SMTP), so it runs in a worker thread, one pass
  at a time, every ``DELIVER_EVERY`` seconds and after every crawl.

Stopping
--------
On SIGTERM or SIGINT the scheduler stops firing, sources waiting for a crawl
are dropped, and the crawl in flight gets ``grace`` seconds to finish (it is
otherwise abandoned: every document is its own transaction, so nothing is
half-written, and the next run fetches again what was not recorded). Then the
delivery in flight gets ``grace`` seconds (a delivery cut short is sent again
later under the same ``webhook-id``), the lock is released, and the process
exits 0. A second signal skips the waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from scrapy.utils.reactor import install_reactor

from crawler.runner import crawl
from monitor.check import plan_sources
from monitor.config import Config, Interval
from monitor.logs import log_event
from monitor.notify.deliver import Deliverer, DeliveryReport
from monitor.recorder import ArchiveRecorder, SourceOutcome
from storage.archive import Archive
from storage.lock import acquire_daemon_lock

__all__ = ["EXIT_SOURCES_FAILED", "Daemon", "DaemonOptions", "run_daemon", "trigger_for"]

log = logging.getLogger(__name__)

EXIT_SOURCES_FAILED = 3
REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
MAX_JITTER = 120.0
"""Seconds: the most a run is moved later at random (10% of the period below 20 minutes)."""
DELIVER_EVERY = 15.0
BATCH_WINDOW = 0.05
"""Seconds the crawl loop waits for more sources falling due at the same instant."""

T = TypeVar("T")


@dataclass(frozen=True)
class DaemonOptions:
    """How the daemon runs; the defaults are those of ``railwatch daemon``."""

    once: bool = False
    cycles: int | None = None
    """Stop once every source has run this many times (benchmarks and tests)."""
    grace: float = 30.0
    deliver_every: float = DELIVER_EVERY


def trigger_for(interval: Interval) -> tuple[Any, int]:
    """The APScheduler trigger of a source's ``interval`` and its misfire grace time in seconds."""
    if interval.cron is not None:
        return CronTrigger.from_crontab(interval.cron), 60
    assert interval.every is not None
    seconds = interval.every.total_seconds()
    return IntervalTrigger(seconds=seconds, jitter=min(seconds / 10, MAX_JITTER)), max(1, round(seconds))


def run_daemon(config: Config, database_url: str, open_archive: Callable[[], Archive],
               options: DaemonOptions) -> int:
    """Take the lock, run until stopped, release the lock; the exit code.

    Raises :class:`storage.exceptions.ArchiveLocked` when another daemon runs
    on the same database.
    """
    lock = acquire_daemon_lock(database_url)
    try:
        log_event(log, "daemon_started", f"daemon started: {len(config.sources)} sources, {lock.description}",
                  sources=len(config.sources), lock=lock.description, once=options.once)
        archive = open_archive()
        install_reactor(REACTOR)
        from twisted.internet import reactor as installed  # importing it before install_reactor installs another

        reactor: Any = installed  # the asyncio reactor; Twisted types it as the bare IReactorCore
        daemon = Daemon(config, archive, options, stop_reactor=reactor.stop)
        reactor.callWhenRunning(daemon.start)
        reactor.run(installSignalHandlers=False)
        return daemon.exit_code
    finally:
        lock.release()
        log_event(log, "daemon_stopped", "daemon stopped; lock released")


class Daemon:
    """The scheduler, the crawl loop and the delivery passes of one process."""

    def __init__(self, config: Config, archive: Archive, options: DaemonOptions, *,
                 stop_reactor: Callable[[], object]) -> None:
        self.config = config
        self.archive = archive
        self.options = options
        self.exit_code = 0
        self.runs: Counter[str] = Counter()
        self.crawls = 0
        self._stop_reactor = stop_reactor
        self._deliverer = Deliverer(config, archive)
        self._scheduler = AsyncIOScheduler(job_defaults={"max_instances": 1, "coalesce": True})
        self._due: dict[str, asyncio.Future[SourceOutcome]] = {}
        self._failed: set[str] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._delivery_lock = asyncio.Lock()
        self._delivery_queued = False
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._hurry = asyncio.Event()

    # ------------------------------------------------------------- lifecycle

    def start(self) -> None:
        """Called by the reactor once it runs: the daemon's main coroutine starts."""
        self._spawn(self._main())

    def request_stop(self, reason: str) -> None:
        if self._stopping.is_set():
            log_event(log, "daemon_hurry", f"{reason} again: not waiting any longer", reason=reason)
            self._hurry.set()
            return
        log_event(log, "daemon_stopping", f"{reason}: stopping", reason=reason)
        self._stopping.set()
        self._wake.set()

    async def _main(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self.request_stop, signal.Signals(signum).name)
        crawl_loop = self._spawn(self._crawl_loop())
        try:
            if self.options.once:
                await asyncio.gather(*(self._source_job(source.name) for source in self.config.sources))
                await self._deliver()
                self.exit_code = EXIT_SOURCES_FAILED if self._failed else 0
                self.request_stop("once")
            else:
                self._schedule()
            await self._stopping.wait()
            await self._shutdown(crawl_loop)
        except Exception:
            log.exception("the daemon failed")
            self.exit_code = 1
        finally:
            self._stop_reactor()

    def _schedule(self) -> None:
        now = datetime.now(UTC)
        for source in self.config.sources:
            trigger, misfire = trigger_for(source.interval)
            self._scheduler.add_job(self._source_job, trigger, args=(source.name,), id=f"source:{source.name}",
                                    name=source.name, misfire_grace_time=misfire, next_run_time=now)
        if self.config.notify:
            every = self.options.deliver_every
            self._scheduler.add_job(self._delivery_job, IntervalTrigger(seconds=every), id="deliver",
                                    name="deliver", misfire_grace_time=max(1, round(every)))
        self._scheduler.start()

    async def _shutdown(self, crawl_loop: asyncio.Task[None]) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        for future in self._due.values():
            future.cancel()
        self._due.clear()
        if not await self._within_grace(crawl_loop):
            log_event(log, "crawl_abandoned", "the crawl in flight did not finish in time: abandoned "
                      "(every recorded document is complete; the rest is fetched again next time)",
                      level=logging.WARNING)
        pending = {task for task in self._tasks if task is not asyncio.current_task()
                   and task is not crawl_loop}
        for task in pending:
            if not await self._within_grace(task):
                log_event(log, "delivery_abandoned", "the delivery in flight did not finish in time: "
                          "what it did not settle is sent again later with the same ids", level=logging.WARNING)

    async def _within_grace(self, task: asyncio.Task[Any]) -> bool:
        """Wait for ``task`` at most ``grace`` seconds (less after a second signal); whether it ended."""
        hurry = asyncio.ensure_future(self._hurry.wait())
        try:
            await asyncio.wait({task, hurry}, timeout=self.options.grace, return_when=asyncio.FIRST_COMPLETED)
        finally:
            hurry.cancel()
        return task.done()

    def _spawn(self, coroutine: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # ------------------------------------------------------------- crawling

    async def _source_job(self, name: str) -> None:
        """One run of a source: hand it to the crawl loop and wait until it has been checked."""
        if self._stopping.is_set():
            return
        future = self._due.get(name)
        if future is None:
            future = self._due[name] = asyncio.get_running_loop().create_future()
            self._wake.set()
        try:
            await asyncio.shield(future)
        except asyncio.CancelledError:
            if not self._stopping.is_set():
                raise

    async def _crawl_loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._stopping.is_set():
                return
            await asyncio.sleep(BATCH_WINDOW)
            if self._stopping.is_set():
                return
            batch, self._due = self._due, {}
            if batch:
                await self._crawl(batch)

    async def _crawl(self, batch: dict[str, asyncio.Future[SourceOutcome]]) -> None:
        """Check the sources of ``batch`` in one crawl, then resolve their futures."""
        self.crawls += 1
        started = time.monotonic()
        sources = [self.config.source(name) for name in batch]
        pages = 0
        try:
            recorder = ArchiveRecorder(self.archive, self.config)
            recorder.begin(sources)
            try:
                stats = await crawl(self.config, plan_sources(self.archive, sources), recorder)
                pages = stats.pages + stats.listings
            except Exception as exc:  # the crawl could not run: the run fails for each source
                log.exception("crawl %d failed", self.crawls)
                for outcome in recorder.outcomes.values():
                    outcome.errors.append(f"the crawl failed: {exc}")
            outcomes = recorder.finish()
        except Exception as exc:  # the archive is unreachable, say: this run fails, the next one tries again
            log.exception("crawl %d could not be recorded", self.crawls)
            outcomes = [SourceOutcome(name, errors=[f"{type(exc).__name__}: {exc}"]) for name in batch]
        seconds = round(time.monotonic() - started, 3)
        for outcome in outcomes:
            self._report(outcome, seconds)
            future = batch.get(outcome.name)
            if future is not None and not future.done():
                future.set_result(outcome)
        for future in batch.values():
            if not future.done():
                future.cancel()
        log_event(log, "crawl_done", f"crawl {self.crawls}: {len(batch)} sources, {pages} pages in {seconds}s",
                  crawl=self.crawls, sources=len(batch), pages=pages,
                  failures=sum(1 for outcome in outcomes if outcome.errors), seconds=seconds, rss_kb=rss_kb())
        if self.config.notify and not self._stopping.is_set():
            self._spawn(self._deliver())
        if self.options.cycles and all(self.runs[source.name] >= self.options.cycles
                                       for source in self.config.sources):
            self.request_stop(f"{self.options.cycles} cycles")

    def _report(self, outcome: SourceOutcome, seconds: float) -> None:
        self.runs[outcome.name] += 1
        fields: dict[str, Any] = {"source": outcome.name, "fetched": outcome.fetched, "unchanged": outcome.unchanged,
                  "events": outcome.events, "failures": len(outcome.errors), "seconds": seconds,
                  "cycle": self.runs[outcome.name]}
        if outcome.errors:
            self._failed.add(outcome.name)
            for error in outcome.errors:
                log_event(log, "source_failed", f"{outcome.name}: {error}", level=logging.WARNING,
                          source=outcome.name, error=error, cycle=self.runs[outcome.name])
        log_event(log, "source_checked", f"{outcome.name}: {outcome.fetched} fetched, {outcome.events} events, "
                  f"{len(outcome.errors)} failures", **fields)

    # ------------------------------------------------------------- delivering

    async def _delivery_job(self) -> None:
        if not self._stopping.is_set():
            await asyncio.shield(self._spawn(self._deliver()))

    async def _deliver(self) -> None:
        """One delivery pass in a worker thread; one at a time, and at most one more queued behind it."""
        if self._delivery_queued:
            return  # the pass already waiting will see these deliveries too
        self._delivery_queued = True
        async with self._delivery_lock:
            self._delivery_queued = False
            started = time.monotonic()
            try:
                report = await _in_thread(self._deliverer.run)
            except Exception:  # the outbox is unreachable, say: the next pass tries again
                log.exception("delivery pass failed")
                return
            if report.attempted:
                _log_delivery(report, time.monotonic() - started)


def _log_delivery(report: DeliveryReport, seconds: float) -> None:
    log_event(log, "delivered", f"delivered: {report.sent} sent, {report.retrying} to retry, "
              f"{report.given_up} given up", sent=report.sent, retrying=report.retrying,
              given_up=report.given_up, seconds=round(seconds, 3))


def _in_thread(function: Callable[[], T]) -> asyncio.Future[T]:
    """Run ``function`` in a new daemon thread (one that cannot hold the process up at exit)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def run() -> None:
        try:
            settle = functools.partial(_succeed, future, function())
        except BaseException as exc:
            settle = functools.partial(_fail, future, exc)
        with contextlib.suppress(RuntimeError):  # the loop is closed: the process is exiting
            loop.call_soon_threadsafe(settle)

    threading.Thread(target=run, name="railwatch-deliver", daemon=True).start()
    return future


def _succeed(future: asyncio.Future[T], result: T) -> None:
    if not future.done():
        future.set_result(result)


def _fail(future: asyncio.Future[Any], error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)


def rss_kb() -> int | None:
    """This process's resident set size in KiB (Linux), or None."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None
