"""Sending what the outbox owes: due deliveries, per endpoint, through that endpoint's sender.

Each attempt is settled in its own transaction after the send returns. A
crash between the two leaves the row owed (its lease runs out), so the
message is sent again with the same id, never lost; receivers drop repeats
by that id (``webhook-id``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from monitor.config import Config, NotifyConfig
from monitor.notify.base import Message, SendResult, sender_for
from storage.archive import Archive
from storage.outbox import FAILED, DeliveryRecord, Outbox, RetryPolicy

__all__ = ["Deliverer", "DeliveryReport"]

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    """What one delivery pass did."""

    sent: int = 0
    retrying: int = 0
    given_up: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.given_up


class Deliverer:
    """Sends due deliveries of the configured endpoints."""

    def __init__(self, config: Config, archive: Archive, *,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 lease: timedelta = timedelta(minutes=15), batch: int = 50) -> None:
        self.config = config
        self.outbox = Outbox(archive, RetryPolicy(config.delivery.backoff, config.delivery.max_backoff,
                                                  config.delivery.max_age))
        self.archive = archive
        self.clock = clock
        self.lease = lease
        self.batch = batch

    def run(self, *, ignore_backoff: bool = False) -> DeliveryReport:
        """One pass: every due delivery (every owed one with ``ignore_backoff``) is attempted once.

        Deliveries are claimed one endpoint and one batch at a time, just before they are sent, so
        the lease runs while they are being sent (not while other endpoints are), and a batch of
        ``batch`` messages at the endpoint's timeout fits in it: another deliverer on the same
        database never sends them too.
        """
        report = DeliveryReport()
        if self.config.notify:
            self.outbox.reap(self.clock())
        for endpoint in self.config.notify:
            attempted: set[int] = set()
            while claimed := self.outbox.claim(self.clock(), self.lease, endpoints=(endpoint.key,),
                                               ignore_backoff=ignore_backoff, exclude=frozenset(attempted),
                                               limit=self.batch):
                attempted.update(record.id for record in claimed)
                self._send(endpoint, claimed, report)
        return report

    def retry_failed(self) -> int:
        """Make every given-up delivery owed again (`railwatch deliveries --retry`); returns how many."""
        return self.outbox.revive_failed(self.clock())

    def _send(self, endpoint: NotifyConfig, records: list[DeliveryRecord], report: DeliveryReport) -> None:
        messages = [Message(record.id, record.message_id, record.type, dict(record.payload.get("data") or {}),
                            record.summary, dict(record.payload.get("detail") or {})) for record in records]
        try:
            results = sender_for(endpoint).send(messages)
            if len(results) != len(messages):
                raise RuntimeError(f"sender returned {len(results)} results for {len(messages)} messages")
        except Exception as exc:  # a broken endpoint must not stop the others
            log.warning("notify %s: sending failed: %s", endpoint.key, exc)
            results = [SendResult(ok=False, error=f"{type(exc).__name__}: {exc}")] * len(messages)
        now = self.clock()
        for record, result in zip(records, results, strict=True):
            state = self.outbox.settle(record, now, ok=result.ok, error=result.error,
                                       retry_after=result.retry_after, permanent=result.permanent)
            if result.ok:
                report.sent += 1
            elif state == FAILED:
                report.given_up += 1
                log.error("notify %s: gave up delivery %s (%s): %s", endpoint.key, record.id, record.summary,
                          result.error)
            else:
                report.retrying += 1
                log.warning("notify %s: delivery %s failed, will retry: %s", endpoint.key, record.id, result.error)
