"""Progress of a `check` on a terminal, and the summary table at its end."""

from __future__ import annotations

from types import TracebackType

from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from monitor.check import CheckReport
from monitor.render import console

__all__ = ["CheckProgress", "print_summary"]


class CheckProgress:
    """A live "N pages fetched" line on a terminal; silent otherwise."""

    def __init__(self, *, enabled: bool) -> None:
        self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                  console=console(), transient=True) if enabled else None
        self._task: TaskID | None = None
        self._count = 0

    def __enter__(self) -> CheckProgress:
        if self._progress is not None:
            self._progress.start()
            self._task = self._progress.add_task("checking…")
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._progress is not None:
            self._progress.stop()

    def advance(self, url: str) -> None:
        self._count += 1
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description=f"{self._count} fetched  {url[:70]}")


def print_summary(report: CheckReport, *, terminal: bool) -> None:
    """One row per source; on a terminal a table, otherwise one plain line per source."""
    out = console()
    if terminal:
        table = Table("source", "fetched", "unchanged (304)", "events", "errors",
                      title=f"checked {len(report.outcomes)} sources in {report.seconds:.1f}s")
        for outcome in report.outcomes:
            table.add_row(outcome.name, str(outcome.fetched), str(outcome.unchanged), str(outcome.events),
                          str(len(outcome.errors)) if outcome.errors else "")
        out.print(table)
    else:
        failed = len(report.failed)
        out.print(f"checked {len(report.outcomes)} sources in {report.seconds:.1f}s: "
                  f"{report.events} events, {failed} failed", markup=False)
    sent = report.deliveries
    if sent.attempted:
        out.print(f"notifications: {sent.sent} sent, {sent.retrying} to retry, {sent.given_up} given up",
                  markup=False)
