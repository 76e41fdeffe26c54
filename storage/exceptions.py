"""Errors of the snapshot archive.

    StorageError
    ├── DatabaseUnavailable   the database URL cannot be opened or reached
    ├── ArchiveCorrupt        stored data fails its own checks (missing blob, bad checksum)
    └── ArchiveLocked         another process holds the daemon lock on this database
"""

from __future__ import annotations

__all__ = ["ArchiveCorrupt", "ArchiveLocked", "DatabaseUnavailable", "StorageError"]


class StorageError(Exception):
    """Base of the archive's errors."""


class DatabaseUnavailable(StorageError):
    """The database URL cannot be opened (bad URL, server down, no driver)."""


class ArchiveCorrupt(StorageError):
    """Stored data fails its own consistency checks."""


class ArchiveLocked(StorageError):
    """Another daemon already runs on this database."""
