"""The runner: one blocking run per process, repeated runs on one reactor, stats, sink errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import run_once
from mockserver import MockServer

from crawler.exceptions import SinkFailed
from crawler.items import FetchedPage, FetchFailed, Listing
from crawler.runner import CrawlStats, _CountingSink, _finish


def test_run_crawl_runs_every_kind_in_one_process(mockserver: MockServer, make_config) -> None:
    mockserver.set_index("mixed", ["/notice/m1", "/notice/m2"])
    config = make_config(
        [
            {"name": "page", "kind": "page", "url": mockserver.url("/page/mixed")},
            {"name": "index", "kind": "index", "url": mockserver.url("/index/mixed"), "links": "ul a"},
            {"name": "feed", "kind": "feed", "url": mockserver.url("/feed.atom")},
            {"name": "broken", "kind": "page", "url": mockserver.url("/status/502")},
        ],
        retries=0,
    )
    result = run_once(config)
    assert result.error is None
    assert result.one("page").status == 200
    assert len(result.of("index", FetchedPage)) == 2
    assert len(result.of("feed", FetchedPage)) == 2
    assert isinstance(result.one("broken"), FetchFailed)
    stats = result.stats
    assert (stats.pages, stats.listings, stats.failures) == (5, 2, 1)
    assert stats.bytes == sum(len(i.body) for i in result.items if isinstance(i, FetchedPage | Listing))
    assert 0 < stats.seconds < 30


def test_crawls_repeat_on_one_reactor(mockserver: MockServer, crawl_worker, make_config) -> None:
    config = make_config([{"name": "counter", "kind": "page", "url": mockserver.url("/counter/repeat")}])
    bodies = [crawl_worker.crawl(config).one("counter").body for _ in range(3)]
    assert [b"Visit 1" in bodies[0], b"Visit 2" in bodies[1], b"Visit 3" in bodies[2]] == [True] * 3


def test_a_crawl_of_nothing_is_quick_and_empty(crawl_worker, make_config) -> None:
    result = crawl_worker.crawl(make_config([]))
    assert result.items == []
    assert (result.stats.pages, result.stats.failures) == (0, 0)


class _Runner:
    bootstrap_failed = False


def test_sink_errors_do_not_stop_the_crawl_but_are_raised_at_the_end() -> None:
    seen: list[str] = []

    class Flaky:
        def process(self, item: object) -> None:
            seen.append(item.url)  # type: ignore[attr-defined]
            if len(seen) == 1:
                raise OSError("disk full")

    progress: list[str] = []
    counter = _CountingSink(Flaky(), progress.append)
    now = datetime.now(UTC)
    counter.process(FetchedPage("s", "https://a/", "page", 200, "https://a/", {}, b"abc", now))
    counter.process(FetchFailed("s", "https://b/", "page", "connection refused", now))
    assert seen == ["https://a/", "https://b/"]
    assert progress == ["s: 200 https://a/", "s: failed https://b/: connection refused"]
    with pytest.raises(SinkFailed, match="disk full"):
        _finish(_Runner(), counter, 0.0)


def test_stats_count_what_went_through() -> None:
    counter = _CountingSink(type("Null", (), {"process": lambda self, item: None})(), None)
    now = datetime.now(UTC)
    counter.process(Listing("s", "https://l/", 200, "https://l/", {}, b"12345", now, ("https://i/",)))
    counter.process(FetchedPage("s", "https://i/", "item", 304, "https://i/", {}, b"", now, "https://l/"))
    stats = _finish(_Runner(), counter, 0.0)
    assert isinstance(stats, CrawlStats)
    assert (stats.pages, stats.listings, stats.bytes, stats.failures) == (1, 1, 5, 0)
