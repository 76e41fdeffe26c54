"""Human-readable output of the listing commands (tables on stdout)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from monitor.content.learned import LearnedVolatility
from monitor.facts import RouteStatus
from storage.outbox import DeliveryRecord
from storage.queries import ChangeRecord, SearchHit, SnapshotRecord, SourceHealth

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

__all__ = ["console", "new_table", "print_changes", "print_deliveries", "print_history", "print_hits",
           "print_sources", "print_status"]

# rich is imported by the functions that print: a `check` run from cron prints one plain line.


def console() -> Console:
    """stdout; when it is not a terminal, wide enough that tables keep whole cells."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)


def new_table(*columns: str, **options: Any) -> Table:
    from rich.table import Table

    return Table(*columns, **options)


def print_changes(rows: Sequence[ChangeRecord]) -> None:
    out = console()
    if not rows:
        out.print("no change events")
        return
    for row in rows:
        out.print(f"#{row.id}  {row.detected_at:%Y-%m-%d %H:%M}  {row.kind:<8} {row.source}  {row.summary}",
                  markup=False)
        out.print(f"      {row.url}", markup=False)


def print_status(rows: Sequence[RouteStatus], *, history: bool = False) -> None:
    out = console()
    if not rows:
        out.print("no route status yet: no source has stated one")
        return
    table = new_table("route", "trains", "status", "days", "effective", "departs", "arrives", "as of", "evidence")
    for row in rows:
        latest = row.evidence[-1] if row.evidence else None
        table.add_row(
            "–".join(row.route), "/".join(row.trains) or "-", row.status or "-", "/".join(row.days) or "-",
            row.effective.isoformat() if row.effective else "-", row.departs or "-", row.arrives or "-",
            f"{row.as_of:%Y-%m-%d %H:%M}",
            f"{latest.source} #{latest.snapshot}" + (f" (+{len(row.evidence) - 1})" if not history and
                                                     len(row.evidence) > 1 else "") if latest else "-",
        )
    out.print(table)


def print_history(rows: Sequence[SnapshotRecord],
                  learned: Sequence[tuple[str, LearnedVolatility]] = ()) -> None:
    """The snapshots, then what was learned to be volatile in each document and which changes that explained."""
    out = console()
    if not rows:
        out.print("no snapshots")
        return
    table = new_table("snapshot", "fetched", "status", "bytes", "source", "url", "title")
    for row in rows:
        table.add_row(str(row.id), f"{row.fetched_at:%Y-%m-%d %H:%M:%S}", str(row.status), str(row.size or 0),
                      row.source, row.url, (row.title or "")[:60])
    out.print(table)
    for url, rules in learned:
        if rules.rules:
            out.print(f"\nlearned volatile parts of {url} (masked before comparing):", markup=False)
        for rule in rules.rules:
            where = f"snapshot {rule.snapshot}" if rule.snapshot is not None else "?"
            out.print(f"  {rule.pattern}", markup=False)
            out.print(f"      from {where} at {rule.learned_at[:19]}: "
                      f"{rule.example[0][:40]!r} vs {rule.example[1][:40]!r} in two fetches", markup=False)
        for entry in rules.ignored:
            out.print(f"  snapshot {entry.snapshot}: seemed changed, but only in learned volatile parts "
                      f"({len(entry.patterns)} rule{'s' if len(entry.patterns) != 1 else ''}): no event",
                      markup=False)


def print_sources(rows: Sequence[SourceHealth]) -> None:
    out = console()
    if not rows:
        out.print("no source has been checked yet")
        return
    table = new_table("source", "kind", "last success", "failures in a row", "last error")
    for row in rows:
        table.add_row(row.name, row.kind, f"{row.last_success_at:%Y-%m-%d %H:%M}" if row.last_success_at else "never",
                      str(row.consecutive_failures) if row.consecutive_failures else "",
                      (row.last_error or "")[:100])
    out.print(table)


def print_hits(rows: Sequence[SearchHit]) -> None:
    out = console()
    if not rows:
        out.print("no matches")
        return
    for hit in rows:
        out.print(f"#{hit.snapshot}  {hit.fetched_at:%Y-%m-%d}  {hit.source}  {hit.url}", markup=False)
        out.print(f"      {hit.snippet}", markup=False)


def print_deliveries(rows: Sequence[DeliveryRecord]) -> None:
    out = console()
    if not rows:
        out.print("no notification is owed or was sent")
        return
    counts = {state: sum(1 for row in rows if row.state == state) for state in ("owed", "failed", "done")}
    table = new_table("id", "state", "endpoint", "attempts", "next / done", "summary", "last error",
                  title=", ".join(f"{count} {state}" for state, count in counts.items()))
    for row in rows:
        when = row.done_at if row.state == "done" else row.next_attempt_at if row.state == "owed" else None
        table.add_row(str(row.id), row.state, row.endpoint[:40], str(row.attempts),
                      f"{when:%Y-%m-%d %H:%M:%S}" if when else "", row.summary[:60], (row.last_error or "")[:60])
    out.print(table)
