"""E-mail endpoints: one message per event (or one digest per send), over SMTP.

``smtp://`` talks plain SMTP (port 25), ``smtp+starttls://`` upgrades with
STARTTLS (port 587) and ``smtps://`` uses implicit TLS (port 465). The URL's
``user:password`` (percent-decoded) logs in. Certificates are verified against
the system's trust store; the standard ``SSL_CERT_FILE`` environment variable
names another CA bundle (for a private relay with its own CA, or a test server
with a self-signed certificate).

Each mail has a subject that states the change, a plain-text body (summary,
quote, links, a short diff) and an HTML alternative, and a Message-ID built
from the message id, so a repeat after a crash is recognisable.

Outcomes: a refused recipient or message (5xx) is permanent; a 4xx answer,
a refused login or sender, a dropped connection or a timeout is retried.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import unquote, urlsplit

from monitor.config import EmailNotify
from monitor.notify.base import Message, SendResult, register_sender
from monitor.notify.compose import digest_bodies, message_bodies, subject_of

__all__ = ["EmailSender", "SmtpTarget", "build_mail"]

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
TIMEOUT = 30.0


@dataclass(frozen=True)
class SmtpTarget:
    """Where and how to connect, read from the endpoint's ``smtp`` URL."""

    scheme: str
    host: str
    port: int
    user: str | None
    password: str | None

    @classmethod
    def parse(cls, url: str) -> SmtpTarget:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        return cls(scheme, parts.hostname or "localhost", parts.port or DEFAULT_PORTS[scheme],
                   unquote(parts.username) if parts.username else None,
                   unquote(parts.password) if parts.password is not None else None)

    def connect(self) -> smtplib.SMTP:
        """An open, greeted and (when credentials are given) logged-in connection."""
        smtp: smtplib.SMTP
        if self.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT)
        try:
            smtp.ehlo()
            if self.scheme == "smtp+starttls":
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.user:
                smtp.login(self.user, self.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip("<> ") or "railwatch.invalid"


def build_mail(config: EmailNotify, messages: Sequence[Message], *, now: datetime | None = None) -> EmailMessage:
    """The mail for one message, or the digest of several (``config.digest``)."""
    mail = EmailMessage()
    if len(messages) == 1 and not config.digest:
        [message] = messages
        mail["Subject"] = subject_of(message)
        text, html = message_bodies(message)
        local = message.id
    else:
        mail["Subject"] = f"[railwatch] {len(messages)} change{'s' if len(messages) != 1 else ''}"
        text, html = digest_bodies(messages)
        local = "digest-" + hashlib.sha256("\n".join(m.id for m in messages).encode()).hexdigest()[:24]
    mail["From"] = config.from_
    mail["To"] = ", ".join(config.to)
    mail["Date"] = format_datetime(now or datetime.now(UTC))
    mail["Message-ID"] = f"<{local}@{_domain(config.from_)}>"
    mail["User-Agent"] = "railwatch"
    mail.set_content(text)
    mail.add_alternative(html, subtype="html")
    return mail


@register_sender("email")
class EmailSender:
    """Sends over one SMTP connection per call; a digest endpoint sends all the messages as one mail."""

    def __init__(self, config: EmailNotify) -> None:
        self.config = config
        self.target = SmtpTarget.parse(config.smtp)

    def send(self, messages: Sequence[Message]) -> list[SendResult]:
        if not messages:
            return []
        batches = [list(messages)] if self.config.digest else [[message] for message in messages]
        try:
            smtp = self.target.connect()
        except OSError as exc:  # smtplib.SMTPException included
            return [_failure(exc, stage="connecting")] * len(messages)
        results: list[SendResult] = []
        try:
            for batch in batches:
                result, connected = self._send_one(smtp, batch)
                results.extend([result] * len(batch))
                if not connected:  # the rest waits for the next attempt
                    results.extend([result] * (len(messages) - len(results)))
                    break
        finally:
            try:
                smtp.quit()
            except OSError:
                smtp.close()
        return results

    def _send_one(self, smtp: smtplib.SMTP, batch: list[Message]) -> tuple[SendResult, bool]:
        """Send one mail; the outcome, and whether the connection is still usable."""
        mail = build_mail(self.config, batch)
        try:
            refused = smtp.send_message(mail)
        except smtplib.SMTPServerDisconnected as exc:
            return SendResult(ok=False, error=f"connection lost: {exc}"), False
        except smtplib.SMTPException as exc:  # an answer to this mail; the connection goes on
            return _failure(exc, stage="sending"), True
        except OSError as exc:  # smtplib's errors are OSErrors too: this is the socket's own
            return SendResult(ok=False, error=f"connection lost: {type(exc).__name__}: {exc}"), False
        if refused:
            log.warning("notify %s: some recipients were refused: %s", self.config.key,
                        ", ".join(f"{address} ({code})" for address, (code, _) in refused.items()))
        return SendResult(ok=True), True


def _failure(exc: BaseException, *, stage: str) -> SendResult:
    """The outcome of an SMTP error: permanent only when the server refuses the mail or its recipients."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.values())
        said = "; ".join(f"{address}: {code} {_text(reply)}" for address, (code, reply) in exc.recipients.items())
        return SendResult(ok=False, error=f"recipients refused: {said}",
                          permanent=bool(answers) and all(code >= 500 for code, _ in answers))
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return SendResult(ok=False, error=f"login refused: {exc.smtp_code} {_text(exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return SendResult(ok=False, error=f"sender {exc.sender} refused: {exc.smtp_code} {_text(exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPResponseException):
        return SendResult(ok=False, error=f"{stage}: {exc.smtp_code} {_text(exc.smtp_error)}",
                          permanent=stage == "sending" and exc.smtp_code >= 500)
    return SendResult(ok=False, error=f"{stage}: {type(exc).__name__}: {exc}")


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", errors="replace") if isinstance(reply, bytes) else reply
