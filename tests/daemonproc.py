"""`railwatch daemon` as a child process, and the CLI beside it, as an operator runs them.

:class:`DaemonProcess` starts ``railwatch daemon --log-format json`` and drains
its stderr in a thread (a full pipe would stall the daemon), parsing every
line as JSON; :meth:`DaemonProcess.wait_for` blocks until a log record
matches.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["DaemonProcess"]

Record = dict[str, Any]


class DaemonProcess:
    """A running daemon; its log records (parsed JSON) accumulate in :attr:`records`."""

    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, env={**os.environ})
        self.records: list[Record] = []
        self.lines: list[str] = []
        self.not_json: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            with self._changed:
                self.lines.append(line)
                if isinstance(record, dict):
                    self.records.append(record)
                else:
                    self.not_json.append(line)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, match: Callable[[Record], bool], *, count: int = 1, timeout: float = 120) -> list[Record]:
        """Block until ``count`` records match (a hang guard, not a timing check); those records."""
        with self._changed:
            found = self._changed.wait_for(
                lambda: len([r for r in self.records if match(r)]) >= count or not self._reader.is_alive(),
                timeout=timeout)
            matched = [r for r in self.records if match(r)]
        assert found and len(matched) >= count, f"no such log record; the daemon said:\n{''.join(self.lines)}"
        return matched

    def checked(self, source: str, *, cycle: int = 1, timeout: float = 120) -> Record:
        """Wait until ``source`` has been checked ``cycle`` times; that record."""
        return self.wait_for(lambda r: r.get("event") == "source_checked" and r.get("source") == source
                             and r.get("cycle", 0) >= cycle, timeout=timeout)[0]

    def terminate(self, timeout: float = 120) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def kill(self) -> None:
        self.process.kill()
        self.wait()

    def wait(self, timeout: float = 120) -> int:
        code = self.process.wait(timeout)
        self._reader.join(timeout)
        return code

    def events(self, name: str) -> list[Record]:
        with self._changed:
            return [r for r in self.records if r.get("event") == name]
