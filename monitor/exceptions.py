"""Errors the product reports to its user.

    RailwatchError
    ├── ConfigError        a configuration file is refused (names file, source, field)
    └── UsageError         a command was asked for something that does not exist

Storage and crawler errors have their own modules (``storage.exceptions``,
``crawler.exceptions``); the CLI turns all of them into a message and an exit code.
"""

from __future__ import annotations

__all__ = ["ConfigError", "RailwatchError", "UsageError"]


class RailwatchError(Exception):
    """Base of every error the CLI reports as a message rather than a traceback."""


class ConfigError(RailwatchError):
    """The configuration is refused; the message names file, source and field."""


class UsageError(RailwatchError):
    """A command names something that does not exist (a snapshot, a source)."""
