"""The `railwatch` command: global options, configuration loading, and `init`/`check`.

Results go to stdout, diagnostics to stderr.  Exit codes: 0 success, 2 usage
or configuration error, 3 when some source failed during `check`.

Scrapy and the crawl machinery are imported inside the commands that crawl,
so that `railwatch changes` and friends start fast.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import click

from monitor import cli_daemon, cli_deliver, cli_query, demo
from monitor.app import DEFAULT_CONFIG, AppContext
from monitor.exceptions import ConfigError, RailwatchError
from monitor.logs import configure_logging
from storage.exceptions import StorageError

__all__ = ["main", "settle_heap"]

EXIT_USAGE = 2
EXIT_SOURCES_FAILED = 3
YOUNG_COLLECTION = 10_000  # allocations between collections of the youngest generation (see settle_heap)


class RailwatchGroup(click.Group):
    """Turns the product's errors into a message on stderr and exit code 2."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (RailwatchError, StorageError) as exc:
            click.echo(f"railwatch: {exc}", err=True)
            ctx.exit(EXIT_USAGE)


@click.group(cls=RailwatchGroup)
@click.option("--config", "config_path", type=click.Path(path_type=Path), envvar="RAILWATCH_CONFIG",
              default=None, help="configuration file (default ./railwatch.yaml; env RAILWATCH_CONFIG)")
@click.option("--db", "db_url", envvar="RAILWATCH_DB", default=None,
              help="database URL, overriding `database:` (env RAILWATCH_DB)")
@click.option("-v", "--verbose", count=True, help="more log output on stderr (-vv for debug)")
@click.version_option(package_name="railwatch")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None, db_url: str | None, verbose: int) -> None:
    """Watch notices about cross-border rail services and report what changed."""
    configure_logging(verbose)
    ctx.obj = AppContext(config_path or DEFAULT_CONFIG, config_path is not None, db_url)
    if ctx.invoked_subcommand != "check":  # check settles once its crawl machinery is loaded
        settle_heap()


def settle_heap() -> None:
    """Turn the cyclic garbage collector on (:mod:`monitor.launch` starts without it).

    What is loaded by now (modules, configuration) lives as long as the process: it is
    frozen out of the collector's walks first. A crawl allocates many short-lived objects
    for each page (trees, requests, rows), hardly any in cycles: the youngest generation
    is collected every ``YOUNG_COLLECTION`` allocations rather than Python's 700.
    """
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION, *gc.get_threshold()[1:])
    gc.enable()


@main.command()
@click.option("--force", is_flag=True, help="overwrite an existing file")
@click.pass_obj
def init(app: AppContext, force: bool) -> None:
    """Write a starter railwatch.yaml that watches the real sources."""
    from monitor.starter import STARTER_CONFIG

    path = app.config_path
    if path.exists() and not force:
        raise ConfigError(f"{path}: already exists (use --force to overwrite)")
    path.write_text(STARTER_CONFIG, encoding="utf-8")
    click.echo(f"wrote {path}: {STARTER_CONFIG.count('- name:')} sources; edit it, then run `railwatch check`")


@main.command()
@click.option("--source", "sources", multiple=True, help="check only this source (repeatable)")
@click.pass_obj
def check(app: AppContext, sources: tuple[str, ...]) -> None:
    """One pass over all (or the named) sources: fetch, snapshot, diff, record events."""
    from monitor.check import run_check
    from monitor.progress import CheckProgress, print_summary

    config = app.config()
    for name in sources:
        if name not in {source.name for source in config.sources}:
            raise ConfigError(f"{app.config_path}: no source named {name!r}")
    archive = app.archive()
    settle_heap()
    with CheckProgress(enabled=sys.stdout.isatty()) as progress:
        report = run_check(config, archive, sources, progress=progress.advance)
    print_summary(report, terminal=sys.stdout.isatty())
    for outcome in report.failed:
        for error in outcome.errors:
            click.echo(f"railwatch: {outcome.name}: {error}", err=True)
    if report.failed:
        sys.exit(EXIT_SOURCES_FAILED)


for command in (*cli_query.COMMANDS, cli_deliver.deliveries, cli_daemon.daemon, demo.demo):
    main.add_command(command)

if __name__ == "__main__":  # pragma: no cover
    main()
