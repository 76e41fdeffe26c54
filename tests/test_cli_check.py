"""`railwatch check` and the query commands, run as a user runs them, over a site that changes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from clirun import Railwatch
from livesite import LiveSite

pytestmark = pytest.mark.slow

ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="/s.css?v={{{{token}}}}"></head><body>
<div class="top">Today is {{{{now}}}} · <a href="/">Home</a> · <a href="/en/">English</a></div>
<nav><ul><li><a href="/a">News</a></li><li><a href="/b">Notices</a></li></ul></nav>
<div class="article"><h1>{title}</h1><div class="info">Published 2026-03-10 · Views: {{{{views}}}}</div>
{body}</div>
<aside><h3>Most read</h3><ul><li><a href="/r/{{{{token}}}}">Weather warning for the coast</a></li></ul></aside>
<footer>Copyright 2018-2026 Railway Bureau · visitor {{{{views}}}}</footer></body></html>"""

INDEX = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Notices</title></head><body>
<nav><a href="/">Home</a> <a href="/about.html">About</a></nav>
<ul class="notices">{items}</ul>
<footer>Updated {{{{now}}}}</footer></body></html>"""


def article(title: str, *paragraphs: str) -> str:
    return ARTICLE.format(title=title, body="".join(f"<p>{p}</p>" for p in paragraphs))


def index(*paths: str) -> str:
    return INDEX.format(items="".join(f'<li><a href="{p}">Notice {p.rsplit("/", 1)[-1]}</a> [2026-03-10]</li>'
                                      for p in paths))


@pytest.fixture
def site() -> Iterator[LiveSite]:
    with LiveSite() as live:
        yield live


def test_page_source_reports_real_edits_and_ignores_noise(tmp_path: Path, site: LiveSite,
                                                          database_url: str) -> None:
    site.put("/k27.html", article("Beijing–Pyongyang passenger train",
                                  "Train K27 leaves Beijing on Mondays.", "Tickets at the international window."),
             validators=False)
    rw = Railwatch(tmp_path, [{"name": "k27", "kind": "page", "url": site.url("/k27.html")}], database_url)
    assert rw.check() == []                       # the first snapshot is the baseline
    assert rw.check() == []                       # clocks, counters and tokens changed: no event
    site.put("/k27.html", article("Beijing–Pyongyang passenger train",
                                  "Train K27 leaves Beijing on Mondays.",
                                  "Tickets at the international window of Beijing station only."),
             validators=False)
    [event] = rw.check()
    assert event["kind"] == "content"
    assert event["source"] == "k27"
    assert event["url"] == site.url("/k27.html")
    assert "Beijing station" in event["summary"]
    history = rw.json("history", site.url("/k27.html"))
    assert len(history) == 3
    assert event["snapshot_before"] == history[1]["id"] and event["snapshot_after"] == history[2]["id"]
    diff = rw.run("diff", str(history[1]["id"]), str(history[2]["id"])).stdout
    assert "+" in diff and "Beijing station" in diff
    raw = subprocess.run([sys.executable, "-m", "monitor.cli", "--config", str(rw.config), "show",
                          str(history[0]["id"]), "--raw"], capture_output=True, timeout=60, check=True).stdout
    assert raw.startswith(b"<!DOCTYPE html>") and b"Views:" in raw
    assert "Beijing station only" in rw.run("show", str(history[2]["id"]), "--text").stdout
    hits = rw.json("search", "international window")
    assert {hit["url"] for hit in hits} == {site.url("/k27.html")}


def test_index_source_new_and_removed_items(tmp_path: Path, site: LiveSite, database_url: str) -> None:
    site.put("/notices/", index("/notices/1.html", "/notices/2.html"))
    site.put("/notices/1.html", article("Station works", "The waiting hall of Shenyang station is closed."))
    site.put("/notices/2.html", article("Timetable", "Dandong–Sinuiju trains run daily."))
    rw = Railwatch(tmp_path, [{"name": "notices", "kind": "index", "url": site.url("/notices/"),
                               "links": "ul.notices a"}], database_url)
    assert rw.check() == []
    site.put("/notices/3.html", article("Resumption", "Passenger service to Pyongyang returns next month."))
    site.put("/notices/", index("/notices/3.html", "/notices/1.html", "/notices/2.html"))
    events = rw.check()
    assert [(e["kind"], e["url"]) for e in events] == [("new", site.url("/notices/3.html"))]
    assert "Resumption" in events[0]["summary"]
    site.delete("/notices/1.html")
    site.put("/notices/", index("/notices/3.html", "/notices/2.html"))
    events = rw.check()
    assert [(e["kind"], e["url"]) for e in events] == [("removed", site.url("/notices/1.html"))]
    assert rw.check() == []                       # removed once, not at every check
    assert rw.json("changes", "--kind", "new")[0]["url"] == site.url("/notices/3.html")


def test_conditional_requests_and_304(tmp_path: Path, site: LiveSite, sqlite_url: str) -> None:
    site.put("/n.html", article("Notice", "Trains run daily."))
    rw = Railwatch(tmp_path, [{"name": "n", "kind": "page", "url": site.url("/n.html")}], sqlite_url)
    rw.check()
    rw.check()
    first, second = [headers for path, headers in site.requests if path == "/n.html"]
    assert "If-None-Match" not in first
    assert second["If-None-Match"].startswith('"')
    assert len(rw.json("history", site.url("/n.html"))) == 1   # a 304 is no new snapshot


def test_a_failing_source_exits_3_and_the_others_are_still_checked(tmp_path: Path, site: LiveSite,
                                                                   sqlite_url: str) -> None:
    site.put("/ok.html", article("Notice", "Trains run daily."))
    rw = Railwatch(tmp_path, [
        {"name": "gone", "kind": "page", "url": "http://127.0.0.1:9/nothing-listens-here"},
        {"name": "ok", "kind": "page", "url": site.url("/ok.html")},
    ], sqlite_url)
    done = rw.run("check", expect=3)
    assert "gone" in done.stderr
    assert len(rw.json("history", "--source", "ok")) == 1


@pytest.mark.parametrize(("config", "named"), [
    ({"sources": [{"name": "a", "kind": "pge", "url": "http://x.org/"}]}, ["sources[0] (a)", "kind", "page"]),
    ({"sources": [{"name": "b", "kind": "page", "url": "http://x.org/", "links": "a"}]},
     ["sources[0] (b)", "links"]),
    ({"sources": [{"name": "c", "kind": "page", "url": "http://x.org/", "interval": "soon"}]},
     ["sources[0] (c)", "interval"]),
    ({"crawl": {"max_bytes": "lots"}}, ["crawl.max_bytes"]),
])
def test_a_bad_configuration_is_refused_naming_file_source_and_field(
        tmp_path: Path, config: dict[str, Any], named: list[str]) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "monitor.cli", "--config", str(path), "check"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert str(path) in done.stderr
    for word in named:
        assert word in done.stderr
    assert not (tmp_path / "railwatch.db").exists()


def test_init_writes_a_valid_starter_configuration(tmp_path: Path) -> None:
    config = tmp_path / "railwatch.yaml"
    run = [sys.executable, "-m", "monitor.cli", "--config", str(config)]
    subprocess.run([*run, "init"], check=True, capture_output=True, timeout=60)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    assert {source["kind"] for source in data["sources"]} >= {"index", "feed"}
    assert any("12306" in source["url"] for source in data["sources"])
    again = subprocess.run([*run, "init"], capture_output=True, text=True, timeout=60)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_a_page_removed_answer_with_http_200_is_a_failure_not_a_change(tmp_path: Path, site: LiveSite,
                                                                      sqlite_url: str) -> None:
    site.put("/notice.html", article("Timetable", "Dandong–Sinuiju trains run daily at 09:30."))
    rw = Railwatch(tmp_path, [{"name": "n", "kind": "page", "url": site.url("/notice.html")}], sqlite_url)
    assert rw.check() == []
    site.put("/notice.html", "<html><body><div class='err'>Sorry, the page you requested has been removed "
                             "or does not exist.</div></body></html>")
    assert rw.check(expect=3) == []
    site.put("/notice.html", article("Timetable", "Dandong–Sinuiju trains run daily at 09:30."))
    assert rw.check() == []                       # back as it was: still no change (a 304, even)
    assert len(rw.json("history", site.url("/notice.html"))) == 1   # the error answer is no snapshot


def test_sources_shows_health(tmp_path: Path, site: LiveSite, sqlite_url: str) -> None:
    site.put("/ok.html", article("Notice", "Trains run daily."))
    rw = Railwatch(tmp_path, [
        {"name": "gone", "kind": "page", "url": "http://127.0.0.1:9/nothing-listens-here"},
        {"name": "ok", "kind": "page", "url": site.url("/ok.html")},
    ], sqlite_url)
    rw.run("check", expect=3)
    rw.run("check", expect=3)
    health = {row["name"]: row for row in rw.json("sources")}
    assert health["gone"]["consecutive_failures"] == 2
    assert "connection refused" in health["gone"]["last_error"]
    assert health["gone"]["last_success_at"] is None
    assert health["ok"]["consecutive_failures"] == 0 and health["ok"]["last_success_at"]
