#!/usr/bin/env python3
"""Helpers of the railwatch benchmark scripts (standard library only).

  rwbench.py config N PORT DB          print a railwatch.yaml of N `page` sources on the fleet
  rwbench.py score N ROUND PORT JSON   compare `railwatch changes --json` (file JSON) with /__truth/ROUND
  rwbench.py dbsize DB [--tables]      checkpoint the WAL; print file and used bytes (per table too)
  rwbench.py growth N BEFORE AFTER     bytes added per page, per table, between two `dbsize --tables` lines
  rwbench.py rawcheck PORT K CMD...    the last snapshot of K pages, `show --raw`, equals the served body
  rwbench.py table LOG                 the side-by-side table of a run_railwatch.sh log

Every command prints `key=value` words (or a Markdown table) on stdout.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import urllib.request

PAGE = re.compile(r"/p/(\d+)\.html$")
CRAWL = "{allow_private: true, delay: 0s, concurrency: 32, per_host: 32, robots: false, autothrottle: false}"


def fleet(port: str, path: str) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as response:
        return response.read()


def config(n: str, port: str, db: str) -> None:
    lines = [f"database: sqlite:///{db}", f"crawl: {CRAWL}", "sources:"]
    lines += [f"  - {{name: page-{i}, kind: page, url: 'http://127.0.0.1:{port}/p/{i}.html'}}" for i in range(int(n))]
    print("\n".join(lines))


def score(n: str, rnd: str, port: str, path: str) -> None:
    """flagged = pages with any event, content = pages with a `content` event; both against the truth."""
    with open(path, encoding="utf-8") as fh:
        events = json.load(fh)
    truth = {i for i in json.loads(fleet(port, f"/__truth/{rnd}"))["changed"] if i < int(n)}
    pages: dict[str, set[int]] = {}
    for event in events:
        match = PAGE.search(event["url"])
        pages.setdefault(event["kind"], set()).add(int(match[1]) if match else -1)
    flagged = set().union(*pages.values()) if pages else set()
    content = pages.get("content", set())
    kinds = ",".join(f"{k}:{len(v)}" for k, v in sorted(pages.items())) or "none"
    print(f"changed={len(flagged)} truth={len(truth)} extra={len(flagged - truth)} missing={len(truth - flagged)} "
          f"content={len(content)} content_extra={len(content - truth)} content_missing={len(truth - content)} "
          f"events={len(events)} kinds={kinds} exact={'yes' if flagged == truth and content == truth else 'NO'}")


def dbsize(db: str, tables: bool) -> None:
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    pages = con.execute("PRAGMA page_count").fetchone()[0]
    free = con.execute("PRAGMA freelist_count").fetchone()[0]
    wal = os.path.getsize(db + "-wal") if os.path.exists(db + "-wal") else 0
    words = [f"db_bytes={os.path.getsize(db) + wal}", f"used_bytes={(pages - free) * page_size}"]
    with contextlib.suppress(sqlite3.Error):  # an archive without blobs yet
        words.append(f"blob_bytes={con.execute('SELECT coalesce(sum(length(data)), 0) FROM blobs').fetchone()[0]}")
    if tables:
        try:
            rows = con.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
            words.append("tables=" + ",".join(f"{name}:{size}" for name, size in rows))
        except sqlite3.Error:
            pass
    con.close()
    print(" ".join(words))


def _words(line: str) -> dict[str, str]:
    return dict(w.split("=", 1) for w in line.split() if "=" in w)


def growth(n: str, before_file: str, after_file: str) -> None:
    with open(before_file, encoding="utf-8") as fh:
        before = _words(fh.read())
    with open(after_file, encoding="utf-8") as fh:
        after = _words(fh.read())
    pages = int(n)
    sizes = [{t: int(v) for t, v in (kv.split(":") for kv in w.get("tables", "").split(",") if kv)}
             for w in (before, after)]
    delta = {t: sizes[1].get(t, 0) - sizes[0].get(t, 0) for t in sizes[0].keys() | sizes[1].keys()}
    tables = ",".join(f"{t}:{d / pages:.0f}" for t, d in sorted(delta.items(), key=lambda kv: -kv[1]) if d)
    blob = (int(after.get("blob_bytes", 0)) - int(before.get("blob_bytes", 0))) / pages
    used = (int(after["used_bytes"]) - int(before["used_bytes"])) / pages
    print(f"used_per_page={used:.0f} blob_data_per_page={blob:.0f} per_page_by_table={tables or 'none'}")


def rawcheck(port: str, k: str, railwatch: list[str]) -> None:
    """Fetch K pages from the fleet (current round) and compare with the newest stored raw body."""
    same = 0
    for i in range(int(k)):
        url = f"http://127.0.0.1:{port}/p/{i}.html"
        history = json.loads(subprocess.run([*railwatch, "history", url, "--json"], check=True,
                                            capture_output=True).stdout)
        newest = max(history, key=lambda s: (s["fetched_at"], s["id"]))
        raw = subprocess.run([*railwatch, "show", str(newest["id"]), "--raw"], check=True, capture_output=True).stdout
        same += raw == fleet(port, f"/p/{i}.html")
        snapshots = len(history)
    print(f"raw_identical={same}/{k} snapshots_of_page0={snapshots}")


_Rows = dict[str, list[dict[str, str]]]


def _rows(log: str) -> tuple[dict[str, dict[str, str]], _Rows, list[dict[str, str]], str]:
    """Summaries by tool, timed rounds by tool (lines `TOOL round=…`), noise-only rounds, the run's header."""
    summaries: dict[str, dict[str, str]] = {}
    rounds: _Rows = {}
    noise, header = [], ""
    with open(log, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("## N="):
                header = line[3:].strip()
            elif line.startswith("SUMMARY tool="):
                words = _words(line)
                summaries[words["tool"]] = words
            elif line.startswith("NOISE round="):
                noise.append(_words(line))
            elif " round=" in line and not line.startswith(("baseline", "#")):
                rounds.setdefault(line.split()[0], []).append(_words(line))
    return summaries, rounds, noise, header


def _paired(rounds: _Rows, tool: str) -> str:
    """railwatch / floor pages/s of each fleet round both ran in, and their median."""
    floor = {r["round"]: float(r["pages_s"]) for r in rounds.get(tool, [])}
    ratios = [float(r["pages_s"]) / floor[r["round"]] for r in rounds.get("railwatch", []) if r["round"] in floor]
    if not ratios:
        return ""
    each = ", ".join(f"{ratio:.2f}" for ratio in ratios)
    return f"; round by round {each} (median {statistics.median(ratios):.2f}×)"


def table(log: str) -> None:
    summaries, by_tool, noise, header = _rows(log)
    rounds = by_tool.get("railwatch", [])
    print(f"run: {header}\n")
    print("| tool | pages/s | CPU s per round | peak RSS MB | flagged / true (per round) |")
    print("|---|---:|---:|---:|---|")
    for tool, s in summaries.items():
        flagged = s["changed/truth"].replace("na/", "— / ").replace(",", ", ")
        print(f"| {tool} | {s['median_pages_s']} | {s['median_cpu_s']} | {s['max_rss_mb']} | {flagged} |")
    rw = summaries.get("railwatch")
    floors = {t: s for t, s in summaries.items() if t.startswith("scrapy")}
    if rw:
        print()
        for tool, s in floors.items():
            ratio = float(rw["median_pages_s"]) / float(s["median_pages_s"])
            verdict = "holds" if ratio >= 0.6 else "FAILS"
            print(f"- (a) railwatch / {tool} pages/s: {ratio:.2f}× (target ≥ 0.6×): {verdict}{_paired(by_tool, tool)}")
        exact = all(r["extra"] == r["missing"] == "0" for r in rounds)
        content = all(r["content_extra"] == r["content_missing"] == "0" for r in rounds)
        detail = "; ".join(f"round {r['round']}: {r['changed']}/{r['truth']}, extra {r['extra']}, missing "
                           f"{r['missing']}, events {r['kinds']}" for r in rounds)
        print(f"- (b) pages with an event == truth in every round: {'holds' if exact else 'FAILS'} ({detail}); "
              f"`content` events alone == truth: {'yes' if content else 'no'}")
        rss = int(rw["max_rss_mb"])
        print(f"- (c) peak RSS {rss} MB (target < 250 MB): {'holds' if rss < 250 else 'FAILS'}")
    if noise:
        used = statistics.median(float(r["used_per_page"]) for r in noise)
        grown = statistics.median(float(r["bytes_per_page"]) for r in noise)
        blob = statistics.median(float(r["blob_data_per_page"]) for r in noise)
        raw = noise[-1].get("raw_identical", "?")
        clean = all(r.get("changed") == "0" for r in noise)
        ok = used <= 1024 and raw.split("/")[0] == raw.split("/")[-1] and clean
        print(f"- (d) noise-only re-fetch: {used:.0f} bytes per page added to the archive (SQLite pages in use; "
              f"file growth {grown:.0f}, compressed blob data {blob:.0f}; target ≤ 1024), by table "
              f"{noise[-1].get('per_page_by_table')}; raw bodies byte-identical {raw}, pages flagged "
              f"{'/'.join(r.get('changed', '?') for r in noise)}: {'holds' if ok else 'FAILS'}")


def main(argv: list[str]) -> None:
    cmd, args = argv[0], argv[1:]
    if cmd == "config":
        config(*args)
    elif cmd == "score":
        score(*args)
    elif cmd == "dbsize":
        dbsize(args[0], "--tables" in args)
    elif cmd == "growth":
        growth(*args)
    elif cmd == "rawcheck":
        rawcheck(args[0], args[1], args[2:])
    elif cmd == "table":
        table(args[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:] or ["help"])
