"""The ``railwatch`` executable.

Start-up imports a few hundred modules and builds the configuration: many objects,
almost none of them garbage. The cyclic garbage collector stays off until the command
has loaded what it needs (:func:`monitor.cli.settle_heap`), so it does not walk that
growing heap over and over for nothing.
"""

from __future__ import annotations

import gc

__all__ = ["main"]


def main() -> None:
    gc.disable()
    from monitor.cli import main as cli

    cli()
