"""Scrapy settings: the fixed wiring of the project, and :func:`build_settings` from ``crawl:``.

This module is also the Scrapy project settings module (``scrapy.cfg``), so
``scrapy list`` works from the project root. All class-path wiring lives here.

Settings read by railwatch's own components:

- ``RAILWATCH_SINK``: the :class:`~crawler.runner.ItemSink` items go to (set by the runner);
- ``RAILWATCH_ALLOW_PRIVATE``: crawl.allow_private;
- ``RAILWATCH_ROBOTS``: crawl.robots, the default of sources without ``robots:``;
- ``RAILWATCH_RETRY_BACKOFF``, ``RAILWATCH_RETRY_MAX_DELAY``, ``RAILWATCH_RETRY_AFTER_MAX``:
  seconds of the first retry delay (doubled each time), of the longest delay,
  and of the longest ``Retry-After`` still waited for.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from scrapy.settings import Settings, default_settings

from monitor.config import Config

__all__ = ["build_settings"]

BOT_NAME = "railwatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
TWISTED_DNS_RESOLVER = "crawler.resolver.GuardedResolver"

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.destinations.PrivateDestinationMiddleware": 40,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,  # sources carry no credentials
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
}
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,  # listings are one level deep by design
}
# Scrapy imports every component of its base lists, even one set to None, so the components a
# monitor never runs (switched off below, or never configured) are taken out of the base lists
# themselves; whatever a later Scrapy adds stays. (The remote-control extension alone imports
# aiohttp, the cookie middleware tldextract and requests.)
_never_run = frozenset(  # lower case: not a setting
    [f"scrapy.extensions.{path}" for path in (
        "telnet.TelnetConsole", "memusage.MemoryUsage", "memdebug.MemoryDebugger", "closespider.CloseSpider",
        "feedexport.FeedExporter", "logstats.LogStats", "spiderstate.SpiderState", "remote_control.RemoteControl")]
    + [f"scrapy.downloadermiddlewares.{path}" for path in (
        "cookies.CookiesMiddleware", "redirect.MetaRefreshMiddleware", "stats.DownloaderStats",
        "httpcache.HttpCacheMiddleware")]
    + ["scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware"]  # an aid for spider authors
)
EXTENSIONS_BASE, DOWNLOADER_MIDDLEWARES_BASE, SPIDER_MIDDLEWARES_BASE = (
    {path: order for path, order in base.items() if path not in _never_run}
    for base in (default_settings.EXTENSIONS_BASE, default_settings.DOWNLOADER_MIDDLEWARES_BASE,
                 default_settings.SPIDER_MIDDLEWARES_BASE)
)
ITEM_PIPELINES = {"crawler.pipelines.SinkPipeline": 100}
# Web pages only: a link or redirect to file://, ftp://, s3:// or data: fetches nothing.
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None}

# One item at a time: the sink is synchronous, and the default of 100 costs
# half the throughput on a large fleet of pages.
CONCURRENT_ITEMS = 1
# Each source kind's spider deduplicates by canonical URL itself.
DUPEFILTER_CLASS = "scrapy.dupefilters.BaseDupeFilter"
# Every status reaches the spiders, which tell answers from failures.
HTTPERROR_ALLOW_ALL = True
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# A monitor watches pages as served: no cookies carried between sources, no
# meta-refresh hops.
COOKIES_ENABLED = False
METAREFRESH_ENABLED = False
DOWNLOAD_DELAY_JITTER = 0  # crawl.delay is a least delay
DOWNLOAD_FAIL_ON_DATALOSS = True

LOG_LEVEL = "WARNING"
LOGSTATS_INTERVAL = 0
STATS_DUMP = False
DOWNLOADER_STATS = False
TELNETCONSOLE_ENABLED = False
# Scrapy's remote-control extension starts, for every crawl, an HTTP server on 127.0.0.1
# that runs code sent to it (behind a token); a monitor has no use for it.
REMOTE_CONTROL_ENABLED = False
MEMUSAGE_ENABLED = False

RAILWATCH_ALLOW_PRIVATE = False
RAILWATCH_ROBOTS = True
RAILWATCH_RETRY_BACKOFF = 1.0
RAILWATCH_RETRY_MAX_DELAY = 60.0
RAILWATCH_RETRY_AFTER_MAX = 120.0


def _robots_token(user_agent: str) -> str:
    """The product token robots.txt rules name: ``railwatch`` in ``railwatch/0.1 (+https://…)``."""
    return user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else "railwatch"


def build_settings(config: Config, overrides: Mapping[str, Any] | None = None) -> Settings:
    """Scrapy settings for a crawl of ``config``'s sources; ``overrides`` win over everything."""
    crawl = config.crawl
    settings = Settings()
    settings.setmodule(sys.modules[__name__], priority="project")
    delay = crawl.delay.total_seconds()
    timeout = crawl.timeout.total_seconds()
    settings.setdict(
        {
            "LOG_INSTALL_ROOT_HANDLER": False,  # inside railwatch, logging is the application's to set up
            "USER_AGENT": crawl.user_agent,
            "ROBOTSTXT_OBEY": crawl.robots or any(source.robots for source in config.sources),
            "ROBOTSTXT_USER_AGENT": _robots_token(crawl.user_agent),
            "RAILWATCH_ROBOTS": crawl.robots,
            "RAILWATCH_ALLOW_PRIVATE": crawl.allow_private,
            "CONCURRENT_REQUESTS": crawl.concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.per_host,
            "DOWNLOAD_DELAY": delay,
            "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
            "AUTOTHROTTLE_START_DELAY": delay,
            "AUTOTHROTTLE_MAX_DELAY": max(60.0, delay),
            "AUTOTHROTTLE_TARGET_CONCURRENCY": float(crawl.per_host),
            "DOWNLOAD_TIMEOUT": timeout,
            "DNS_TIMEOUT": min(timeout, 60.0),
            "RETRY_TIMES": crawl.retries,
            "RETRY_ENABLED": crawl.retries > 0,
            "REDIRECT_MAX_TIMES": crawl.max_redirects,
            "DOWNLOAD_MAXSIZE": crawl.max_bytes,
            "DOWNLOAD_WARNSIZE": crawl.max_bytes // 2,
        },
        priority="project",
    )
    if overrides:
        settings.setdict(dict(overrides), priority="cmdline")
    return settings
