"""Owing notifications: one outbox row per event (or source notice) and matching endpoint.

Called inside the unit of work that records the event, so the event and
everything it owes commit together or not at all.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from monitor.config import Config
from monitor.notify.base import CHANGE, SOURCE_FAILING, SOURCE_RECOVERED
from storage.archive import NewEvent, UnitOfWork
from storage.queries import ChangeRecord

__all__ = ["Enqueuer", "message_id"]


def message_id(endpoint: str, subject: str) -> str:
    """A message id stable for one subject (event or notice) and one endpoint."""
    digest = hashlib.sha256(f"{endpoint}\n{subject}".encode()).hexdigest()[:20]
    return f"msg_{subject}_{digest}"


class Enqueuer:
    """Writes the outbox rows of a run's events and source notices."""

    def __init__(self, config: Config) -> None:
        self.endpoints = config.notify

    def change(self, unit: UnitOfWork, *, event_id: int, source: str, url: str, detected_at: datetime,
               event: NewEvent, snapshot_after: int | None) -> int:
        """Owe ``event`` to every endpoint that wants it; returns how many rows were written."""
        wanted = [endpoint for endpoint in self.endpoints if endpoint.wants(source, event.kind)]
        if not wanted:
            return 0
        data = ChangeRecord(event_id, source, url, detected_at, event.kind, event.summary,
                            list(event.route) if event.route else None,
                            dict(event.before) if event.before is not None else None,
                            dict(event.after) if event.after is not None else None,
                            event.snapshot_before, snapshot_after, None).as_json()
        payload = {"data": data, "detail": dict(event.detail or {})}
        for endpoint in wanted:
            unit.add_delivery(message_id=message_id(endpoint.key, f"e{event_id}"), endpoint=endpoint.key,
                              type=CHANGE, summary=event.summary, payload=payload, now=detected_at,
                              event_id=event_id)
        return len(wanted)

    def source_health(self, unit: UnitOfWork, *, source_id: int, source: str, url: str, failing: bool,
                      failures: int, last_error: str | None, since: datetime | None, now: datetime) -> int:
        """Owe a 'source failing' (or 'source recovered') notice to every endpoint that takes them."""
        wanted = [endpoint for endpoint in self.endpoints
                  if endpoint.health and endpoint.covers(source)]
        if failing:
            summary = f"Source {source} failing: {failures} checks in a row failed ({last_error or 'error'})"
        else:
            summary = f"Source {source} recovered after {failures} failed checks"
        data: dict[str, Any] = {
            "source": source, "url": url, "consecutive_failures": failures, "last_error": last_error,
            "since": since.isoformat() if since else None, "detected_at": now.isoformat(), "summary": summary,
        }
        kind = SOURCE_FAILING if failing else SOURCE_RECOVERED
        subject = f"s{source_id}-{'failing' if failing else 'recovered'}-{int(now.timestamp() * 1000)}"
        for endpoint in wanted:
            unit.add_delivery(message_id=message_id(endpoint.key, subject), endpoint=endpoint.key, type=kind,
                              summary=summary, payload={"data": data, "detail": {}}, now=now, source_id=source_id)
        return len(wanted)
