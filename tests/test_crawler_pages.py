"""Page sources against the local server: answers, failures, conditional requests, retries, robots."""

from __future__ import annotations

import time
from datetime import UTC

import pytest
from mockserver import MockServer

from crawler.items import FetchedPage, FetchFailed
from crawler.links import canonical_url
from crawler.plan import SourcePlan, Validators


def page(name: str, url: str, **extra: object) -> dict[str, object]:
    return {"name": name, "kind": "page", "url": url, **extra}


def test_pages_arrive_with_status_headers_and_body(mockserver: MockServer, crawl_worker, make_config) -> None:
    config = make_config(
        [
            page("plain", mockserver.url("/page/plain?text=K27+runs")),
            page("gone", mockserver.url("/status/410")),
            page("missing", mockserver.url("/status/404")),
            page("moved", mockserver.url("/redirect/2")),
            page("gbk", mockserver.url("/charset/gbk-header")),
        ]
    )
    result = crawl_worker.crawl(config)
    assert result.error is None
    plain = result.one("plain")
    assert isinstance(plain, FetchedPage)
    assert (plain.role, plain.status, plain.listing, plain.entry) == ("page", 200, None, None)
    assert b"K27 runs" in plain.body
    assert plain.headers["content-type"].startswith("text/html")
    assert plain.fetched_at.tzinfo is UTC
    assert [(p.status, p.body != b"") for p in (result.one("gone"), result.one("missing"))] == [
        (410, True),
        (404, True),
    ]
    moved = result.one("moved")
    assert moved.status == 200
    assert moved.url == mockserver.url("/redirect/2")
    assert moved.final_url == mockserver.url("/page/redirected")
    assert "关于恢复北京至平壤" in result.one("gbk").body.decode("gbk")
    assert result.stats.pages == 5
    assert result.stats.failures == 0


def test_every_failure_is_an_item_and_the_others_still_arrive(
    mockserver: MockServer, crawl_worker, make_config
) -> None:
    config = make_config(
        [
            page("ok", mockserver.url("/page/ok")),
            page("server-error", mockserver.url("/status/500")),
            page("forbidden", mockserver.url("/status/403")),
            page("refused", "http://127.0.0.1:9/nothing-listens-here"),
            page("no-dns", "http://no-such-host.invalid/"),
            page("slow", mockserver.url("/slow?seconds=10")),
            page("huge", mockserver.url("/huge?bytes=3000000")),
            page("bomb", mockserver.url("/gzip-bomb")),
            page("loop", mockserver.url("/loop/a")),
            page("long-chain", mockserver.url("/redirect/4")),
        ],
        timeout="1s",
        max_bytes="1MB",
        max_redirects=3,
        retries=1,
    )
    started = time.monotonic()
    result = crawl_worker.crawl(config)
    assert time.monotonic() - started < 15
    assert result.error is None
    assert isinstance(result.one("ok"), FetchedPage)
    failures = {item.source: item for item in result.items if isinstance(item, FetchFailed)}
    assert set(failures) == {
        "server-error",
        "forbidden",
        "refused",
        "no-dns",
        "slow",
        "huge",
        "bomb",
        "loop",
        "long-chain",
    }
    assert all(item.role == "page" for item in failures.values())
    errors = {name: item.error for name, item in failures.items()}
    assert errors["server-error"] == "HTTP 500 Internal Server Error (after 1 retry)"
    assert failures["server-error"].status == 500
    assert errors["forbidden"] == "HTTP 403 Forbidden"
    assert errors["refused"] == "connection refused"
    assert errors["no-dns"].startswith("DNS lookup failed")
    assert errors["slow"] == "timed out after 1 s"
    assert errors["huge"] == "response too large: more than 1000000 bytes"
    assert errors["bomb"] == "response too large: more than 1000000 bytes once decompressed"
    assert errors["loop"].startswith("too many redirects (more than 3)")
    assert errors["long-chain"].startswith("too many redirects")
    assert result.stats.failures == 9


def test_conditional_headers_are_sent_and_304_is_an_empty_page(
    mockserver: MockServer, crawl_worker, make_config
) -> None:
    config = make_config([page("cond", mockserver.url("/cond/notice"))])
    first = crawl_worker.crawl(config).one("cond")
    assert first.status == 200
    validators = Validators(first.headers["etag"], first.headers["last-modified"])
    plans = [SourcePlan(config.sources[0], validators={first.url: validators})]

    second = crawl_worker.crawl(config, plans).one("cond")
    assert (second.status, second.body) == (304, b"")
    sent = mockserver.hits("/cond/notice")[-1].headers
    assert sent["If-None-Match"] == validators.etag
    assert sent["If-Modified-Since"] == validators.last_modified

    mockserver.touch("notice")
    third = crawl_worker.crawl(config, plans).one("cond")
    assert third.status == 200
    assert b"version 1" in third.body
    assert third.headers["etag"] != validators.etag


def test_only_last_modified_is_sent_when_that_is_all_we_know(
    mockserver: MockServer, crawl_worker, make_config
) -> None:
    config = make_config([page("lm", mockserver.url("/cond/lm-only"))])
    first = crawl_worker.crawl(config).one("lm")
    plans = [SourcePlan(config.sources[0], {first.url: Validators(None, first.headers["last-modified"])})]
    assert crawl_worker.crawl(config, plans).one("lm").status == 304
    sent = mockserver.hits("/cond/lm-only")[-1].headers
    assert "If-None-Match" not in sent
    assert sent["If-Modified-Since"] == first.headers["last-modified"]


def test_retries_back_off_and_honour_retry_after(mockserver: MockServer, crawl_worker, make_config) -> None:
    config = make_config(
        [
            page("after-1s", mockserver.url("/flaky/a?fail=1&retry_after=1")),
            page("too-many", mockserver.url("/flaky/b?fail=5&status=429")),
            page("far-off", mockserver.url("/flaky/c?fail=1&retry_after=3600")),
            page("steady", mockserver.url("/page/steady")),
        ],
        retries=2,
    )
    result = crawl_worker.crawl(config)
    recovered = result.one("after-1s")
    assert recovered.status == 200
    attempts = mockserver.hits("/flaky/a")
    assert len(attempts) == 2
    assert attempts[1].at - attempts[0].at >= 0.95
    assert result.one("too-many").error == "HTTP 429 Too Many Requests (after 2 retries)"
    assert len(mockserver.hits("/flaky/b")) == 3
    far_off = result.one("far-off")
    assert far_off.status == 503
    assert len(mockserver.hits("/flaky/c")) == 1, "a Retry-After beyond the cap is not waited for"
    assert result.one("steady").status == 200


@pytest.mark.parametrize(
    ("crawl_robots", "source_robots", "forbidden"),
    [(True, None, True), (True, False, False), (False, None, False), (False, True, True)],
)
def test_robots_txt_is_obeyed_per_source(
    mockserver: MockServer, crawl_worker, make_config, crawl_robots, source_robots, forbidden
) -> None:
    name = f"private-{crawl_robots}-{source_robots}".lower()
    extra = {} if source_robots is None else {"robots": source_robots}
    config = make_config([page(name, mockserver.url(f"/private/{name}"), **extra)], robots=crawl_robots)
    item = crawl_worker.crawl(config).one(name)
    if forbidden:
        assert isinstance(item, FetchFailed)
        assert item.error == "robots.txt forbids this URL"
        assert not mockserver.hits(f"/private/{name}")
    else:
        assert isinstance(item, FetchedPage)
        assert item.status == 200


def test_user_agent_is_the_configured_one(mockserver: MockServer, crawl_worker, make_config) -> None:
    agent = "railwatch-test/1.0 (+https://example.org/contact)"
    config = make_config([page("ua", mockserver.url("/page/ua-check"))], user_agent=agent)
    crawl_worker.crawl(config)
    assert mockserver.hits("/page/ua-check")[-1].headers["User-Agent"] == agent


def test_private_destinations_are_refused_unless_allowed(
    mockserver: MockServer, crawl_worker, make_config
) -> None:
    config = make_config(
        [
            page("literal", mockserver.url("/page/literal")),
            page("by-name", mockserver.url("/page/by-name", host="localhost")),
            page("private-net", "http://10.255.255.1/"),
            page("link-local", "http://169.254.169.254/latest/meta-data/"),
            page("v6-loopback", "http://[::1]/"),
        ],
        allow_private=False,
    )
    result = crawl_worker.crawl(config)
    errors = {item.source: item.error for item in result.items}
    assert errors == {
        "literal": "refused: 127.0.0.1 is a loopback address (crawl.allow_private is false)",
        "by-name": "refused: 127.0.0.1 is a loopback address (localhost resolves to it)"
        " (crawl.allow_private is false)",
        "private-net": "refused: 10.255.255.1 is a private address (crawl.allow_private is false)",
        "link-local": "refused: 169.254.169.254 is a link-local address (crawl.allow_private is false)",
        "v6-loopback": "refused: ::1 is a loopback address (crawl.allow_private is false)",
    }
    assert not mockserver.hits("/page/literal")
    assert not mockserver.hits("/page/by-name")

    by_name = page("by-name", mockserver.url("/page/ok2", host="localhost"))
    allowed = crawl_worker.crawl(make_config([by_name]))
    assert allowed.one("by-name").status == 200


def test_sources_sharing_a_url_share_a_fetch_unless_their_validators_differ(
    mockserver: MockServer, crawl_worker, make_config
) -> None:
    config = make_config(
        [
            page("first", mockserver.url("/page/shared?a=1&b=2")),
            page("second", mockserver.url("/page/shared?b=2&a=1")),
            page("third", mockserver.url("/page/shared?a=1&b=2")),
        ]
    )
    key = canonical_url(config.sources[0].url)
    plans = [
        SourcePlan(config.sources[0]),
        SourcePlan(config.sources[1]),
        SourcePlan(config.sources[2], {key: Validators('"old"', None)}),
    ]
    result = crawl_worker.crawl(config, plans)
    pages = {name: result.one(name) for name in ("first", "second", "third")}
    assert {page.url for page in pages.values()} == {key}
    assert pages["first"].body is pages["second"].body
    hits = mockserver.hits("/page/shared")
    assert len(hits) == 2
    assert sorted("If-None-Match" in hit.headers for hit in hits) == [False, True]


def test_bodies_arrive_as_served_whatever_the_charset(
    mockserver: MockServer, crawl_worker, make_config
) -> None:
    variants = {"utf8": "utf-8", "gbk-meta": "gbk", "big5-header": "big5", "undeclared-gbk": "gbk"}
    config = make_config([page(name, mockserver.url(f"/charset/{name}")) for name in variants])
    result = crawl_worker.crawl(config)
    for name, codec in variants.items():
        body = result.one(name).body
        assert "北京至平壤".encode(codec) in body, name
