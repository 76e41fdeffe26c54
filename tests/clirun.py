"""The `railwatch` command as a user runs it: one configuration file, commands in child processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from daemonproc import DaemonProcess

__all__ = ["Railwatch"]


class Railwatch:
    """One configuration file (local sites allowed, no delays) and the commands run against it."""

    def __init__(self, folder: Path, sources: list[dict[str, Any]], database: str, *,
                 notify: list[dict[str, Any]] | None = None, delivery: dict[str, Any] | None = None) -> None:
        self.folder = folder
        self.seen: set[int] = set()
        self.config = folder / "railwatch.yaml"
        data: dict[str, Any] = {
            "database": database,
            "sources": sources,
            "crawl": {"allow_private": True, "delay": "0s", "robots": False, "timeout": "10s", "retries": 0},
        }
        if notify:
            data["notify"] = notify
        if delivery:
            data["delivery"] = delivery
        self.config.write_text(yaml.safe_dump(data), encoding="utf-8")

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "monitor.cli", "--config", str(self.config), *args]

    def run(self, *args: str, expect: int | None = 0, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run one command; unless ``expect`` is None, assert its exit code."""
        done = subprocess.run(self.command(*args), capture_output=True, text=True, timeout=timeout)
        if expect is not None:
            assert done.returncode == expect, (args, done.returncode, done.stdout, done.stderr)
        return done

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "--json").stdout)

    def check(self, expect: int = 0) -> list[dict[str, Any]]:
        """Run one check; the events it added."""
        self.run("check", expect=expect)
        added = [event for event in self.json("changes") if event["id"] not in self.seen]
        self.seen.update(event["id"] for event in added)
        return added

    def daemon(self, *args: str) -> DaemonProcess:
        from daemonproc import DaemonProcess

        return DaemonProcess(self.command("daemon", "--log-format", "json", *args))
