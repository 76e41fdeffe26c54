"""The outbox on SQLite and PostgreSQL: leases, backoff, Retry-After, giving up, reviving; and the deliverer
settling real webhook answers."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from notifypeers import Answer, WebhookReceiver

from monitor.config import Config, parse_config
from monitor.notify.base import CHANGE
from monitor.notify.deliver import Deliverer
from storage.archive import Archive
from storage.outbox import DONE, FAILED, OWED, Outbox, RetryPolicy, deliveries

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
T0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
POLICY = RetryPolicy(backoff=timedelta(seconds=30), max_backoff=timedelta(hours=1), max_age=timedelta(days=2))


@pytest.fixture
def archive(database_url: str) -> Iterator[Archive]:
    archive = Archive(database_url)
    yield archive
    archive.engine.dispose()


def owe(archive: Archive, count: int, *, endpoint: str = "hook", now: datetime = T0, first: int = 1) -> None:
    with archive.unit() as unit:
        for number in range(first, first + count):
            unit.add_delivery(message_id=f"msg_e{number}_{endpoint}", endpoint=endpoint, type=CHANGE,
                              summary=f"change {number}",
                              payload={"data": {"id": number, "summary": f"change {number}"}, "detail": {}},
                              now=now)


def states(archive: Archive) -> list[str]:
    with archive.reading() as session:
        return [row.state for row in deliveries(session)]


def test_a_claim_is_a_lease(archive: Archive) -> None:
    owe(archive, 3)
    outbox, other = Outbox(archive, POLICY), Outbox(archive, POLICY)
    assert [record.summary for record in outbox.claim(T0, LEASE)] == ["change 1", "change 2", "change 3"]
    assert other.claim(T0 + timedelta(minutes=1), LEASE) == []         # leased: nobody else sends them
    again = other.claim(T0 + LEASE + timedelta(seconds=1), LEASE)      # the sender died: they are owed again
    assert [record.message_id for record in again] == ["msg_e1_hook", "msg_e2_hook", "msg_e3_hook"]


CLAIM_AND_DIE = """
import os, sys
from datetime import timedelta
from storage.archive import Archive
from storage.outbox import Outbox, RetryPolicy
from test_notify_outbox import LEASE, POLICY, T0
claimed = Outbox(Archive(sys.argv[1]), POLICY).claim(T0, LEASE)
print(len(claimed), flush=True)
os.kill(os.getpid(), 9)
"""


def test_the_leases_of_a_killed_sender_are_freed_at_once(archive: Archive, database_url: str) -> None:
    owe(archive, 2)
    child = subprocess.run([sys.executable, "-c", CLAIM_AND_DIE, database_url], capture_output=True, text=True,
                           cwd=Path(__file__).parent, env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)})
    assert child.returncode == -signal.SIGKILL and child.stdout.strip() == "2", child.stderr
    outbox = Outbox(archive, POLICY)
    assert outbox.claim(T0 + timedelta(minutes=1), LEASE) == []        # leased by the dead process
    assert outbox.reap(T0 + timedelta(minutes=1)) == 2                   # ...which is seen to be dead
    assert [record.summary for record in outbox.claim(T0 + timedelta(minutes=1), LEASE)] == ["change 1", "change 2"]
    assert outbox.reap(T0 + timedelta(minutes=1)) == 0                   # a live holder (this one) keeps its lease


def test_claims_are_per_endpoint_and_leave_out_what_was_tried(archive: Archive) -> None:
    owe(archive, 2, endpoint="a")
    owe(archive, 2, endpoint="b", first=3)
    outbox = Outbox(archive, POLICY)
    assert {record.endpoint for record in outbox.claim(T0, LEASE, endpoints=("b",))} == {"b"}
    [record] = outbox.claim(T0, LEASE, endpoints=("a",), exclude=frozenset({1}))
    assert record.id == 2


def test_success_is_done_and_never_claimed_again(archive: Archive) -> None:
    owe(archive, 1)
    outbox = Outbox(archive, POLICY)
    [record] = outbox.claim(T0, LEASE)
    assert outbox.settle(record, T0, ok=True) == DONE
    assert outbox.claim(T0 + timedelta(days=1), LEASE, ignore_backoff=True) == []
    with archive.reading() as session:
        [row] = deliveries(session)
    assert (row.state, row.attempts, row.done_at, row.last_error) == (DONE, 1, T0, None)


def test_a_failure_backs_off_with_jitter_and_doubles(archive: Archive) -> None:
    owe(archive, 1)
    outbox = Outbox(archive, POLICY, rng=random.Random(7))
    [record] = outbox.claim(T0, LEASE)
    assert outbox.settle(record, T0, ok=False, error="HTTP 500") == OWED
    with archive.reading() as session:
        [row] = deliveries(session)
    assert row.next_attempt_at is not None
    assert T0 + timedelta(seconds=15) <= row.next_attempt_at <= T0 + timedelta(seconds=30)
    assert row.last_error == "HTTP 500" and row.attempts == 1
    assert outbox.claim(T0 + timedelta(seconds=14), LEASE) == []
    assert outbox.claim(T0 + timedelta(seconds=14), LEASE, ignore_backoff=True) != []  # `deliveries --retry`
    ceilings = [POLICY.delay(attempts, None, random.Random(1)) for attempts in range(1, 10)]
    assert all(delay <= timedelta(hours=1) for delay in ceilings)
    assert POLICY.delay(3, None, random.Random(0)) <= timedelta(seconds=120)


def test_retry_after_is_honoured(archive: Archive) -> None:
    owe(archive, 1)
    outbox = Outbox(archive, POLICY)
    [record] = outbox.claim(T0, LEASE)
    outbox.settle(record, T0, ok=False, error="HTTP 429", retry_after=600)
    with archive.reading() as session:
        [row] = deliveries(session)
    assert row.next_attempt_at == T0 + timedelta(seconds=600)
    assert outbox.claim(T0 + timedelta(seconds=599), LEASE) == []
    assert len(outbox.claim(T0 + timedelta(seconds=600), LEASE)) == 1


def test_permanent_failures_and_old_ones_are_given_up_and_can_be_revived(archive: Archive) -> None:
    owe(archive, 2)
    outbox = Outbox(archive, POLICY)
    first, second = outbox.claim(T0, LEASE)
    assert outbox.settle(first, T0, ok=False, error="HTTP 410", permanent=True) == FAILED
    late = T0 + timedelta(days=2)
    assert outbox.settle(second, late, ok=False, error="HTTP 503") == FAILED
    assert states(archive) == [FAILED, FAILED]
    assert outbox.claim(late, LEASE, ignore_backoff=True) == []
    assert outbox.revive_failed(late) == 2
    assert states(archive) == [OWED, OWED]
    assert len(outbox.claim(late, LEASE)) == 2


# -- the deliverer, settling what a real receiver answers ----------------------------------------


@pytest.fixture
def hooks() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(SECRET) as receiver:
        yield receiver


def config_for(hooks: WebhookReceiver, **endpoint: Any) -> Config:
    return parse_config({"notify": [{"kind": "webhook", "name": "hook", "url": hooks.url(), "secret": SECRET,
                                     **endpoint}],
                         "delivery": {"backoff": "30s", "max_backoff": "1h", "max_age": "2d"}})


def rows(archive: Archive) -> list[dict[str, Any]]:
    with archive.reading() as session:
        return [row.as_json() for row in deliveries(session)]


def test_a_failed_delivery_is_sent_again_later_with_the_same_id(archive: Archive, hooks: WebhookReceiver) -> None:
    now = datetime.now(UTC)
    owe(archive, 2, now=now)
    hooks.answer(Answer(500))
    report = Deliverer(config_for(hooks), archive, clock=lambda: now).run()
    assert (report.sent, report.retrying, report.given_up) == (1, 1, 0)
    owed = [row for row in rows(archive) if row["state"] == OWED]
    assert [row["last_error"] for row in owed] == ['HTTP 500 Internal Server Error: {"error": "planned failure"}']
    assert Deliverer(config_for(hooks), archive, clock=lambda: now).run().attempted == 0   # backing off
    later = now + timedelta(hours=1)
    assert Deliverer(config_for(hooks), archive, clock=lambda: later).run().sent == 1
    assert [row["state"] for row in rows(archive)] == [DONE, DONE]
    ids = [request.id for request in hooks.received]
    assert ids == ["msg_e1_hook", "msg_e2_hook", "msg_e1_hook"]
    assert hooks.bad_signatures == []


def test_the_receivers_retry_after_sets_the_next_attempt(archive: Archive, hooks: WebhookReceiver) -> None:
    now = datetime.now(UTC)
    owe(archive, 1, now=now)
    hooks.answer(Answer(429, {"Retry-After": "900"}))
    Deliverer(config_for(hooks), archive, clock=lambda: now).run()
    [row] = rows(archive)
    assert row["state"] == OWED
    assert datetime.fromisoformat(row["next_attempt_at"]) == now + timedelta(seconds=900)


def test_a_permanent_refusal_is_given_up_until_retried(archive: Archive, hooks: WebhookReceiver) -> None:
    now = datetime.now(UTC)
    owe(archive, 1, now=now)
    hooks.answer(Answer(404))
    deliverer = Deliverer(config_for(hooks), archive, clock=lambda: now)
    assert deliverer.run().given_up == 1
    assert rows(archive)[0]["state"] == FAILED
    assert deliverer.run().attempted == 0
    assert deliverer.retry_failed() == 1
    assert deliverer.run(ignore_backoff=True).sent == 1
    assert [request.id for request in hooks.received] == ["msg_e1_hook", "msg_e1_hook"]


def test_deliveries_of_an_endpoint_gone_from_the_file_stay_owed(archive: Archive, hooks: WebhookReceiver) -> None:
    now = datetime.now(UTC)
    owe(archive, 1, endpoint="removed-endpoint", now=now)
    assert Deliverer(config_for(hooks), archive, clock=lambda: now).run().attempted == 0
    assert rows(archive)[0]["state"] == OWED and hooks.received == []


def test_a_pass_sends_everything_due_in_batches(archive: Archive, hooks: WebhookReceiver) -> None:
    now = datetime.now(UTC)
    owe(archive, 5, now=now)
    report = Deliverer(config_for(hooks), archive, clock=lambda: now, batch=2).run()
    assert report.sent == 5
    assert [request.id for request in hooks.received] == [f"msg_e{number}_hook" for number in range(1, 6)]


def test_every_notifier_kind_has_a_sender() -> None:
    from monitor.config import NOTIFIER_KINDS
    from monitor.notify.base import SENDERS
    from monitor.notify.senders import __all__ as sender_modules

    assert sender_modules
    assert set(SENDERS) == set(NOTIFIER_KINDS)
