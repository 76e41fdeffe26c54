"""Pure parts of the crawler, in process: settings, address rules, Retry-After, feeds, redirects."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime
from email.utils import formatdate

import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler

from crawler.addresses import refusal
from crawler.exceptions import NotAFeed, RefusedDestination
from crawler.failures import describe_status
from crawler.items import FetchedPage
from crawler.middlewares.destinations import PrivateDestinationMiddleware
from crawler.middlewares.retry import BackoffRetryMiddleware, parse_retry_after
from crawler.pipelines import SinkPipeline
from crawler.plan import Validators
from crawler.settings import build_settings
from crawler.spiders.feed import parse_feed
from monitor.config import parse_config


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.8.9.10", "a loopback address"),
        ("::1", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("10.1.2.3", "a private address"),
        ("172.16.0.1", "a private address"),
        ("192.168.1.1", "a private address"),
        ("fd00::1", "a private address"),
        ("169.254.169.254", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("224.0.0.1", "a multicast address"),
        ("0.0.0.0", "an unspecified address"),
        ("240.0.0.1", "a reserved address"),
        ("100.64.0.1", "a reserved address"),
        ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
        ("example.org", None),
    ],
)
def test_which_addresses_are_refused(address: str, reason: str | None) -> None:
    assert refusal(address) == reason


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(None, None), (b"", None), (b"120", 120.0), ("7", 7.0), (b"soon", None), (b"-5", None)],
)
def test_retry_after_in_seconds(value: bytes | str | None, seconds: float | None) -> None:
    assert parse_retry_after(value) == seconds


def test_retry_after_as_an_http_date() -> None:
    now = 1_800_000_000.0
    assert parse_retry_after(formatdate(now + 90, usegmt=True), now=now) == pytest.approx(90)
    assert parse_retry_after(formatdate(now - 90, usegmt=True), now=now) == 0.0


def test_retry_delays_grow_with_jitter_and_never_undercut_retry_after() -> None:
    settings = {"RAILWATCH_RETRY_BACKOFF": 1.0, "RAILWATCH_RETRY_MAX_DELAY": 10.0}
    middleware = BackoffRetryMiddleware.from_crawler(get_crawler(Spider, settings))
    for attempt, (low, high) in enumerate([(0.5, 1), (1, 2), (2, 4), (4, 8), (5, 10), (5, 10)], start=1):
        assert low <= middleware.delay(attempt) <= high
    assert middleware.delay(1, retry_after=90) == 90
    assert middleware.delay(20) == 10


def test_settings_follow_the_crawl_section() -> None:
    config = parse_config(
        {
            "crawl": {
                "concurrency": 40,
                "per_host": 5,
                "delay": "2s",
                "timeout": "12s",
                "retries": 4,
                "max_bytes": "5MB",
                "max_redirects": 7,
                "robots": False,
                "user_agent": "railwatch/9 (+https://example.org/bot)",
            },
            "sources": [{"name": "a", "kind": "page", "url": "https://example.org/", "robots": True}],
        }
    )
    settings = build_settings(config)
    assert settings["USER_AGENT"] == "railwatch/9 (+https://example.org/bot)"
    assert settings["ROBOTSTXT_USER_AGENT"] == "railwatch"
    assert settings.getbool("ROBOTSTXT_OBEY"), "a source asks for robots.txt, so the middleware stays on"
    assert not settings.getbool("RAILWATCH_ROBOTS")
    assert settings.getint("CONCURRENT_REQUESTS") == 40
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 5
    assert settings.getfloat("DOWNLOAD_DELAY") == 2.0
    assert settings.getfloat("DOWNLOAD_TIMEOUT") == 12.0
    assert settings.getint("RETRY_TIMES") == 4
    assert settings.getint("DOWNLOAD_MAXSIZE") == 5_000_000
    assert settings.getint("REDIRECT_MAX_TIMES") == 7
    assert settings.getint("CONCURRENT_ITEMS") == 1
    assert settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY") == 5.0
    assert not settings.getbool("TELNETCONSOLE_ENABLED")
    assert not settings.getbool("RAILWATCH_ALLOW_PRIVATE")
    assert build_settings(config, {"DOWNLOAD_DELAY": 0}).getfloat("DOWNLOAD_DELAY") == 0


def test_every_wired_class_path_loads() -> None:
    settings = build_settings(parse_config({}))
    paths = [
        settings["TWISTED_DNS_RESOLVER"],
        settings["DUPEFILTER_CLASS"],
        *(path for path, order in settings.getdict("DOWNLOADER_MIDDLEWARES").items() if order is not None),
        *settings.getdict("ITEM_PIPELINES"),
    ]
    for path in paths:
        assert load_object(path)


def test_a_redirect_to_a_private_address_is_refused() -> None:
    crawler = get_crawler(Spider, {"RAILWATCH_ALLOW_PRIVATE": False})
    redirects = RedirectMiddleware.from_crawler(crawler)
    guard = PrivateDestinationMiddleware(resolve=lambda host: pytest.fail(f"{host} needs no lookup"))
    request = Request("https://example.org/notice")
    location = {"Location": "http://10.0.0.7/admin"}
    response = HtmlResponse(request.url, status=302, headers=location, request=request)
    hop = redirects.process_response(request, response)
    assert isinstance(hop, Request)
    with pytest.raises(RefusedDestination, match=r"refused: 10\.0\.0\.7 is a private address"):
        guard.process_request(hop).send(None)


def test_the_guard_is_off_when_private_addresses_are_allowed() -> None:
    with pytest.raises(NotConfigured):
        PrivateDestinationMiddleware.from_crawler(get_crawler(Spider, {"RAILWATCH_ALLOW_PRIVATE": True}))


def test_the_sink_pipeline_needs_a_sink() -> None:
    with pytest.raises(NotConfigured):
        SinkPipeline.from_crawler(get_crawler(Spider))
    got: list[object] = []

    class Sink:
        def process(self, item: object) -> None:
            got.append(item)

    pipeline = SinkPipeline.from_crawler(get_crawler(Spider, {"RAILWATCH_SINK": Sink()}))
    assert asyncio.run(pipeline.process_item("x")) == "x"  # type: ignore[arg-type]
    assert got == ["x"]


def test_items_are_frozen_and_validators_become_headers() -> None:
    page = FetchedPage("s", "u", "page", 200, "u", {}, b"", datetime.now(UTC))
    with pytest.raises(dataclasses.FrozenInstanceError):
        page.status = 304  # type: ignore[misc]
    assert Validators('"abc"', "Mon, 02 Mar 2026 08:00:00 GMT").headers() == {
        "If-None-Match": '"abc"',
        "If-Modified-Since": "Mon, 02 Mar 2026 08:00:00 GMT",
    }
    assert Validators().headers() == {}


def test_status_descriptions() -> None:
    assert describe_status(404) == "HTTP 404 Not Found"
    assert describe_status(503, 2) == "HTTP 503 Service Unavailable (after 2 retries)"
    assert describe_status(599) == "HTTP 599"


def test_feeds_are_parsed_in_order_with_relative_links_resolved() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><title>B</title><link>/b.html</link><description>two</description></item>"
        b"<item><title>A</title><link>https://example.org/a.html</link>"
        b"<pubDate>Tue, 10 Mar 2026 08:00:00 GMT</pubDate></item>"
        b"<item><title>B again</title><link>/b.html</link></item>"
        b"<item><title>no link</title></item>"
        b"</channel></rss>"
    )
    links, entries = parse_feed(body, "https://example.org/rss.xml", "application/rss+xml")
    assert links == ("https://example.org/b.html", "https://example.org/a.html")
    assert entries[links[0]].title == "B"
    assert entries[links[0]].summary == "two"
    assert entries[links[1]].published == datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    with pytest.raises(NotAFeed, match="not a feed"):
        parse_feed(b"<html><body>hello</body></html>", "https://example.org/", "text/html")


def test_every_module_exports_what_it_names() -> None:
    import importlib
    import pkgutil

    import crawler

    for info in pkgutil.walk_packages(crawler.__path__, "crawler."):
        module = importlib.import_module(info.name)
        exported = getattr(module, "__all__", None)
        assert exported is not None, f"{info.name} has no __all__"
        for name in exported:
            assert hasattr(module, name), f"{info.name}.__all__ names {name}, which it lacks"
