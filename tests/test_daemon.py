"""`railwatch daemon` run as a user runs it: a child process over a local site that changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from clirun import Railwatch as Cli
from livesite import LiveSite
from test_cli_check import article, index

pytestmark = pytest.mark.slow


@pytest.fixture
def site() -> Iterator[LiveSite]:
    with LiveSite() as live:
        yield live


def events_of(cli: Cli) -> list[tuple[str, str, str, str]]:
    """The events, in an order that does not depend on which of two concurrent spiders answered first."""
    return sorted((e["source"], e["kind"], e["url"], e["summary"]) for e in cli.json("changes"))


def page_sources(site: LiveSite, interval: str = "30m") -> list[dict[str, Any]]:
    return [
        {"name": "k27", "kind": "page", "url": site.url("/k27.html"), "interval": interval},
        {"name": "notices", "kind": "index", "url": site.url("/notices/"), "links": "ul.notices a",
         "interval": interval},
    ]


def put_first_state(site: LiveSite) -> None:
    site.put("/k27.html", article("Beijing–Pyongyang passenger train", "Train K27 leaves Beijing on Mondays.",
                                  "Tickets at the international window."), validators=False)
    site.put("/notices/", index("/notices/1.html"))
    site.put("/notices/1.html", article("Station works", "The waiting hall of Shenyang station is closed."))


def put_second_state(site: LiveSite) -> None:
    site.put("/k27.html", article("Beijing–Pyongyang passenger train", "Train K27 leaves Beijing on Mondays.",
                                  "Tickets at the international window of Beijing station only."), validators=False)
    site.put("/notices/2.html", article("Resumption", "Passenger service to Pyongyang returns next month."))
    site.put("/notices/", index("/notices/2.html", "/notices/1.html"))


def test_once_records_the_same_events_as_check(tmp_path: Path, site: LiveSite, database_url: str) -> None:
    put_first_state(site)
    (tmp_path / "check").mkdir()
    checked = Cli(tmp_path / "check", page_sources(site), f"sqlite:///{tmp_path / 'check' / 'rw.db'}")
    daemon = Cli(tmp_path, page_sources(site), database_url)
    checked.run("check")
    daemon.run("daemon", "--once")
    put_second_state(site)
    checked.run("check")
    daemon.run("daemon", "--once")
    found = events_of(daemon)
    assert found == events_of(checked)
    assert {(kind, url) for _, kind, url, _ in found} == {
        ("content", site.url("/k27.html")), ("new", site.url("/notices/2.html"))}
    health = {row["name"]: row for row in daemon.json("sources")}
    assert health["k27"]["consecutive_failures"] == 0 and health["k27"]["last_success_at"]


def test_once_exits_3_when_a_source_fails(tmp_path: Path, site: LiveSite, sqlite_url: str) -> None:
    put_first_state(site)
    cli = Cli(tmp_path, [*page_sources(site), {"name": "gone", "kind": "page",
                                               "url": "http://127.0.0.1:9/nothing-listens-here"}], sqlite_url)
    done = cli.run("daemon", "--once", expect=3)
    assert "gone" in done.stderr
    assert len(cli.json("history", "--source", "k27")) == 1


def test_the_daemon_checks_repeatedly_picks_up_a_change_and_stops_cleanly(
        tmp_path: Path, site: LiveSite, database_url: str) -> None:
    put_first_state(site)
    cli = Cli(tmp_path, page_sources(site, interval="1s"), database_url)
    daemon = cli.daemon()
    try:
        daemon.checked("k27", cycle=2)                # the baseline, then a re-check a second later
        daemon.checked("notices", cycle=2)
        assert events_of(cli) == []
        put_second_state(site)
        daemon.wait_for(lambda r: r.get("event") == "source_checked" and r["source"] == "k27" and r["events"] == 1)
        daemon.wait_for(lambda r: r.get("event") == "source_checked" and r["source"] == "notices"
                        and r["events"] == 1)
    finally:
        code = daemon.terminate()
    assert code == 0, daemon.lines
    assert not daemon.not_json
    assert daemon.events("daemon_stopped")
    for record in daemon.events("source_checked"):
        assert {"source", "fetched", "events", "failures", "seconds", "cycle", "time", "level"} <= set(record)
    assert {(kind, url) for _, kind, url, _ in events_of(cli)} == {
        ("content", site.url("/k27.html")), ("new", site.url("/notices/2.html"))}
    cli.run("daemon", "--once")                   # the lock was released: a new daemon starts
    assert len(events_of(cli)) == 2               # and the archive did not change under it


def test_a_second_daemon_on_the_same_database_refuses_to_start(
        tmp_path: Path, site: LiveSite, database_url: str) -> None:
    put_first_state(site)
    cli = Cli(tmp_path, page_sources(site, interval="1h"), database_url)
    first = cli.daemon()
    try:
        first.checked("k27")
        second = cli.run("daemon", expect=2)
        assert "another railwatch daemon" in second.stderr and "lock" in second.stderr
        assert str(first.process.pid) in second.stderr or "server process" in second.stderr
        cli.run("daemon", "--once", expect=2)
        cli.run("check")                          # a one-off check is not blocked by the daemon
    finally:
        assert first.terminate() == 0
    cli.run("daemon", "--once")


def test_a_killed_daemon_leaves_no_lock_behind(tmp_path: Path, site: LiveSite, database_url: str) -> None:
    put_first_state(site)
    cli = Cli(tmp_path, page_sources(site, interval="1h"), database_url)
    first = cli.daemon()
    first.checked("notices")
    first.kill()                                  # SIGKILL: no clean-up ran
    again = cli.daemon()
    try:
        again.checked("notices")
    finally:
        assert again.terminate() == 0
