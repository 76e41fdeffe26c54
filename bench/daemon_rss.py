"""Memory of a long-running `railwatch daemon`: RSS after cycle 50 and after cycle 500.

Starts the shared fleet (``fleet_server.py``, conditional requests on, so an
unchanged page answers 304), writes a configuration of ``--pages`` page
sources with a short ``interval``, and runs ``railwatch daemon --log-format
json --cycles N`` over it. The fleet moves to its next round every
``--round-every`` cycles: then a tenth of the pages really change (events)
and every page changes its noise (a full fetch). A cycle
ends when every source has been checked that many times; the RSS at a
checkpoint is the ``rss_kb`` the daemon logs after the crawl that completes
the cycle (its own VmRSS, from ``/proc/self/status``).

Environment: ``BENCH_PY`` (python with aiohttp, for the fleet; default
``python3``), ``FLEET_DIR`` (default ``../shared/bench`` from the repository
root), ``RAILWATCH`` (the command under test; default ``railwatch``, e.g.
``"python -m monitor.cli"`` with ``PYTHONPATH`` set to a checkout).

    python bench/daemon_rss.py [--pages 50] [--cycles 500] [--interval 500ms] [--round-every 10]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def start_fleet(pages: int, change_rate: float) -> tuple[subprocess.Popen[str], int]:
    fleet_dir = Path(os.environ.get("FLEET_DIR", REPO.parent / "shared" / "bench"))
    command = [*shlex.split(os.environ.get("BENCH_PY", "python3")), str(fleet_dir / "fleet_server.py"),
               "--pages", str(pages), "--change-rate", str(change_rate), "--conditional"]
    fleet = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert fleet.stdout is not None
    return fleet, int(fleet.stdout.readline())


def write_config(folder: Path, pages: int, port: int, interval: str) -> Path:
    sources = "\n".join(f"  - {{name: p{i}, kind: page, url: 'http://127.0.0.1:{port}/p/{i}.html', "
                        f"select: article, interval: {interval}}}" for i in range(pages))
    config = folder / "railwatch.yaml"
    config.write_text(f"database: sqlite:///{folder / 'railwatch.db'}\nsources:\n{sources}\n"
                      "crawl: {allow_private: true, delay: 0s, robots: false, autothrottle: false, "
                      "concurrency: 32, per_host: 32, retries: 0}\n", encoding="utf-8")
    return config


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--cycles", type=int, default=500)
    parser.add_argument("--interval", default="500ms")
    parser.add_argument("--round-every", type=int, default=10)
    parser.add_argument("--change-rate", type=float, default=0.1)
    parser.add_argument("--every", type=int, default=50, help="print RSS every this many cycles")
    args = parser.parse_args()

    fleet, port = start_fleet(args.pages, args.change_rate)
    work = Path(tempfile.mkdtemp(prefix="railwatch-daemon-rss-"))
    config = write_config(work, args.pages, port, args.interval)
    command = [*shlex.split(os.environ.get("RAILWATCH", "railwatch")), "--config", str(config),
               "daemon", "--log-format", "json", "--cycles", str(args.cycles)]
    started = time.monotonic()
    daemon = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert daemon.stderr is not None
    cycles: dict[str, int] = {}
    done = 0
    rss: dict[int, int] = {}
    crawls = failures = 0
    try:
        for line in daemon.stderr:
            record = json.loads(line)
            event = record.get("event")
            if event == "source_checked":
                failures += record["failures"]
                cycles[record["source"]] = record["cycle"]
            elif event == "crawl_done":
                crawls += 1
                least = min(cycles.values()) if len(cycles) == args.pages else 0
                while done < least:
                    done += 1
                    if done % args.every == 0 or done in (1, 50, args.cycles):
                        rss[done] = record["rss_kb"]
                        print(f"cycle={done} rss_mb={rss[done] / 1024:.1f} crawls={crawls} "
                              f"elapsed_s={time.monotonic() - started:.0f}", flush=True)
                    if done % args.round_every == 0:
                        urllib.request.urlopen(f"http://127.0.0.1:{port}/__round/{done // args.round_every}").read()
            elif record.get("level") in ("WARNING", "ERROR"):
                print("daemon:", record.get("message"), file=sys.stderr)
        code = daemon.wait()
    finally:
        if daemon.poll() is None:
            daemon.terminate()
        fleet.terminate()
    events = json.loads(subprocess.run([*command[:-5], "changes", "--json"], capture_output=True, text=True,
                                       check=True).stdout)
    print(f"exit={code} cycles={done} crawls={crawls} failures={failures} events={len(events)} "
          f"wall_s={time.monotonic() - started:.0f}")
    if 50 in rss and args.cycles in rss:
        growth = (rss[args.cycles] - rss[50]) / rss[50] * 100
        verdict = "holds" if growth <= 10 else "fails"
        print(f"rss50_mb={rss[50] / 1024:.1f} rss{args.cycles}_mb={rss[args.cycles] / 1024:.1f} "
              f"growth={growth:+.1f}% target<=10%: {verdict}")
    return code


if __name__ == "__main__":
    sys.exit(main())
