"""Notifications end to end, as a user runs railwatch: checks of a changing local site, a webhook receiver
that verifies every signature and an SMTP server, with `railwatch deliveries` in between."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from clirun import Railwatch
from livesite import LiveSite
from notifypeers import Answer, MailServer, WebhookReceiver
from test_cli_check import article, index

pytestmark = pytest.mark.slow

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@pytest.fixture
def site() -> Iterator[LiveSite]:
    with LiveSite() as live:
        yield live


@pytest.fixture
def hooks() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(SECRET) as receiver:
        yield receiver


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with MailServer() as server:
        yield server


def notifying(rw: Railwatch, notify: list[dict[str, Any]], **delivery: Any) -> Railwatch:
    """Add notify entries (and delivery settings) to the configuration the CLI reads."""
    config = yaml.safe_load(rw.config.read_text(encoding="utf-8"))
    config["notify"] = notify
    config["delivery"] = {"backoff": "1h", **delivery}
    rw.config.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return rw


def webhook(hooks: WebhookReceiver, path: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "webhook", "name": path.strip("/"), "url": hooks.url(path), "secret": SECRET, **fields}


def test_every_event_reaches_every_matching_endpoint_once(tmp_path: Path, site: LiveSite, hooks: WebhookReceiver,
                                                          mail: MailServer, sqlite_url: str) -> None:
    site.put("/k27.html", article("Beijing–Pyongyang passenger train", "Train K27 leaves Beijing on Mondays.",
                                  "Tickets at the international window."), validators=False)
    site.put("/notices/", index("/notices/1.html"))
    site.put("/notices/1.html", article("Station works", "The waiting hall of Shenyang station is closed."))
    rw = notifying(Railwatch(tmp_path, [
        {"name": "k27", "kind": "page", "url": site.url("/k27.html")},
        {"name": "notices", "kind": "index", "url": site.url("/notices/"), "links": "ul.notices a"},
    ], sqlite_url), [
        webhook(hooks, "/all"),
        webhook(hooks, "/k27-only", sources=["k27"]),
        webhook(hooks, "/new-only", kinds=["new"]),
        {"kind": "email", "smtp": f"smtp://127.0.0.1:{mail.port}", "from": "railwatch@example.org",
         "to": ["desk@example.org"]},
    ])
    assert rw.check() == []                                   # the baseline owes nothing
    assert hooks.received == [] and mail.mails == []
    assert rw.json("deliveries") == []

    site.put("/k27.html", article("Beijing–Pyongyang passenger train", "Train K27 leaves Beijing on Mondays.",
                                  "Tickets at the international window of Beijing station only."), validators=False)
    site.put("/notices/2.html", article("Resumption", "Passenger service to Pyongyang returns next month."))
    site.put("/notices/", index("/notices/2.html", "/notices/1.html"))
    events = rw.check()
    assert {(event["source"], event["kind"]) for event in events} >= {("k27", "content"), ("notices", "new")}

    by_id = {event["id"]: event for event in events}
    sent = [request.json for request in hooks.at("/all")]
    assert sorted(body["data"]["id"] for body in sent) == sorted(by_id)   # each event, once
    for body in sent:
        assert body == {"type": "railwatch.change", "data": by_id[body["data"]["id"]]}
    assert sorted(r.json["data"]["id"] for r in hooks.at("/k27-only")) == sorted(
        event["id"] for event in events if event["source"] == "k27")
    assert [r.json["data"]["kind"] for r in hooks.at("/new-only")] == ["new"]
    assert hooks.bad_signatures == []
    assert len({request.id for request in hooks.received}) == len(hooks.received)
    assert sorted(str(m["Subject"]).strip() for m in mail.mails) == sorted(
        f"[railwatch] {event['summary']}" for event in events)
    done = rw.json("deliveries")
    assert {row["state"] for row in done} == {"done"}
    assert Counter(row["endpoint"] for row in done) == {
        "all": len(events), "k27-only": sum(e["source"] == "k27" for e in events), "new-only": 1,
        "email:127.0.0.1/desk@example.org": len(events)}

    # The receiver fails: what is owed is shown, and sent later with the same webhook-id.
    hooks.default = Answer(500)
    site.put("/k27.html", article("Beijing–Pyongyang passenger train", "Train K27 leaves Beijing on Tuesdays.",
                                  "Tickets at the international window of Beijing station only."), validators=False)
    [event] = rw.check()
    owed = rw.json("deliveries", "--state", "owed")
    assert {row["endpoint"] for row in owed} == {"all", "k27-only"}
    assert all(row["event"] == event["id"] and row["attempts"] == 1 for row in owed)
    assert all(row["last_error"].startswith("HTTP 500") and row["next_attempt_at"] for row in owed)
    assert len(mail.mails) == len(events) + 1                 # the other endpoint was not held up
    table = rw.run("deliveries").stdout
    assert "owed" in table and "HTTP 500" in table

    hooks.default = Answer(200)
    retried = rw.run("deliveries", "--retry")
    assert "2 sent" in retried.stderr
    assert rw.json("deliveries", "--state", "owed") == []
    for path in ("/all", "/k27-only"):
        attempts = [request for request in hooks.at(path) if request.json["data"]["id"] == event["id"]]
        assert len(attempts) == 2 and attempts[0].id == attempts[1].id
    assert hooks.bad_signatures == []
    rw.run("check")                                           # nothing is owed: nothing is sent again
    assert len([request for request in hooks.received if request.json["data"]["id"] == event["id"]]) == 4


def test_a_failing_source_sends_one_failing_and_one_recovered_notice(
        tmp_path: Path, site: LiveSite, hooks: WebhookReceiver, mail: MailServer, sqlite_url: str) -> None:
    good = article("Timetable", "Dandong–Sinuiju trains run daily at 09:30.")
    site.put("/n.html", good, validators=False)
    rw = notifying(Railwatch(tmp_path, [{"name": "n", "kind": "page", "url": site.url("/n.html")}], sqlite_url), [
        webhook(hooks, "/hook"),
        webhook(hooks, "/quiet", health=False),
        {"kind": "email", "smtp": f"smtp://127.0.0.1:{mail.port}", "from": "railwatch@example.org",
         "to": ["desk@example.org"]},
    ], failing_after=2)
    rw.run("check")
    site.put("/n.html", "<html><body><div class='err'>Sorry, the page you requested has been removed "
                        "or does not exist.</div></body></html>", validators=False)
    for _ in range(3):                                        # the third failure in a row sends nothing more
        rw.run("check", expect=3)
    site.put("/n.html", good, validators=False)
    rw.run("check")
    types = [request.json["type"] for request in hooks.at("/hook")]
    assert types == ["railwatch.source.failing", "railwatch.source.recovered"]
    failing, recovered = (request.json["data"] for request in hooks.at("/hook"))
    assert failing["source"] == "n" and failing["url"] == site.url("/n.html")
    assert failing["consecutive_failures"] == 2 and "error page" in failing["last_error"]
    assert recovered["consecutive_failures"] == 3
    assert hooks.at("/quiet") == []
    assert hooks.bad_signatures == []
    subjects = [str(m["Subject"]).strip() for m in mail.mails]
    assert len(subjects) == 2 and "failing" in subjects[0] and "recovered" in subjects[1]
    assert [row["type"] for row in rw.json("deliveries")] == [
        "railwatch.source.failing", "railwatch.source.failing",
        "railwatch.source.recovered", "railwatch.source.recovered"]


def test_deliveries_json_is_one_document(tmp_path: Path, sqlite_url: str) -> None:
    rw = Railwatch(tmp_path, [], sqlite_url)
    done = rw.run("deliveries", "--json")
    assert json.loads(done.stdout) == []
    assert "no notification" in rw.run("deliveries").stdout
