"""Who holds a lease: a process named so that another process on the same host can tell it died.

A holder is ``host/pid/start``: the start time (Linux: ticks since boot, from
``/proc/<pid>/stat``) tells a dead process from a new one that got its pid.
A holder on another host is never judged dead here; its lease runs out instead.
"""

from __future__ import annotations

import os
import socket
from functools import cache
from pathlib import Path

__all__ = ["current_holder", "holder_is_dead"]


def _start_of(pid: int) -> str | None:
    """The process's start time, or None when it is gone (a zombie counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return "?"
    fields = stat[stat.rindex(")") + 2:].split()  # the command name may hold spaces and parentheses
    if fields[0] in ("Z", "X"):
        return None
    return fields[19]


def _alive(pid: int, start: str) -> bool:
    if Path("/proc/self/stat").exists():
        found = _start_of(pid)
        return found is not None and (found == start or "?" in (found, start))
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@cache
def _host() -> str:
    return socket.gethostname()


def current_holder() -> str:
    """This process, as a lease holder."""
    pid = os.getpid()
    return f"{_host()}/{pid}/{_start_of(pid) or '?'}"


def holder_is_dead(holder: str) -> bool:
    """True only when ``holder`` is a process of this host that no longer runs."""
    host, _, rest = holder.partition("/")
    pid, _, start = rest.partition("/")
    if host != _host() or not pid.isdigit():
        return False
    return not _alive(int(pid), start)
