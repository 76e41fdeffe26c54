"""Progress of a `check` on a terminal, and the summary table at its end."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

import click

from monitor.check import CheckReport
from monitor.render import console, new_table

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

__all__ = ["CheckProgress", "print_summary"]


class CheckProgress:
    """A live "N pages fetched" line on a terminal; silent otherwise."""

    def __init__(self, *, enabled: bool) -> None:
        self._progress: Progress | None = None
        if enabled:
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                      console=console(), transient=True)
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
    """On a terminal a table of one row per source, otherwise one plain line (rich is not even loaded)."""
    lines = []
    if terminal:
        table = new_table("source", "fetched", "unchanged (304)", "events", "errors",
                          title=f"checked {len(report.outcomes)} sources in {report.seconds:.1f}s")
        for outcome in report.outcomes:
            table.add_row(outcome.name, str(outcome.fetched), str(outcome.unchanged), str(outcome.events),
                          str(len(outcome.errors)) if outcome.errors else "")
        console().print(table)
    else:
        lines.append(f"checked {len(report.outcomes)} sources in {report.seconds:.1f}s: "
                     f"{report.events} events, {len(report.failed)} failed")
    sent = report.deliveries
    if sent.attempted:
        lines.append(f"notifications: {sent.sent} sent, {sent.retrying} to retry, {sent.given_up} given up")
    for line in lines:
        click.echo(line)
