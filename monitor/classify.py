"""Service facts in the pipeline: extraction per snapshot, and ``status``/``schedule`` events.

Facts of a document already seen are compared with its previous snapshot's;
facts of a document seen for the first time are compared with the route
status as it stood before (so a new resumption notice is a ``status`` event,
and a restatement of what is already known is none).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from monitor.config import Config, SourceConfig
from monitor.facts import (
    Fact,
    Gazetteer,
    compare_facts,
    extract_facts,
    matches_keywords,
    segment,
)
from monitor.routes import fact_from_json, fact_to_json, route_table, status_as_fact
from storage.archive import Archive, DocumentState, NewEvent, UnitOfWork

__all__ = ["FactsEngine"]


class FactsEngine:
    """Extracts facts with the configured gazetteer and turns their changes into events."""

    def __init__(self, archive: Archive, config: Config) -> None:
        self.archive = archive
        base = Gazetteer.default()
        self.gazetteer = base.extended({name: list(spellings) for name, spellings in config.stations.items()})

    def extract(self, text: str, published: date, source: SourceConfig) -> list[dict[str, Any]]:
        """The facts of a document's watched text, as stored on its snapshot."""
        if source.keywords:
            text = "\n\n".join(seg.text for seg in segment(text) if matches_keywords(seg.text, source.keywords))
            if not text:
                return []
        return [fact_to_json(fact) for fact in extract_facts(text, published=published, gazetteer=self.gazetteer)]

    def events(self, unit: UnitOfWork, doc: DocumentState, facts: Sequence[dict[str, Any]],
               first_content: bool) -> list[NewEvent]:
        after = [fact_from_json(item) for item in facts]
        previous = None if first_content else unit.facts_of(doc)
        if previous is None:
            known = {frozenset(row.route): row for row in route_table(unit.session, exclude_document=doc.id)}
            before = [status_as_fact(known[key]) for fact in after
                      if (key := frozenset(fact.route)) in known]
            before_snapshot = None
        else:
            before = [fact_from_json(item) for item in previous]
            before_snapshot = doc.latest_snapshot_id
        return [
            NewEvent(kind=change.kind, summary=change.summary, route=list(change.route),
                     before=change.before, after=change.after, snapshot_before=before_snapshot,
                     detail={"quote": _quote(after, change.route)})
            for change in compare_facts(before, after)
        ]


def _quote(facts: Sequence[Fact], route: Sequence[str]) -> str:
    for fact in facts:
        if frozenset(fact.route) == frozenset(route):
            return fact.quote
    return ""

