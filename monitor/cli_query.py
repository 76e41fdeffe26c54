"""Commands that query the archive: changes, status, history, show, diff, search.

Each listing command takes ``--json``: one JSON document on stdout, nothing else there.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any

import click

from monitor.app import AppContext
from monitor.content.learned import LearnedVolatility
from monitor.diff import unified
from monitor.exceptions import UsageError
from monitor.render import print_changes, print_history, print_hits, print_sources, print_status
from monitor.routes import route_history, route_table
from storage import queries

__all__ = ["COMMANDS"]

KINDS = ("new", "removed", "status", "schedule", "content")


def _dump(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _parse_since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not an ISO 8601 date or time: {value!r}", param_hint="--since") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@click.command()
@click.option("--since", help="only events detected at or after this ISO 8601 time")
@click.option("--source", "sources", multiple=True, help="only this source (repeatable)")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS), help="only this kind (repeatable)")
@click.option("--json", "as_json", is_flag=True, help="print a JSON array")
@click.pass_obj
def changes(app: AppContext, since: str | None, sources: tuple[str, ...], kinds: tuple[str, ...],
            as_json: bool) -> None:
    """Change events, oldest first."""
    with app.archive().reading() as session:
        found = queries.changes(session, since=_parse_since(since), sources=sources, kinds=kinds)
    if as_json:
        _dump([change.as_json() for change in found])
    else:
        print_changes(found)


@click.command()
@click.option("--route", help='one route, e.g. "Beijing-Pyongyang"')
@click.option("--history", "show_history", is_flag=True, help="with --route: how its status evolved")
@click.option("--json", "as_json", is_flag=True, help="print a JSON array")
@click.pass_obj
def status(app: AppContext, route: str | None, show_history: bool, as_json: bool) -> None:
    """The current service status of every route, with evidence."""
    if show_history and not route:
        raise click.UsageError("--history needs --route")
    with app.archive().reading() as session:
        if route:
            ends = _route_ends(route)
            rows = route_history(session, ends) if show_history else [
                row for row in route_table(session) if frozenset(row.route) == frozenset(ends)]
        else:
            rows = route_table(session)
    if not show_history:
        rows = sorted(rows, key=lambda row: row.route)
    if as_json:
        _dump([row.as_dict() for row in rows])
    else:
        print_status(rows, history=show_history)


def _route_ends(route: str) -> tuple[str, str]:
    for separator in ("–", "—", "-", "/", ","):
        if separator in route:
            first, _, last = route.partition(separator)
            return first.strip(), last.strip()
    raise click.BadParameter(f"write a route as two names, e.g. Beijing-Pyongyang: {route!r}",
                             param_hint="--route")


@click.command()
@click.argument("url", required=False)
@click.option("--source", help="every document of this source")
@click.option("--json", "as_json", is_flag=True, help="print a JSON array")
@click.pass_obj
def history(app: AppContext, url: str | None, source: str | None, as_json: bool) -> None:
    """The snapshots of a document (URL) or of a source's documents."""
    if bool(url) == bool(source):
        raise click.UsageError("give a URL or --source NAME")
    with app.archive().reading() as session:
        found = queries.snapshots(session, url=url, source=source)
        learned = [(entry.url, LearnedVolatility.from_json(entry.volatile))
                   for entry in queries.volatility(session, url=url, source=source)]
    if as_json:
        notes = _volatility_notes(learned)
        _dump([{**record.as_json(), "learned": [], "ignored": [], **notes.get(record.id, {})} for record in found])
    else:
        print_history(found, learned)


def _volatility_notes(learned: list[tuple[str, LearnedVolatility]]) -> dict[int, dict[str, list[Any]]]:
    """Per snapshot: the volatile rules its confirming fetch taught, and the rules that explained its change away."""
    notes: dict[int, dict[str, list[Any]]] = {}
    for _, rules in learned:
        for rule in rules.rules:
            if rule.snapshot is not None:
                notes.setdefault(rule.snapshot, {}).setdefault("learned", []).append(rule.as_json())
        for entry in rules.ignored:
            if entry.snapshot is not None:
                notes.setdefault(entry.snapshot, {})["ignored"] = list(entry.patterns)
    return notes


@click.command()
@click.argument("snapshot_id", metavar="SNAPSHOT", type=int)
@click.option("--text", "mode", flag_value="text", help="only the extracted text")
@click.option("--raw", "mode", flag_value="raw", help="only the body, byte for byte as fetched")
@click.pass_obj
def show(app: AppContext, snapshot_id: int, mode: str | None) -> None:
    """One snapshot: its response, extracted text and facts."""
    with app.archive().reading() as session:
        record = queries.snapshot(session, snapshot_id)
        if record is None:
            raise UsageError(f"no snapshot {snapshot_id}")
        body = queries.body_of(session, record)
        text = queries.text_of(session, record)
    if mode == "raw":
        sys.stdout.buffer.write(body or b"")
        return
    if mode == "text":
        click.echo(text or "")
        return
    click.echo(f"snapshot {record.id}  {record.source}  {record.url}")
    click.echo(f"fetched  {record.fetched_at.isoformat()}  HTTP {record.status}  {record.size or 0} bytes"
               f"  {record.encoding or ''}")
    if record.final_url != record.url:
        click.echo(f"final    {record.final_url}")
    if record.title:
        click.echo(f"title    {record.title}")
    for fact in record.facts or []:
        click.echo(f"fact     {json.dumps(fact, ensure_ascii=False)}")
    click.echo("")
    click.echo(text or "")


@click.command()
@click.argument("first", metavar="SNAPSHOT_A", type=int)
@click.argument("second", metavar="SNAPSHOT_B", type=int)
@click.pass_obj
def diff(app: AppContext, first: int, second: int) -> None:
    """The difference between the texts of two snapshots."""
    with app.archive().reading() as session:
        texts = []
        for snapshot_id in (first, second):
            record = queries.snapshot(session, snapshot_id)
            if record is None:
                raise UsageError(f"no snapshot {snapshot_id}")
            texts.append(queries.text_of(session, record) or "")
    click.echo(unified(texts[0], texts[1]) or "(no difference in the watched text)")


@click.command()
@click.argument("terms")
@click.option("--limit", default=50, show_default=True, help="at most this many hits")
@click.option("--json", "as_json", is_flag=True, help="print a JSON array")
@click.pass_obj
def search(app: AppContext, terms: str, limit: int, as_json: bool) -> None:
    """Full-text search of every stored version of every document."""
    with app.archive().reading() as session:
        hits = queries.search(session, terms, limit=limit)
    if as_json:
        _dump([hit.as_json() for hit in hits])
    else:
        print_hits(hits)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="print a JSON array")
@click.pass_obj
def sources(app: AppContext, as_json: bool) -> None:
    """The health of every source: last success, consecutive failures, last error."""
    with app.archive().reading() as session:
        rows = queries.source_health(session)
    if as_json:
        _dump([row.as_json() for row in rows])
    else:
        print_sources(rows)


COMMANDS = (changes, status, history, show, diff, search, sources)
