"""The outbox of notifications: what is owed to which endpoint, and what became of it.

Rows are written in the transaction that records their event (see
:meth:`storage.archive.UnitOfWork.add_delivery`); this module claims due rows
for sending and records each attempt. A claim is a lease held by a named
process (:mod:`storage.holders`): two deliverers on one database never send the
same row at the same time, and rows leased by a sender that died become due
again at once when it ran on this host, else when the lease runs out.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, Result, and_, or_, select, update
from sqlalchemy.orm import Session

from storage.archive import Archive
from storage.holders import current_holder, holder_is_dead
from storage.models import Delivery

__all__ = ["DONE", "FAILED", "OWED", "DeliveryRecord", "Outbox", "RetryPolicy", "deliveries"]

OWED, DONE, FAILED = "owed", "done", "failed"


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, capped; given up after ``max_age``."""

    backoff: timedelta
    max_backoff: timedelta
    max_age: timedelta

    def delay(self, attempts: int, retry_after: float | None, rng: random.Random) -> timedelta:
        """The wait before attempt ``attempts + 1``; a receiver's Retry-After is a floor."""
        ceiling: timedelta = min(self.max_backoff, self.backoff * (2 ** min(attempts - 1, 30)))
        wait: timedelta = self.backoff / 2 + (ceiling - self.backoff / 2) * rng.random()
        if retry_after is not None:
            wait = max(wait, timedelta(seconds=min(retry_after, self.max_backoff.total_seconds())))
        return wait


@dataclass(frozen=True)
class DeliveryRecord:
    """A delivery as `railwatch deliveries --json` prints it."""

    id: int
    message_id: str
    endpoint: str
    type: str
    event_id: int | None
    summary: str
    state: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    done_at: datetime | None
    last_error: str | None
    payload: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        def when(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": self.id, "message_id": self.message_id, "endpoint": self.endpoint, "type": self.type,
            "event": self.event_id, "summary": self.summary, "state": self.state, "attempts": self.attempts,
            "created_at": when(self.created_at),
            "next_attempt_at": when(self.next_attempt_at) if self.state == OWED else None,
            "last_attempt_at": when(self.last_attempt_at), "done_at": when(self.done_at),
            "last_error": self.last_error,
        }


def _rowcount(result: Result[Any]) -> int:
    return int(result.rowcount) if isinstance(result, CursorResult) else 0


def _record(row: Delivery) -> DeliveryRecord:
    return DeliveryRecord(row.id, row.message_id, row.endpoint, row.type, row.event_id, row.summary, row.state,
                          row.attempts, row.created_at, row.next_attempt_at, row.last_attempt_at, row.done_at,
                          row.last_error, row.payload)


def deliveries(session: Session, *, states: tuple[str, ...] = ()) -> list[DeliveryRecord]:
    """Every delivery (or those in ``states``), oldest first."""
    query = select(Delivery).order_by(Delivery.id)
    if states:
        query = query.where(Delivery.state.in_(states))
    return [_record(row) for row in session.scalars(query)]


class Outbox:
    """Claims and settles deliveries in the archive's database."""

    def __init__(self, archive: Archive, policy: RetryPolicy, *, rng: random.Random | None = None) -> None:
        self.archive = archive
        self.policy = policy
        self.rng = rng or random.Random()
        self.holder = current_holder()

    def reap(self, now: datetime) -> int:
        """Free the leases of senders that died on this host (killed mid-send); returns how many rows."""
        with self.archive.unit() as unit:
            holders = unit.session.scalars(
                select(Delivery.lease_holder).distinct()
                .where(Delivery.state == OWED, Delivery.lease_until >= now, Delivery.lease_holder.is_not(None))
            ).all()
            freed = 0
            for holder in holders:
                if holder is not None and holder_is_dead(holder):
                    freed += _rowcount(unit.session.execute(
                        update(Delivery).where(Delivery.state == OWED, Delivery.lease_holder == holder)
                        .values(lease_until=None, lease_holder=None)))
        return freed

    def claim(self, now: datetime, lease: timedelta, *, endpoints: tuple[str, ...] | None = None,
              ignore_backoff: bool = False, exclude: frozenset[int] = frozenset(),
              limit: int = 200) -> list[DeliveryRecord]:
        """Lease up to ``limit`` owed deliveries that are due (all owed ones with ``ignore_backoff``),
        leaving out the ids in ``exclude``."""
        free = or_(Delivery.lease_until.is_(None), Delivery.lease_until < now)
        due = and_(Delivery.state == OWED, free)
        if not ignore_backoff:
            due = and_(due, Delivery.next_attempt_at <= now)
        if endpoints is not None:
            due = and_(due, Delivery.endpoint.in_(endpoints))
        if exclude:
            due = and_(due, Delivery.id.not_in(exclude))
        claimed = []
        with self.archive.unit() as unit:
            rows = unit.session.scalars(select(Delivery).where(due).order_by(Delivery.id).limit(limit)).all()
            for row in rows:
                taken = _rowcount(unit.session.execute(
                    update(Delivery).where(Delivery.id == row.id, free)
                    .values(lease_until=now + lease, lease_holder=self.holder)))
                if taken:
                    claimed.append(_record(row))
        return claimed

    def settle(self, delivery: DeliveryRecord, now: datetime, *, ok: bool, error: str | None = None,
               retry_after: float | None = None, permanent: bool = False) -> str:
        """Record one attempt; returns the delivery's new state."""
        attempts = delivery.attempts + 1
        values: dict[str, Any] = {"attempts": attempts, "last_attempt_at": now, "lease_until": None,
                                  "lease_holder": None}
        if ok:
            values.update(state=DONE, done_at=now, last_error=None)
        else:
            values["last_error"] = (error or "failed")[:2000]
            retry_at = now + self.policy.delay(attempts, retry_after, self.rng)
            if permanent or retry_at - delivery.created_at > self.policy.max_age:
                values["state"] = FAILED
            else:
                values["next_attempt_at"] = retry_at
        with self.archive.unit() as unit:
            unit.session.execute(update(Delivery).where(Delivery.id == delivery.id).values(**values))
        return str(values.get("state", OWED))

    def release(self, delivery: DeliveryRecord) -> None:
        """Give a claimed delivery back untouched (the endpoint is gone from the configuration)."""
        with self.archive.unit() as unit:
            unit.session.execute(update(Delivery).where(Delivery.id == delivery.id)
                                 .values(lease_until=None, lease_holder=None))

    def revive_failed(self, now: datetime) -> int:
        """Make every given-up delivery owed again, with a fresh age limit; returns how many."""
        with self.archive.unit() as unit:
            return _rowcount(unit.session.execute(
                update(Delivery).where(Delivery.state == FAILED)
                .values(state=OWED, next_attempt_at=now, created_at=now, lease_until=None, lease_holder=None)))
