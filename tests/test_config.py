"""The configuration: one typed object; bad files refused naming file, source and field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from monitor.config import (
    NOTIFIER_KINDS,
    SOURCE_KINDS,
    IndexSource,
    PageSource,
    WebhookNotify,
    load_config,
    parse_config,
    parse_duration,
    parse_size,
)
from monitor.exceptions import ConfigError


@pytest.mark.parametrize(("text", "seconds"), [
    ("15m", 900), ("1s", 1), ("250ms", 0.25), ("2h", 7200), ("1d", 86400), (30, 30), ("0s", 0), ("1.5m", 90),
])
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(("text", "size"), [
    ("32MB", 32_000_000), ("512k", 512_000), ("1GiB", 1024**3), ("2MiB", 2 * 1024**2), (4096, 4096), ("100", 100),
])
def test_sizes(text: object, size: int) -> None:
    assert parse_size(text) == size


def test_a_full_file_loads_into_typed_objects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    path = tmp_path / "railwatch.yaml"
    path.write_text("""
database: sqlite:///rw.db
sources:
  - {name: k27, kind: page, url: "https://example.org/k27.html", select: "#timetable",
     ignore: ["\\\\d+ views", ".ad-banner"], interval: "cron: */10 * * * *"}
  - {name: notices, kind: index, url: "https://example.org/n/", links: "ul a", keywords: [train, 列车]}
  - {name: wire, kind: feed, url: "https://example.org/rss.xml", robots: false}
crawl: {concurrency: 8, delay: 2s, max_bytes: 1MB, allow_private: true}
notify:
  - {kind: webhook, url: "https://hooks.example.org/x", secret: "${HOOK_SECRET}", kinds: [status, new]}
  - {kind: email, smtp: "smtp://mail.example.org:25", from: "rw@example.org", to: [desk@example.org]}
stations: {Rajin: [罗津, 라진]}
""", encoding="utf-8")
    config = load_config(path)
    page, index, feed = config.sources
    assert isinstance(page, PageSource) and isinstance(index, IndexSource)
    assert page.ignore_patterns == ("\\d+ views",) and page.ignore_selectors == (".ad-banner",)
    assert page.interval.cron == "*/10 * * * *"
    assert index.keywords == ("train", "列车") and index.links == "ul a"
    assert feed.robots is False
    assert config.crawl.delay == timedelta(seconds=2) and config.crawl.max_bytes == 1_000_000
    hook = config.notify[0]
    assert isinstance(hook, WebhookNotify) and hook.secret.startswith("whsec_Mf")
    assert config.stations == {"Rajin": ("罗津", "라진")}


ERRORS = yaml.safe_load("""
- config: {sources: [{name: a, kind: pge, url: "http://x.org/"}]}
  says: ["sources[0] (a)", "field 'kind'", "valid: feed, index, page"]
- config: {sources: [{name: Bad_Name, kind: page, url: "http://x.org/"}]}
  says: ["sources[0] (Bad_Name)", "field 'name'"]
- config: {sources: [{name: a, kind: page, url: "ftp://x.org/"}]}
  says: ["sources[0] (a)", "field 'url'", "not an http(s) URL"]
- config: {sources: [{name: a, kind: feed, url: "http://x.org/", links: "a"}]}
  says: ["sources[0] (a)", "field 'links'"]
- config: {sources: [{name: a, kind: page, url: "http://x.org/", ignore: ["(unclosed"]}]}
  says: ["sources[0] (a)", "field 'ignore'", "not a valid regex"]
- config: {sources: [{name: a, kind: page, url: "http://x.org/"}, {name: a, kind: page, url: "http://y.org/"}]}
  says: ["two sources are named 'a'"]
- config: {sources: [{name: a, kind: page, url: "http://x.org/", select: "div[[["}]}
  says: ["sources[0] (a)", "field 'select'", "invalid selector"]
- config: {sources: [{name: a, kind: index, url: "http://x.org/", links: "xpath://a[@"}]}
  says: ["sources[0] (a)", "field 'links'", "invalid selector"]
- config: {crawl: {timeout: soon}}
  says: ["field 'crawl.timeout'", "not a duration"]
- config: {crawl: {concurrency: 0}}
  says: ["field 'crawl.concurrency'"]
- config: {crawl: {proxy: "http://p"}}
  says: ["field 'crawl.proxy'"]
- config: {notify: [{kind: webhook, url: "http://h.org/", secret: "plain"}]}
  says: ["notify[0]", "field 'secret'", "whsec_"]
- config: {notify: [{kind: webhook, url: "http://h.org/", secret: "whsec_abcdefgh", kinds: [everything]}]}
  says: ["notify[0]", "field 'kinds'", "unknown event kind"]
- config: {notify: [{kind: pager}]}
  says: ["notify[0]", "field 'kind'", "valid: apprise, email, webhook"]
- config: {sources: {name: a}}
  says: ["field 'sources': expected a list"]
- config: {sources: [{name: a, kind: page, url: "http://x.org/${RAILWATCH_TEST_UNSET_VARIABLE}"}]}
  says: ["RAILWATCH_TEST_UNSET_VARIABLE", "is not set"]
""")


@pytest.mark.parametrize("case", ERRORS, ids=[" ".join(case["says"])[:40] for case in ERRORS])
def test_bad_configurations_name_file_source_and_field(case: dict[str, object]) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(case["config"], "conf/railwatch.yaml")
    message = str(error.value)
    assert message.startswith("conf/railwatch.yaml")
    for words in case["says"]:  # type: ignore[attr-defined]
        assert words in message


def test_unreadable_and_invalid_yaml_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("sources: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(broken)


def test_kind_registries_are_filled_by_the_classes() -> None:
    assert set(SOURCE_KINDS) == {"page", "index", "feed"}
    assert {"webhook", "email"} <= set(NOTIFIER_KINDS)
    for registry in (SOURCE_KINDS, NOTIFIER_KINDS):
        for kind, cls in registry.items():
            assert cls.kind == kind
            assert cls.__doc__, f"{kind} has no help text"
