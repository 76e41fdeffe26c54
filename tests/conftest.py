"""Shared fixtures: archives on a real SQLite file and on the real PostgreSQL server.

PostgreSQL is found at ``RAILWATCH_TEST_PG`` (default: the local server's
``test`` database).  When it cannot be reached the PostgreSQL variants skip
with the reason, unless ``RAILWATCH_REQUIRE_SERVICES=1`` (set by ``.ci/run``),
where an unreachable service fails the run instead.

Crawler fixtures: ``mockserver`` (the local HTTP server of ``tests/mockserver.py``),
``crawl_worker`` (crawls on one long-lived reactor in a worker process),
``make_config`` and ``run_once`` (one blocking ``run_crawl`` in a fresh process).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import pickle
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from subprocess import PIPE
from typing import Any

import pytest
from mockserver import MockServer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

PG_URL = os.environ.get("RAILWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_SERVICES = os.environ.get("RAILWATCH_REQUIRE_SERVICES") == "1"


def service_missing(reason: str) -> None:
    """Skip on a user's machine; fail where every backend must be tested (CI)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (RAILWATCH_REQUIRE_SERVICES=1: a missing service is a failure)")
    pytest.skip(reason)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'railwatch.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema on the PostgreSQL server, dropped afterwards."""
    schema = f"rw_test_{secrets.token_hex(4)}"
    try:
        admin = create_engine(PG_URL)
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except (OperationalError, ImportError) as exc:
        service_missing(f"PostgreSQL unreachable at {PG_URL}: {str(exc).splitlines()[0]}")
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each storage test runs on both backends."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


# -- crawler: a real HTTP server and crawls run in a worker process -------------------------------
#
# A Twisted reactor cannot be restarted, so crawls run in a worker process that keeps one asyncio
# reactor and awaits ``crawler.runner.crawl`` once per job (the daemon's way); ``run_once`` starts a
# fresh process for the blocking ``run_crawl``. Jobs and results travel as pickles over pipes.

_CRAWL_DEFAULTS = {"allow_private": True, "delay": "0s", "timeout": "5s", "autothrottle": False}
_FAST_RETRIES = {"RAILWATCH_RETRY_BACKOFF": 0.05}


@dataclasses.dataclass
class CrawlResult:
    """What a crawl handed to its sink, in order, and its stats (or the error it raised)."""

    items: list[Any]
    stats: Any
    error: str | None

    def of(self, source: str, kind: type | None = None) -> list[Any]:
        return [i for i in self.items if i.source == source and (kind is None or isinstance(i, kind))]

    def one(self, source: str, kind: type | None = None) -> Any:
        found = self.of(source, kind)
        assert len(found) == 1, found
        return found[0]


def crawl_worker_main(once: bool = False) -> None:
    """Serve crawl jobs read from stdin (``once``: a single job through the blocking ``run_crawl``)."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints must not corrupt the result pipe
    if once:
        from crawler.runner import run_crawl

        config, plans, settings = pickle.load(sys.stdin.buffer)
        items: list[Any] = []
        try:
            stats = run_crawl(config, plans, _ListSink(items), settings=settings)
            pickle.dump(CrawlResult(items, stats, None), out)
        except Exception as exc:
            pickle.dump(CrawlResult(items, None, repr(exc)), out)
        out.flush()
        return
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from twisted.internet import defer, reactor

    from crawler.runner import crawl

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        while (job := await loop.run_in_executor(None, _read_job)) is not None:
            config, plans, settings = job
            items: list[Any] = []
            try:
                stats = await crawl(config, plans, _ListSink(items), settings=settings)
                pickle.dump(CrawlResult(items, stats, None), out)
            except Exception as exc:
                pickle.dump(CrawlResult(items, None, repr(exc)), out)
            out.flush()
        reactor.stop()

    reactor.callWhenRunning(lambda: defer.Deferred.fromFuture(asyncio.ensure_future(serve())))
    reactor.run()


def _read_job() -> Any:
    try:
        return pickle.load(sys.stdin.buffer)
    except EOFError:
        return None


class _ListSink:
    def __init__(self, items: list[Any]):
        self.process = items.append


class CrawlWorker:
    """A worker process with one running reactor; :meth:`crawl` runs one crawl in it."""

    def __init__(self) -> None:
        self._process = _spawn(once=False)

    def crawl(self, config: Any, plans: Any = None, settings: dict[str, Any] | None = None) -> CrawlResult:
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        pickle.dump(_job(config, plans, settings), self._process.stdin)
        self._process.stdin.flush()
        result: CrawlResult = pickle.load(self._process.stdout)
        return result

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(10)


def run_once(config: Any, plans: Any = None, settings: dict[str, Any] | None = None) -> CrawlResult:
    """One crawl through the blocking ``run_crawl``, in a fresh process."""
    process = _spawn(once=True)
    stdout, _ = process.communicate(pickle.dumps(_job(config, plans, settings)), timeout=120)
    result: CrawlResult = pickle.loads(stdout)
    return result


def _job(config: Any, plans: Any, settings: dict[str, Any] | None) -> tuple[Any, Any, dict[str, Any]]:
    from crawler.plan import SourcePlan

    if plans is None:
        plans = [SourcePlan(source) for source in config.sources]
    return config, plans, {**_FAST_RETRIES, **(settings or {})}


def _spawn(once: bool) -> subprocess.Popen[bytes]:
    tests = Path(__file__).parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tests.parent), str(tests)])}
    code = f"import conftest; conftest.crawl_worker_main(once={once})"
    return subprocess.Popen([sys.executable, "-c", code], cwd=tests, env=env, stdin=PIPE, stdout=PIPE)


@pytest.fixture(scope="session")
def mockserver() -> Iterator[MockServer]:
    """The local HTTP server of ``tests/mockserver.py``, one per session."""
    with MockServer() as server:
        yield server


@pytest.fixture(scope="session")
def crawl_worker() -> Iterator[CrawlWorker]:
    """A process that runs crawls on one long-lived reactor."""
    worker = CrawlWorker()
    yield worker
    worker.close()


@pytest.fixture
def make_config() -> Callable[..., Any]:
    """``make_config(sources, **crawl)``: a Config with test-friendly crawl defaults (loopback allowed)."""
    from monitor.config import parse_config

    def make(sources: list[dict[str, Any]], **crawl: Any) -> Any:
        return parse_config({"sources": sources, "crawl": {**_CRAWL_DEFAULTS, **crawl}}, "test.yaml")

    return make
