"""Kill railwatch at random moments, again and again, then check that nothing was lost or repeated wrongly.

:func:`crash_run` serves a site whose notices change (a new item on an index,
an edited page) and a Standard Webhooks receiver with two endpoints (every
event; ``new`` events only) on 127.0.0.1, then, with a seeded RNG: starts
``railwatch daemon`` (1 s intervals) and SIGKILLs it at a random moment, over
and over, changing the site between runs; does the same to ``railwatch
check``; then runs cleanly (``daemon --once`` and ``deliveries --retry``).
:func:`verify` asserts the promises of SPEC.md about it: every event reached
every matching endpoint with a valid signature, every repeat carried the same
``webhook-id``, and the archive is consistent. Used by ``tests/test_crash.py``
and ``bench/crash_kills.py``.
"""

from __future__ import annotations

import random
import subprocess
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clirun import Railwatch as Cli
from livesite import LiveSite
from notifypeers import Answer, WebhookReceiver
from sqlalchemy import text
from test_cli_check import article, index

from storage.archive import Archive
from storage.blobs import BlobStore
from storage.models import Document, Snapshot

__all__ = ["SECRET", "CrashReport", "crash_run", "verify"]

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
PARAGRAPHS = ["Tickets at the international window.", "Tickets at the international window of Beijing station.",
              "Tickets are sold online and at the international window.", "Tickets at Dandong station only."]


@dataclass
class CrashReport:
    """What a crash run did and saw."""

    daemon_runs: int = 0
    check_runs: int = 0
    kills: int = 0
    events: int = 0
    owed: int = 0
    received: int = 0
    repeats: int = 0
    listed: list[str] = field(default_factory=list)
    """Items on the index at the end, after the baseline's: each must have been announced (``new``)."""
    clean_exit_codes: list[int] = field(default_factory=list)

    def line(self) -> str:
        return (f"daemon_runs={self.daemon_runs} check_runs={self.check_runs} kills={self.kills} "
                f"events={self.events} deliveries_owed={self.owed} webhooks_received={self.received} "
                f"repeats={self.repeats}")


class _Changes:
    """The site and how it changes: item n appears on the index, the timetable page is edited."""

    def __init__(self, site: LiveSite) -> None:
        self.site = site
        self.items = 0
        self.edits = 0
        site.put("/k27.html", article("Beijing–Pyongyang passenger train", "Train K27 leaves Beijing on Mondays.",
                                      PARAGRAPHS[0]), validators=False)
        self.add_item()

    def add_item(self) -> None:
        self.items += 1
        n = self.items
        self.site.put(f"/notices/{n}.html", article(f"Notice {n}", f"Notice number {n} about station works "
                                                                    f"in Shenyang, hall {n} is closed."))
        self.site.put("/notices/", index(*(f"/notices/{i}.html" for i in range(n, max(0, n - 8), -1))))

    def edit_page(self) -> None:
        self.edits += 1
        self.site.put("/k27.html", article("Beijing–Pyongyang passenger train", "Train K27 leaves Beijing on Mondays.",
                                           PARAGRAPHS[self.edits % len(PARAGRAPHS)]), validators=False)


def crash_run(folder: Path, database: str, *, kills: int, check_kills: int, seed: int,
              site: LiveSite, hooks: WebhookReceiver) -> tuple[Cli, CrashReport]:
    """Kill the daemon ``kills`` times and ``railwatch check`` ``check_kills`` times, then run cleanly."""
    rng = random.Random(seed)
    changes = _Changes(site)
    cli = Cli(folder, [
        {"name": "k27", "kind": "page", "url": site.url("/k27.html"), "interval": "1s"},
        {"name": "notices", "kind": "index", "url": site.url("/notices/"), "links": "ul.notices a",
         "interval": "1s"},
    ], database, notify=[
        {"kind": "webhook", "name": "all", "url": hooks.url("/all"), "secret": SECRET, "timeout": "5s"},
        {"kind": "webhook", "name": "new-only", "url": hooks.url("/new"), "secret": SECRET, "kinds": ["new"],
         "timeout": "5s"},
    ], delivery={"backoff": "1s", "max_backoff": "2s"})
    report = CrashReport()
    cli.run("check")                              # the baseline, so that later changes are events
    for _ in range(kills):
        _mutate(rng, changes, hooks)
        daemon = cli.daemon()
        report.daemon_runs += 1
        daemon.wait_for(lambda r: r.get("event") == "daemon_started")
        time.sleep(rng.uniform(0.0, 4.0))         # a random moment: mid-crawl, mid-delivery, idle…
        daemon.kill()
        report.kills += 1
    for _ in range(check_kills):
        _mutate(rng, changes, hooks)
        check = subprocess.Popen(cli.command("check"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        report.check_runs += 1
        time.sleep(rng.uniform(0.5, 3.0))
        check.kill()
        check.wait()
        report.kills += 1
    hooks.plan.clear()                            # the receiver is healthy again
    report.listed = [site.url(f"/notices/{i}.html") for i in range(changes.items, max(1, changes.items - 8), -1)]
    report.clean_exit_codes.append(cli.run("daemon", "--once", expect=None).returncode)
    report.clean_exit_codes.append(cli.run("deliveries", "--retry", expect=None).returncode)
    return cli, report


def _mutate(rng: random.Random, changes: _Changes, hooks: WebhookReceiver) -> None:
    if rng.random() < 0.7:
        changes.add_item()
    if rng.random() < 0.5:
        changes.edit_page()
    roll = rng.random()
    if roll < 0.2:                                # the receiver fails now and then: retries, backoff
        hooks.answer(*[Answer(503)] * rng.randint(1, 3))
    elif roll < 0.4:                              # or does not answer: a kill lands mid-delivery
        hooks.answer(Answer(hang=True))


def verify(cli: Cli, database: str, hooks: WebhookReceiver, report: CrashReport) -> None:
    """Every event reached every matching endpoint, repeats kept their id, the archive is consistent."""
    assert report.clean_exit_codes == [0, 0], report
    assert not hooks.bad_signatures, hooks.bad_signatures[:5]
    events = cli.json("changes")
    report.events = len(events)
    received: dict[tuple[str, int], set[str]] = defaultdict(set)
    ids: dict[str, set[tuple[str, Any]]] = defaultdict(set)
    for request in hooks.received:
        body = request.json
        key = body["data"].get("id") if body["type"] == "railwatch.change" else body["data"].get("source")
        ids[request.id].add((request.path, key))
        if body["type"] == "railwatch.change":
            received[request.path, key].add(request.id)
    report.received = len(hooks.received)
    report.repeats = len(hooks.received) - len(ids)
    for message_id, targets in ids.items():
        assert len(targets) == 1, f"webhook-id {message_id} was used for {targets}"
    owed = 0
    for event in events:
        for path, wanted in (("/all", True), ("/new", event["kind"] == "new")):
            if not wanted:
                continue
            owed += 1
            got = received.get((path, event["id"]))
            assert got, f"event {event['id']} ({event['kind']} {event['url']}) never reached {path}"
            assert len(got) == 1, f"event {event['id']} reached {path} under several ids: {got}"
    report.owed = owed
    announced = {event["url"] for event in events if event["kind"] == "new"}
    assert set(report.listed) <= announced, sorted(set(report.listed) - announced)
    assert {row["state"] for row in cli.json("deliveries")} <= {"done"}
    _archive_is_consistent(database)


def _archive_is_consistent(database: str) -> None:
    archive = Archive(database)
    try:
        with archive.reading() as session:
            blobs = BlobStore(session)
            snapshots = {snap.id: snap for snap in session.query(Snapshot)}
            for snap in snapshots.values():
                for blob_id in (snap.body_id, snap.text_id):
                    if blob_id is not None:
                        blobs.get(blob_id)        # decompresses, checks its digest
                if snap.facts_id is not None:
                    blobs.get_json(snap.facts_id)
            for doc in session.query(Document):
                if doc.latest_snapshot_id is not None:
                    latest = snapshots.get(doc.latest_snapshot_id)
                    assert latest is not None, f"document {doc.url} points at missing snapshot {doc.latest_snapshot_id}"
                    assert latest.document_id == doc.id
            for event in session.execute(text("SELECT id, snapshot_before, snapshot_after FROM events")):
                for snapshot_id in event[1:]:
                    assert snapshot_id is None or snapshot_id in snapshots, (event[0], snapshot_id)
    finally:
        archive.close()
