"""Crash safety at scale: many SIGKILLs of `railwatch daemon` and `railwatch check` at random moments.

The same run as ``tests/test_crash.py`` (``tests/crashrun.py``: a local site
whose notices change, a Standard Webhooks receiver with two endpoints), with
more kills: each daemon run is killed at a random moment, the site changes
between runs, and at the end a clean run must have delivered every event to
every matching endpoint, repeats only under the first ``webhook-id``, with
the archive consistent. Prints one line of figures.

Run from the repository root with the test extras installed:

    python bench/crash_kills.py [--kills 200] [--check-kills 50] [--seed 1] [--db URL]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from crashrun import SECRET, crash_run, verify  # noqa: E402 -- the test helpers, found through the path above
from livesite import LiveSite  # noqa: E402
from notifypeers import WebhookReceiver  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200, help="daemon runs, each killed")
    parser.add_argument("--check-kills", type=int, default=50, help="`railwatch check` runs, each killed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", default=None, help="database URL (default: SQLite in a temporary folder)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="railwatch-crash-"))
    database = args.db or f"sqlite:///{folder / 'railwatch.db'}"
    started = time.monotonic()
    with LiveSite() as site, WebhookReceiver(SECRET) as hooks:
        cli, report = crash_run(folder, database, kills=args.kills, check_kills=args.check_kills, seed=args.seed,
                                site=site, hooks=hooks)
        verify(cli, database, hooks, report)
    print(f"{report.line()} wall_s={time.monotonic() - started:.0f} verified=yes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
