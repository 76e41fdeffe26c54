"""Records produced by the facts extractor."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

__all__ = ["DAYS", "STATUSES", "Fact", "Segment"]

DAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
STATUSES: tuple[str, ...] = ("operating", "suspended", "planned", "cancelled")


@dataclass(frozen=True)
class Fact:
    """What one document states about one route."""

    route: tuple[str, str]
    status: str | None = None
    trains: tuple[str, ...] = ()
    days: tuple[str, ...] = ()
    effective: datetime.date | None = None
    departs: str | None = None
    arrives: str | None = None
    duration_min: int | None = None
    tickets: str | None = None
    quote: str = ""
    # Days of the month of a monthly service ("the 7th and 21st of each month").
    monthly: tuple[int, ...] = ()


@dataclass(frozen=True)
class Segment:
    """A paragraph, or a question with its answer and follow-on paragraphs."""

    text: str
    index: int
