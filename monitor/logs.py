"""Diagnostics on stderr: plain lines for people, or one JSON object per line for log collectors.

Every command logs through the one handler :func:`configure_logging` puts on
the root logger. The level sits on that handler, because Scrapy resets the
root logger's level when a crawl starts. Without ``-v`` the crawl framework's
own records are dropped: every failure is reported by railwatch itself, once,
with the source named.

Structured records carry their fields as ``extra``: :func:`log_event` logs
``event`` (a short name such as ``source_checked``) and the figures of it
(``source``, ``fetched``, ``events``, ``failures``, ``seconds``, ``cycle``…);
the JSON format writes them as fields, the text format appends them as
``key=value``.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

__all__ = ["LOG_FORMATS", "configure_logging", "log_event", "use_daemon_logging"]

LOG_FORMATS = ("text", "json")
_FRAMEWORK_LOGGERS = ("scrapy", "twisted", "py.warnings", "apscheduler")
_LEVELS = (logging.WARNING, logging.INFO, logging.DEBUG)
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class _State:
    handler: logging.Handler | None = None
    verbose = 0


def configure_logging(verbose: int) -> None:
    """Install the stderr handler: warnings only, ``-v`` info, ``-vv`` debug."""
    if _State.handler is not None:
        logging.root.removeHandler(_State.handler)
    level = _LEVELS[min(verbose, 2)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(level)
    handler.setFormatter(_TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if not verbose:
        handler.addFilter(_not_framework)
    logging.root.addHandler(handler)
    logging.root.setLevel(level)
    _State.handler, _State.verbose = handler, verbose


def use_daemon_logging(log_format: str, announce: tuple[str, ...]) -> None:
    """Switch the handler to ``log_format`` and, without ``-v``, let the info records of the
    ``announce`` loggers through (a daemon reports each run; one-shot commands stay quiet)."""
    handler = _State.handler
    if handler is None:
        configure_logging(0)
        handler = _State.handler
    assert handler is not None
    if log_format == "json":
        from pythonjsonlogger.json import JsonFormatter  # the daemon's option: one-shot commands never load it

        handler.setFormatter(JsonFormatter(
            "%(levelname)s %(name)s %(message)s", timestamp="time",
            rename_fields={"levelname": "level", "name": "logger"},
            json_ensure_ascii=False))
    if not _State.verbose:
        handler.setLevel(logging.INFO)
        logging.root.setLevel(logging.INFO)
        handler.addFilter(lambda record: record.levelno >= logging.WARNING or record.name.startswith(announce))


def log_event(logger: logging.Logger, event: str, message: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log ``message`` with ``event`` and ``fields`` as structured fields."""
    logger.log(level, message, extra={"event": event, **fields})


def _not_framework(record: logging.LogRecord) -> bool:
    return not record.name.startswith(_FRAMEWORK_LOGGERS)


class _TextFormatter(logging.Formatter):
    """The usual line, then the record's structured fields as ``key=value``."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = [f"{key}={value}" for key, value in record.__dict__.items()
                 if key not in _STANDARD and key != "event" and not key.startswith("_")]
        return f"{line} [{' '.join(extra)}]" if extra else line
