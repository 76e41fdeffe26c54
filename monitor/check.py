"""One pass over the sources: plan from the archive, crawl, record, report."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from crawler.plan import SourcePlan, Validators
from crawler.runner import run_crawl
from monitor.config import Config, SourceConfig
from monitor.notify.deliver import Deliverer, DeliveryReport
from monitor.recorder import ArchiveRecorder, SourceOutcome
from storage import queries
from storage.archive import Archive

__all__ = ["CheckReport", "plan_sources", "run_check", "select_sources"]


@dataclass(frozen=True)
class CheckReport:
    outcomes: tuple[SourceOutcome, ...]
    seconds: float
    deliveries: DeliveryReport = field(default_factory=DeliveryReport)

    @property
    def failed(self) -> tuple[SourceOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.errors)

    @property
    def events(self) -> int:
        return sum(outcome.events for outcome in self.outcomes)


def select_sources(config: Config, names: Sequence[str]) -> list[SourceConfig]:
    """The named sources (all when none are named); an unknown name is a KeyError naming it."""
    if not names:
        return list(config.sources)
    return [config.source(name) for name in names]


def plan_sources(archive: Archive, sources: Sequence[SourceConfig]) -> list[SourcePlan]:
    """What to fetch: each source with its cache validators and the items to re-check."""
    plans = []
    with archive.reading() as session:
        cached = queries.validators(session, [source.name for source in sources])
        for source in sources:
            known = {row.url: Validators(row.etag, row.last_modified) for row in cached[source.name]}
            items = tuple(queries.item_urls(session, source.name, source.max_items)) if source.kind != "page" else ()
            plans.append(SourcePlan(source=source, validators=known, known_items=items))
    return plans


def run_check(config: Config, archive: Archive, names: Sequence[str] = (), *,
              progress: Callable[[str], None] | None = None) -> CheckReport:
    started = time.monotonic()
    sources = select_sources(config, names)
    recorder = ArchiveRecorder(archive, config)
    recorder.begin(sources)
    try:
        run_crawl(config, plan_sources(archive, sources), recorder, progress=progress)
    finally:
        recorder.flush()  # what was fetched is kept, however the crawl ended
    outcomes = recorder.finish()
    delivered = Deliverer(config, archive).run()
    return CheckReport(tuple(outcomes), time.monotonic() - started, delivered)
