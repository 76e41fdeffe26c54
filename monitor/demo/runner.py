"""Drives the replay: for each step, set the site, run one real check, print what it found.

Every check is the product's own pipeline (:func:`monitor.check.run_check`)
against a fresh SQLite archive.  A crawl starts a Twisted reactor, which can
run only once per process, so each step's check runs in a fresh child process;
this process serves the site and reads the archive between steps.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any

import click

from monitor.check import run_check
from monitor.config import parse_config
from monitor.demo.scenario import Scenario, Step, load_scenario, site_root
from monitor.demo.server import DemoSite, serve_site
from monitor.render import print_status
from monitor.routes import route_table
from storage import queries
from storage.archive import Archive

__all__ = ["DemoResult", "run_demo"]

DB_NAME = "demo.db"
NOISE_ONLY = "no events — only clocks, counters and rotating links changed"
CRAWL = {"allow_private": True, "delay": "0s", "robots": False}  # the replayed site lives on loopback

Echo = Callable[..., None]


@dataclass(frozen=True)
class DemoResult:
    """What the replay found: events per step and the sources that failed."""

    events: tuple[tuple[queries.ChangeRecord, ...], ...]
    failures: tuple[str, ...]
    database: str


def check_once(config_data: dict[str, Any]) -> list[str]:
    """One ``railwatch check`` over the demo's sources; runs in a child process.

    Returns one line per failed fetch.
    """
    loopback = "127.0.0.1,localhost"
    for name in ("no_proxy", "NO_PROXY"):   # never send the replay to a proxy
        os.environ[name] = ",".join(filter(None, (loopback, os.environ.get(name))))
    config = parse_config(config_data, "railwatch demo")
    archive = Archive(config.database)
    try:
        report = run_check(config, archive)
    finally:
        archive.close()
    return [f"{outcome.name}: {error}" for outcome in report.failed for error in outcome.errors]


def _child_context() -> BaseContext:
    """Fresh processes for the checks: forked from a server that has imported the pipeline once."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def _check(pool: ProcessPoolExecutor, config_data: dict[str, Any], index: int) -> list[str]:
    """Run one check in a fresh child; a check that breaks down stops the replay with its reason."""
    try:
        return pool.submit(check_once, config_data).result()
    except Exception as exc:
        raise click.ClickException(f"step {index}: the check failed: {type(exc).__name__}: {exc}") from exc


@contextmanager
def _database_dir(keep: Path | None) -> Iterator[Path]:
    if keep is None:
        with tempfile.TemporaryDirectory(prefix="railwatch-demo-") as tmp:
            yield Path(tmp)
        return
    keep.mkdir(parents=True, exist_ok=True)
    if (keep / DB_NAME).exists():
        raise click.UsageError(f"{keep / DB_NAME} already exists; remove it or keep the demo elsewhere")
    yield keep.resolve()


@contextmanager
def _table_width(columns: int = 160) -> Iterator[None]:
    """Room for the status table when stdout is not a terminal (rich assumes 80 columns there)."""
    if sys.stdout.isatty() or "COLUMNS" in os.environ:
        yield
        return
    os.environ["COLUMNS"] = str(columns)
    try:
        yield
    finally:
        del os.environ["COLUMNS"]


def _print_step(echo: Echo, index: int, total: int, step: Step) -> None:
    echo("")
    echo(click.style(f"Step {index}/{total - 1} · {step.title}", bold=True))
    echo(click.wrap_text(step.narration, width=88, initial_indent="  ", subsequent_indent="  "))


def _print_events(echo: Echo, events: Sequence[queries.ChangeRecord], base: str) -> None:
    by_url: dict[tuple[str, str], list[queries.ChangeRecord]] = defaultdict(list)
    for event in events:
        by_url[(event.source, event.url)].append(event)
    for (source, url), group in by_url.items():
        echo(f"  {source}  {url.removeprefix(base)}")
        for event in group:
            echo(f"    {click.style(f'{event.kind:<9}', fg=_COLOURS.get(event.kind))} {event.summary}")


_COLOURS = {"new": "cyan", "status": "yellow", "schedule": "magenta", "content": "blue", "removed": "red"}


def _print_quiet_step(echo: Echo, step: Step, archive: Archive) -> None:
    if step.kind == "baseline":
        with archive.reading() as session:
            snapshots = len(queries.snapshots(session))
            routes = len(route_table(session))
        echo(f"  no events — a first look is the baseline: {snapshots} snapshots archived, "
             f"{routes} routes in the status table")
    elif step.kind == "noise":
        echo(f"  {NOISE_ONLY}")
    else:
        echo("  no events")


def _replay(scenario: Scenario, site: DemoSite, archive: Archive, config_data: dict[str, Any], *,
            step_delay: float, echo: Echo) -> DemoResult:
    """Each step: move the site on, run one check, print the events it recorded."""
    per_step: list[tuple[queries.ChangeRecord, ...]] = []
    failures: list[str] = []
    seen: set[int] = set()
    # One fresh child per check: a Twisted reactor cannot be restarted in one process.
    with ProcessPoolExecutor(max_workers=1, mp_context=_child_context(), max_tasks_per_child=1) as pool:
        for index, step in enumerate(scenario.steps):
            if index and step_delay > 0:
                time.sleep(step_delay)
            site.step = index
            _print_step(echo, index, len(scenario.steps), step)
            for line in _check(pool, config_data, index):
                failures.append(f"step {index}: {line}")
                click.echo(f"railwatch demo: step {index}: {line}", err=True)
            with archive.reading() as session:
                fresh = tuple(event for event in queries.changes(session) if event.id not in seen)
            seen.update(event.id for event in fresh)
            per_step.append(fresh)
            if fresh:
                _print_events(echo, fresh, site.base)
            else:
                _print_quiet_step(echo, step, archive)
    return DemoResult(tuple(per_step), tuple(failures), str(config_data["database"]))


def run_demo(*, keep: Path | None = None, step_delay: float = 0.0, echo: Echo = click.echo,
             scenario: Scenario | None = None) -> DemoResult:
    """Serve the bundled site, replay it step by step over the real pipeline, print what was found."""
    scenario = scenario or load_scenario()
    with _database_dir(keep) as folder, site_root() as root:
        database = f"sqlite:///{folder / DB_NAME}"
        site = DemoSite(root, scenario)
        with serve_site(site) as base:
            config_data = {"database": database, "crawl": CRAWL, "sources": scenario.source_config(base)}
            parse_config(config_data, "railwatch demo")  # refuse a broken scenario before anything runs
            echo(click.style(f"railwatch demo: {scenario.title}", bold=True))
            echo(f"  a bundled replay served on {base} (no network); {len(scenario.steps)} steps, "
                 f"{len(scenario.sources)} sources, each step one real check")
            archive = Archive(database)
            try:
                result = _replay(scenario, site, archive, config_data, step_delay=step_delay, echo=echo)
                echo("")
                echo(click.style("Route status after the replay", bold=True))
                sys.stdout.flush()
                with archive.reading() as session, _table_width():
                    print_status(route_table(session))
            finally:
                archive.close()
    if keep is not None:
        echo("")
        echo("The archive is kept; explore it with, for example:")
        echo(f"  railwatch --db {database} changes")
        echo(f"  railwatch --db {database} status")
    return result
