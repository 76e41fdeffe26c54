"""The route status table, folded from the facts of every stored snapshot.

Newest evidence wins (ordered by the document's publication date, then by
fetch time); evidence from every source is kept.  Facts are stored on
snapshots as JSON; this module converts them both ways.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.facts import Evidence, Fact, RouteStatus, apply_fact
from storage.blobs import BlobStore
from storage.models import Document, Snapshot, Source

__all__ = ["fact_from_json", "fact_to_json", "route_history", "route_table", "status_as_fact"]


def fact_to_json(fact: Fact) -> dict[str, Any]:
    return {
        "route": list(fact.route),
        "status": fact.status,
        "trains": list(fact.trains),
        "days": list(fact.days),
        "effective": fact.effective.isoformat() if fact.effective else None,
        "departs": fact.departs,
        "arrives": fact.arrives,
        "duration_min": fact.duration_min,
        "tickets": fact.tickets,
        "quote": fact.quote,
        **({"monthly": list(fact.monthly)} if fact.monthly else {}),
    }


def fact_from_json(data: Mapping[str, Any]) -> Fact:
    route = data["route"]
    return Fact(
        route=(route[0], route[1]),
        status=data.get("status"),
        trains=tuple(data.get("trains") or ()),
        days=tuple(data.get("days") or ()),
        effective=date.fromisoformat(data["effective"]) if data.get("effective") else None,
        departs=data.get("departs"),
        arrives=data.get("arrives"),
        duration_min=data.get("duration_min"),
        tickets=data.get("tickets"),
        quote=data.get("quote") or "",
        monthly=tuple(int(d) for d in data.get("monthly") or ()),
    )


def status_as_fact(row: RouteStatus) -> Fact:
    """A route's current status, in the shape of a fact, to compare a new document against."""
    return Fact(route=row.route, status=row.status, trains=row.trains, days=row.days, effective=row.effective,
                departs=row.departs, arrives=row.arrives, duration_min=row.duration_min, monthly=row.monthly)


def _evidence_rows(session: Session, exclude_document: int | None) -> list[tuple[Any, ...]]:
    query = (
        select(Snapshot.id, Snapshot.document_id, Snapshot.facts_id, Snapshot.fetched_at, Snapshot.published,
               Document.url, Source.name)
        .join(Document, Document.id == Snapshot.document_id)
        .join(Source, Source.id == Document.source_id)
        .where(Snapshot.facts_id.is_not(None))
        .order_by(Snapshot.id)
    )
    if exclude_document is not None:
        query = query.where(Snapshot.document_id != exclude_document)
    blobs = BlobStore(session)
    rows: list[tuple[Any, ...]] = []
    last_by_doc: dict[int, int] = {}
    for row in session.execute(query):
        if last_by_doc.get(row.document_id) == row.facts_id:
            continue  # the same statement re-fetched: the first snapshot stating it is the evidence
        last_by_doc[row.document_id] = row.facts_id
        rows.append((row.id, row.document_id, blobs.get_json(row.facts_id), row.fetched_at, row.published,
                     row.url, row.name))
    rows.sort(key=lambda r: (r[4] or r[3].date(), r[3], r[0]))
    return rows


def _fold(session: Session, exclude_document: int | None = None) -> dict[frozenset[str], list[RouteStatus]]:
    states: dict[frozenset[str], list[RouteStatus]] = {}
    for snapshot_id, _doc, facts, fetched_at, _published, url, source in _evidence_rows(session, exclude_document):
        for data in facts:
            fact = fact_from_json(data)
            key = frozenset(fact.route)
            history = states.setdefault(key, [])
            evidence = Evidence(source=source, url=url, snapshot=snapshot_id, quote=fact.quote)
            history.append(apply_fact(history[-1] if history else None, fact, evidence, fetched_at))
    return states


def route_table(session: Session, *, exclude_document: int | None = None) -> list[RouteStatus]:
    """The current status of every route with at least one fact."""
    return [history[-1] for history in _fold(session, exclude_document).values()]


def route_history(session: Session, route: tuple[str, str]) -> list[RouteStatus]:
    """How one route's status evolved, one entry per piece of evidence, oldest first."""
    return _fold(session).get(frozenset(route), [])
