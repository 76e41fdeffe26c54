"""Webhook endpoints: one HTTP POST per message, signed with the Standard Webhooks scheme.

The body is ``{"type": ..., "data": ...}`` (compact JSON, UTF-8). The headers
``webhook-id`` (the message id, the same at every attempt), ``webhook-timestamp``
(this attempt, in Unix seconds) and ``webhook-signature`` (``v1,`` + base64 of
HMAC-SHA256 over ``id.timestamp.body`` with the decoded secret) let any
Standard Webhooks library verify the message and drop repeats.

Outcomes: a 2xx is delivered; 408, 429 and 5xx are retried, no sooner than the
receiver's ``Retry-After`` (seconds or an HTTP date); a redirect is not followed
(the configured URL is the one the operator trusts) and is retried with an
error naming its ``Location``; any other 4xx is permanent. Network errors and
timeouts are retried. The secret never appears in an error or a log line.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version

import httpx
from standardwebhooks import Webhook

from crawler.retry_after import parse_retry_after
from monitor.config import WebhookNotify
from monitor.notify.base import Message, SendResult, register_sender

__all__ = ["WebhookSender", "parse_retry_after", "request_body", "user_agent"]

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 429})
_ERROR_BODY_BYTES = 200


def user_agent() -> str:
    """``railwatch/<installed version>``."""
    try:
        return f"railwatch/{version('railwatch')}"
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "railwatch"


def request_body(message: Message) -> str:
    """The JSON body of one message, exactly as signed and sent."""
    return json.dumps({"type": message.type, "data": message.data}, ensure_ascii=False, separators=(",", ":"))


@register_sender("webhook")
class WebhookSender:
    """Posts each message to the endpoint's URL; one failing message does not stop the others."""

    def __init__(self, config: WebhookNotify, *, transport: httpx.BaseTransport | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.config = config
        self.signer = Webhook(config.secret)
        self.transport = transport
        self.clock = clock

    def send(self, messages: Sequence[Message]) -> list[SendResult]:
        timeout = self.config.timeout.total_seconds()
        with httpx.Client(timeout=timeout, follow_redirects=False, transport=self.transport,
                          headers={"user-agent": user_agent()}) as client:
            return [self._post(client, message) for message in messages]

    def _post(self, client: httpx.Client, message: Message) -> SendResult:
        body = request_body(message)
        now = self.clock()
        headers = {
            "content-type": "application/json",
            "webhook-id": message.id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": self.signer.sign(message.id, now, body),
        }
        try:
            with client.stream("POST", self.config.url, content=body.encode(), headers=headers) as response:
                excerpt = _excerpt(response) if response.status_code >= 300 else ""
                return self._outcome(response, excerpt)
        except httpx.TimeoutException:
            return SendResult(ok=False, error=f"no answer within {self.config.timeout.total_seconds():g}s")
        except httpx.HTTPError as exc:
            return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}")

    def _outcome(self, response: httpx.Response, excerpt: str) -> SendResult:
        status = response.status_code
        if 200 <= status < 300:
            return SendResult(ok=True)
        said = f"HTTP {status} {response.reason_phrase}".rstrip() + (f": {excerpt}" if excerpt else "")
        if 300 <= status < 400:
            location = response.headers.get("location", "(no Location)")
            return SendResult(ok=False, error=f"HTTP {status}: redirected to {location}; redirects are not "
                                              "followed, set the endpoint's url to the final address")
        if status in RETRY_STATUSES or status >= 500:
            return SendResult(ok=False, error=said,
                              retry_after=parse_retry_after(response.headers.get("retry-after"), self.clock()))
        return SendResult(ok=False, error=said, permanent=True)


def _excerpt(response: httpx.Response) -> str:
    """The start of an error answer's body, on one line, for `railwatch deliveries`."""
    chunk = b""
    for part in response.iter_bytes():
        chunk += part
        if len(chunk) >= _ERROR_BODY_BYTES:
            break
    text = chunk[:_ERROR_BODY_BYTES].decode("utf-8", errors="replace")
    return " ".join(text.split())
