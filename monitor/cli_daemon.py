"""`railwatch daemon`: the scheduler, until SIGTERM/SIGINT (the work is in :mod:`monitor.daemon`)."""

from __future__ import annotations

import sys

import click

from monitor.app import AppContext
from monitor.logs import LOG_FORMATS, use_daemon_logging

__all__ = ["daemon"]


@click.command()
@click.option("--once", is_flag=True,
              help="check every source once, send what is owed, and exit (3 when a source failed)")
@click.option("--log-format", type=click.Choice(LOG_FORMATS), default="text", show_default=True,
              help="log lines on stderr: text, or one JSON object per line")
@click.option("--grace", type=click.FloatRange(min=0), default=30.0, show_default=True,
              help="seconds a stop waits for the crawl in flight, then for the delivery in flight")
@click.option("--cycles", type=click.IntRange(min=1), default=None, hidden=True,
              help="stop once every source has run N times (benchmarks and tests)")
@click.pass_obj
def daemon(app: AppContext, once: bool, log_format: str, grace: float, cycles: int | None) -> None:
    """Run the scheduler until SIGTERM/SIGINT: each source on its own interval."""
    from monitor.daemon import DaemonOptions, run_daemon

    use_daemon_logging(log_format, announce=("monitor.daemon",))
    config = app.config()
    options = DaemonOptions(once=once, cycles=cycles, grace=grace)
    sys.exit(run_daemon(config, app.database_url(), app.archive, options))
