"""The per-route service status, folded from facts with their evidence."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Any

from .model import Fact

__all__ = ["Evidence", "RouteStatus", "apply_fact"]


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: source name, document URL, snapshot id and the quote."""

    source: str
    url: str
    snapshot: int
    quote: str

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "url": self.url, "snapshot": self.snapshot, "quote": self.quote}


@dataclass(frozen=True)
class RouteStatus:
    """A route's current service status (SPEC "Route status")."""

    route: tuple[str, str]
    trains: tuple[str, ...] = ()
    status: str | None = None
    days: tuple[str, ...] = ()
    effective: datetime.date | None = None
    departs: str | None = None
    arrives: str | None = None
    duration_min: int | None = None
    as_of: datetime.datetime | None = None
    evidence: tuple[Evidence, ...] = ()
    monthly: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `railwatch status --json`."""
        return {
            "route": list(self.route),
            "trains": list(self.trains),
            "status": self.status,
            "days": list(self.days),
            "effective": self.effective.isoformat() if self.effective else None,
            "departs": self.departs,
            "arrives": self.arrives,
            "duration_min": self.duration_min,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "evidence": [e.as_dict() for e in self.evidence],
            **({"monthly": list(self.monthly)} if self.monthly else {}),
        }


def _stated(fact: Fact) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("status", "effective", "departs", "arrives", "duration_min"):
        value = getattr(fact, name)
        if value is not None:
            out[name] = value
    if fact.days:
        out["days"] = fact.days
    if fact.trains:
        out["trains"] = fact.trains
    if fact.monthly:
        out["monthly"] = fact.monthly
    return out


def _newer(as_of: datetime.datetime, current: datetime.datetime | None) -> bool:
    if current is None:
        return True
    if (as_of.tzinfo is None) != (current.tzinfo is None):
        as_of = as_of.replace(tzinfo=None)
        current = current.replace(tzinfo=None)
    return as_of >= current


def apply_fact(current: RouteStatus | None, fact: Fact, evidence: Evidence,
               as_of: datetime.datetime) -> RouteStatus:
    """Fold one fact into a route's status: newer evidence wins field by field, all evidence is kept.

    Evidence older than the current status only fills fields still unknown. A new status
    without a date clears a stale effective date.
    """
    stated = _stated(fact)
    if current is None:
        current = RouteStatus(route=fact.route)
    newer = _newer(as_of, current.as_of)
    updates: dict[str, Any] = {}
    if "trains" in stated and current.trains and set(stated["trains"]) <= set(current.trains):
        del stated["trains"]  # one train of a known pair named ("K27 sold out") keeps the pair
    for name, value in stated.items():
        if newer or getattr(current, name) in (None, ()):
            updates[name] = value
    if newer and "status" in stated and stated["status"] != current.status and "effective" not in stated:
        updates["effective"] = None
    evidence_list = current.evidence if evidence in current.evidence else (*current.evidence, evidence)
    latest = as_of if newer else current.as_of
    return replace(current, **updates, as_of=latest, evidence=evidence_list)
