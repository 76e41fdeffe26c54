"""What every notifier sees: messages out of the outbox, results back.

A notifier kind is a :class:`~monitor.config.NotifyConfig` subclass (the
configuration) plus a sender registered here under the same ``kind``. The
deliverer hands a sender the due messages of one endpoint and records one
:class:`SendResult` per message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from monitor.config import NotifyConfig

__all__ = ["CHANGE", "SENDERS", "SOURCE_FAILING", "SOURCE_RECOVERED", "Message", "SendResult", "Sender",
           "register_sender", "sender_for"]

CHANGE = "railwatch.change"
SOURCE_FAILING = "railwatch.source.failing"
SOURCE_RECOVERED = "railwatch.source.recovered"


@dataclass(frozen=True)
class Message:
    """One owed delivery.

    ``id`` is stable for one event (or notice) and one endpoint: a webhook sends
    it as ``webhook-id``, an e-mail as the Message-ID's local part, so a
    receiver can drop repeats. ``data`` is the change event exactly as
    ``railwatch changes --json`` prints it, or a source-health notice
    (``{"source", "url", "consecutive_failures", "last_error", "since"}``).
    """

    delivery_id: int
    id: str
    type: str
    data: dict[str, Any]
    summary: str
    detail: dict[str, Any] = field(default_factory=dict)
    """What an e-mail shows besides the event: ``quote``, ``added``/``removed`` lines, ``title``."""

    @property
    def is_change(self) -> bool:
        return self.type == CHANGE


@dataclass(frozen=True)
class SendResult:
    """The outcome of sending one message.

    ``retry_after`` (seconds) is the receiver's own request (HTTP Retry-After);
    ``permanent`` marks an error that no retry can fix (a 4xx other than
    408/429, a refused recipient): the delivery is given up at once.
    """

    ok: bool
    error: str | None = None
    retry_after: float | None = None
    permanent: bool = False


class Sender(Protocol):
    def send(self, messages: Sequence[Message]) -> list[SendResult]:
        """Send the messages (in order); return one result per message, in the same order."""
        ...


SENDERS: dict[str, Callable[[Any], Sender]] = {}
"""Sender factories by notifier kind: ``SENDERS[config.kind](config) -> Sender``."""


def register_sender(kind: str) -> Callable[[Callable[[Any], Sender]], Callable[[Any], Sender]]:
    def add(factory: Callable[[Any], Sender]) -> Callable[[Any], Sender]:
        SENDERS[kind] = factory
        return factory

    return add


def sender_for(config: NotifyConfig) -> Sender:
    """The sender of one configured endpoint (the sender modules register themselves on import)."""
    import monitor.notify.senders  # noqa: F401  (fills SENDERS)

    return SENDERS[config.kind](config)
