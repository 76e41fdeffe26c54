"""The daemon lock: at most one ``railwatch daemon`` per archive.

The lock is one the operating system or the database server drops by itself
when the holder dies, even by SIGKILL, so a crashed daemon never leaves a
stale lock behind:

- SQLite: ``fcntl.flock`` on a file beside the database file
  (``railwatch.db`` → ``railwatch.db.daemon-lock``), which also holds the
  holder's pid for the message. An in-memory database needs no lock.
- PostgreSQL: a session-level ``pg_try_advisory_lock`` taken on a dedicated
  connection kept open for the daemon's life; its key is derived from the
  schema the archive lives in (``current_schema()``), so archives in two
  schemas of one database do not exclude each other.

Other backends get no lock (a warning says so). Taking a lock that is held
raises :class:`~storage.exceptions.ArchiveLocked` naming the lock and its
holder. ``railwatch check`` takes no lock: it can run beside a daemon.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from storage.db import open_engine
from storage.exceptions import ArchiveLocked, DatabaseUnavailable

__all__ = ["DaemonLock", "acquire_daemon_lock"]

log = logging.getLogger(__name__)

# First key of the PostgreSQL advisory lock: "rw" + "dm"; the second is the schema's hash.
_PG_CLASS = 0x7277_646D
_PG_TRY = text("SELECT pg_try_advisory_lock(:cls, hashtext(current_schema()))")
_PG_UNLOCK = text("SELECT pg_advisory_unlock(:cls, hashtext(current_schema()))")
_PG_HOLDER = text(
    "SELECT a.pid, a.application_name, a.client_addr FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
    " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = CAST(:cls AS oid)"
    " AND l.objid = CAST(hashtext(current_schema()) AS oid) AND l.objsubid = 2"
    " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


class DaemonLock(Protocol):
    """A held lock; :meth:`release` gives it back (dying gives it back too)."""

    description: str

    def release(self) -> None: ...


class _NoLock:
    def __init__(self, description: str) -> None:
        self.description = description

    def release(self) -> None:
        pass


class _FileLock:
    """``flock`` on a file beside the SQLite database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"lock file {path}"
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        if not self.path.parent.is_dir():
            raise DatabaseUnavailable(f"{self.path.parent}: the database folder does not exist")
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 -- held open for the daemon's life
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            handle.close()
            raise ArchiveLocked(f"another railwatch daemon runs on this database: it holds the {self.description}"
                                + (f" (pid {holder})" if holder else "")) from None
        except BaseException:
            handle.close()
            raise
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            self._file.seek(0)
            self._file.truncate()
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class _AdvisoryLock:
    """A session-level advisory lock on a connection of its own, open for the daemon's life."""

    def __init__(self, url: str) -> None:
        self.description = "PostgreSQL advisory lock railwatch-daemon"
        self._url = url
        self._connection: Connection | None = None

    def acquire(self) -> None:
        engine = open_engine(self._url)
        try:
            connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except Exception as exc:
            engine.dispose()
            raise DatabaseUnavailable(f"{make_url(self._url).render_as_string(hide_password=True)}: {exc}") from None
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        self.description = f"PostgreSQL advisory lock railwatch-daemon (schema {schema})"
        if not connection.execute(_PG_TRY, {"cls": _PG_CLASS}).scalar_one():
            holder = connection.execute(_PG_HOLDER, {"cls": _PG_CLASS}).first()
            connection.close()
            engine.dispose()
            who = f" (server process {holder.pid}, client {holder.client_addr or 'local'})" if holder else ""
            raise ArchiveLocked(f"another railwatch daemon runs on this database: it holds the "
                                f"{self.description}{who}")
        self._connection = connection

    def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.execute(_PG_UNLOCK, {"cls": _PG_CLASS})
        except Exception as exc:  # the session is gone, and its lock with it
            log.warning("releasing the %s: %s", self.description, exc)
        finally:
            engine = connection.engine
            connection.close()
            engine.dispose()


def acquire_daemon_lock(url: str) -> DaemonLock:
    """Take the daemon lock of the archive at ``url``, or raise :class:`ArchiveLocked`."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if not database or database == ":memory:" or database.startswith("file:"):
            return _NoLock("no lock (in-memory database)")
        lock = _FileLock(Path(database).with_name(Path(database).name + ".daemon-lock"))
        lock.acquire()
        return lock
    if backend == "postgresql":
        advisory = _AdvisoryLock(url)
        advisory.acquire()
        return advisory
    log.warning("no daemon lock on %s databases: make sure only one daemon runs on it", backend)
    return _NoLock(f"no lock ({backend})")
