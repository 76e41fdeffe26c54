"""``railwatch demo``: an offline replay of a realistic run, over the real pipeline.

The bundled site (``site/``), its script (``scenario.yaml``), the server that
replays it (:mod:`monitor.demo.server`) and the runner that checks it step by
step (:mod:`monitor.demo.runner`) live in this package.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

__all__ = ["demo"]

EXIT_SOURCES_FAILED = 3


@click.command()
@click.option("--keep", "keep", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="keep the demo's database in DIR (as DIR/demo.db) to explore afterwards")
@click.option("--step-delay", type=click.FloatRange(min=0), default=0.0, show_default=True,
              metavar="SECONDS", help="pause between steps")
def demo(keep: Path | None, step_delay: float) -> None:
    """Replay a bundled sequence of notices offline and show what is detected."""
    # Imported here, not at the top: the runner pulls in Scrapy, and every other
    # command should start without it.
    from monitor.demo.runner import run_demo

    result = run_demo(keep=keep, step_delay=step_delay)
    if result.failures:
        sys.exit(EXIT_SOURCES_FAILED)
