"""`railwatch demo`: the bundled replay server, and the whole demo run as a user runs it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.config import parse_config
from monitor.demo.runner import NOISE_ONLY
from monitor.demo.scenario import Scenario, load_scenario, site_root
from monitor.demo.server import DemoSite, serve_site

GBK_NOTICE = "/mormhweb/zxdt/202603/t20260310_3342.html"
RU_LIST = "/ru/press/news/"
FEED = "/feeds/news.atom"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario()


@pytest.fixture(scope="module")
def site(scenario: Scenario) -> Iterator[DemoSite]:
    with site_root() as root:
        demo_site = DemoSite(root, scenario)
        with serve_site(demo_site):
            yield demo_site


def fetch(site: DemoSite, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(site.base + path, headers=headers)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_scenario_is_a_valid_configuration(scenario: Scenario) -> None:
    config = parse_config({"sources": scenario.source_config("http://127.0.0.1:1")}, "scenario.yaml")
    assert {source.kind for source in config.sources} == {"index", "feed", "page"}
    assert next(step.kind for step in scenario.steps) == "baseline"
    assert "noise" in {step.kind for step in scenario.steps}


def test_every_step_folder_is_a_step(scenario: Scenario) -> None:
    with site_root() as root:
        folders = {int(d.name) for d in root.iterdir() if d.is_dir()}
        placeholders = {m for f in root.rglob("*") if f.is_file()
                        for m in re.findall(r"\{\{(\w+)\}\}", f.read_text(encoding="utf-8"))}
    assert 0 in folders
    assert folders <= set(range(len(scenario.steps)))
    assert placeholders <= {"base", "now", "views", "token", "related", "ad"}


def test_a_page_appears_at_its_step(site: DemoSite) -> None:
    site.step = 0
    assert fetch(site, GBK_NOTICE)[0] == 404
    site.step = 1
    assert fetch(site, GBK_NOTICE)[0] == 200


def test_gbk_is_declared_only_in_meta(site: DemoSite) -> None:
    site.step = 1
    _, headers, body = fetch(site, GBK_NOTICE)
    assert "charset" not in headers["Content-Type"]
    assert b'charset=gbk' in body
    assert "恢复开行北京至平壤K27/K28次" in body.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_cp1251_is_declared_in_the_header(site: DemoSite) -> None:
    site.step = 0
    _, headers, body = fetch(site, RU_LIST)
    assert headers["Content-Type"] == "text/html; charset=windows-1251"
    assert "Владивосток — Туманган" in body.decode("cp1251")


def test_noise_is_filled_afresh_on_every_request(site: DemoSite) -> None:
    site.step = 0
    bodies = {fetch(site, RU_LIST)[2] for _ in range(4)}
    assert len(bodies) > 1
    assert all(b"{{" not in body for body in bodies)


def test_unchanged_files_answer_304_and_dynamic_pages_never_do(site: DemoSite) -> None:
    site.step = 0
    status, headers, _ = fetch(site, FEED)
    assert status == 200
    assert headers["Content-Type"].startswith("application/atom+xml")
    assert fetch(site, FEED, **{"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(site, FEED, **{"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    site.step = 4      # the feed gains an entry: new validators
    assert fetch(site, FEED, **{"If-None-Match": headers["ETag"]})[0] == 200
    _, dynamic, _ = fetch(site, RU_LIST)
    assert "ETag" not in dynamic
    assert "Last-Modified" not in dynamic


def test_rotating_links_lead_somewhere(site: DemoSite) -> None:
    site.step = 0
    _, _, body = fetch(site, "/news/articleView.html?idxno=215530")
    link = re.search(rb'href="(/related/ko-\d+\.html)"', body)
    assert link is not None
    assert fetch(site, link[1].decode())[0] == 200


def steps_of(output: str) -> list[str]:
    """The demo's output cut at each step's heading."""
    body = output.split("Route status after the replay")[0]
    return re.split(r"^Step \d+/\d+ ", body, flags=re.M)[1:]


def event_lines(step: str) -> list[str]:
    return [line.strip() for line in step.splitlines()
            if re.match(r"^ {4}(new|removed|status|schedule|content)\s", line)]


@pytest.mark.slow
def test_demo_shows_a_resumption_a_schedule_change_a_suspension_and_quiet_noise(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("RAILWATCH_DB", "RAILWATCH_CONFIG")}
    keep = tmp_path / "kept"
    run = subprocess.run([sys.executable, "-m", "monitor.cli", "demo", "--keep", str(keep)],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=280)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    steps = steps_of(out)
    scenario = load_scenario()
    assert len(steps) == len(scenario.steps)

    assert event_lines(steps[0]) == []
    assert "baseline" in steps[0]

    resumption = "\n".join(event_lines(steps[1]))
    assert re.search(r"status\s+Beijing–Pyongyang.*suspended → operating.*2026-03-12", resumption)

    for index, step in enumerate(scenario.steps):
        if step.kind == "noise":
            assert event_lines(steps[index]) == []
            assert NOISE_ONLY in steps[index]

    schedule = "\n".join(event_lines(steps[3]))
    assert re.search(r"schedule\s+Vladivostok–Tumangang.*Tue/Fri", schedule)

    suspension = "\n".join(event_lines(steps[4]))
    assert re.search(r"status\s+Dandong–Sinuiju.*→ suspended", suspension)

    assert event_lines(steps[5])          # the Korean article's update

    table = out.split("Route status after the replay")[1]
    assert re.search(r"Beijing–Pyongyang.*operating.*Mon/Wed/Thu/Sat.*2026-03-12", table)
    assert re.search(r"Dandong–Sinuiju.*suspended", table)
    assert (keep / "demo.db").is_file()
    assert f"railwatch --db sqlite:///{keep.resolve()}/demo.db changes" in out
    assert "\x1b[" not in out             # no colour codes when stdout is not a terminal
