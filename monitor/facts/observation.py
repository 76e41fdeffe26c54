"""One sentence's (or one table row's) statement about a route, before merging."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

__all__ = ["Observation"]


@dataclass(frozen=True)
class Observation:
    """What one sentence (or table row) says about one route."""

    route: tuple[str, str]
    position: int
    quote: str
    effective: datetime.date | None = None
    status: str | None = None
    days: tuple[str, ...] | None = None
    departs: str | None = None
    arrives: str | None = None
    duration_min: int | None = None
    trains: tuple[str, ...] = ()
    tickets: str | None = None
    monthly: tuple[int, ...] | None = None

    @property
    def key(self) -> frozenset[str]:
        return frozenset(self.route)

    def states_service(self) -> bool:
        """Whether it states a status, days (weekly or monthly), times or a duration (not just trains)."""
        fields = (self.status, self.days, self.departs, self.arrives, self.duration_min, self.monthly)
        return any(v is not None for v in fields)
