"""Apprise endpoints: Slack, Telegram, Matrix, ntfy and the rest, through Apprise URLs.

Each message is one notification to every URL of the endpoint: the title is
the summary, the body the summary, the quote and the link. Apprise reports
only success or failure (no Retry-After), so a failure is retried with the
outbox's backoff; when one of several URLs fails, a retry notifies all of
them again (Apprise cannot say which ones succeeded). Apprise logs the
reason of a failure under the ``apprise`` logger (``railwatch -v``).
"""

from __future__ import annotations

from collections.abc import Sequence

import apprise

from monitor.config import AppriseNotify
from monitor.notify.base import Message, SendResult, register_sender

__all__ = ["AppriseSender", "apprise_body"]


def apprise_body(message: Message) -> str:
    """Summary, quote and link: what fits a chat message."""
    parts = [message.summary]
    if quote := str(message.detail.get("quote") or "").strip():
        parts.append(f"“{quote}”")
    if message.data.get("last_error"):
        parts.append(f"Last error: {message.data['last_error']}")
    if message.data.get("url"):
        parts.append(str(message.data["url"]))
    return "\n\n".join(parts)


@register_sender("apprise")
class AppriseSender:
    """Notifies every URL of the endpoint, once per message."""

    def __init__(self, config: AppriseNotify) -> None:
        self.config = config

    def send(self, messages: Sequence[Message]) -> list[SendResult]:
        channels = apprise.Apprise()
        for url in self.config.urls:
            channels.add(url)
        results = []
        for message in messages:
            if channels.notify(title=message.summary, body=apprise_body(message)):
                results.append(SendResult(ok=True))
            else:
                results.append(SendResult(ok=False, error=f"Apprise could not notify all of the endpoint's "
                                                          f"{len(self.config.urls)} URL(s); -v shows why"))
        return results
