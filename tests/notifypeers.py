"""Real peers for the notification tests, on 127.0.0.1 and port 0.

- :class:`WebhookReceiver`: an HTTP server that checks every Standard Webhooks
  signature twice (with the ``standardwebhooks`` library, and by recomputing
  the HMAC as the specification states it) and records what arrived. It can be
  told how to answer the next requests: a status with headers, a redirect, or
  no answer until the client gives up.
- :class:`MailServer`: an aiosmtpd server (plain, STARTTLS or implicit TLS,
  with or without a required login) that keeps every mail it accepts, parsed
  by the standard ``email`` package.
- :func:`self_signed`: a certificate for 127.0.0.1, made with ``cryptography``.
"""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import ipaddress
import json
import socket
import ssl
import sys
import threading
from collections.abc import Awaitable
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from standardwebhooks import Webhook

__all__ = ["Answer", "MailServer", "Received", "WebhookReceiver", "self_signed", "spec_signature"]


def spec_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    """The v1 signature as the Standard Webhooks specification defines it, computed here independently."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@dataclass
class Received:
    """One request as it arrived."""

    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def id(self) -> str:
        return self.headers["webhook-id"]


@dataclass
class Answer:
    """How to answer one request: a status and headers, or ``hang`` (no answer until the test ends)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (a timeout test) resets its connection: nothing to report."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class WebhookReceiver:
    """``with WebhookReceiver(secret) as hooks``; ``hooks.url("/path")``; ``hooks.received``."""

    def __init__(self, secret: str | None = None) -> None:
        self.secret = secret
        self.received: list[Received] = []
        self.bad_signatures: list[str] = []
        self.plan: list[Answer] = []
        self.default = Answer()
        self._release = threading.Event()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                if len(body) < length:    # the sender died mid-request (a crash test): nothing was delivered
                    self.close_connection = True
                    return
                headers = {key.lower(): value for key, value in self.headers.items()}
                answer = receiver._arrived(Received(self.path, headers, body))
                if answer.hang:
                    receiver._release.wait(60)
                    self.close_connection = True
                    return
                self.send_response(answer.status)
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                reply = b'{"ok": true}' if answer.status < 300 else b'{"error": "planned failure"}'
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                pass

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def _arrived(self, request: Received) -> Answer:
        if self.secret and "webhook-id" in request.headers:
            self._verify(request)
        with self._lock:
            self.received.append(request)
            return self.plan.pop(0) if self.plan else self.default

    def _verify(self, request: Received) -> None:
        try:
            Webhook(self.secret or "").verify(request.body, request.headers)
        except Exception as exc:
            self.bad_signatures.append(f"{request.path}: library: {exc}")
        headers = request.headers
        expected = spec_signature(self.secret or "", headers["webhook-id"], headers["webhook-timestamp"],
                                  request.body)
        signatures = [part.split(",", 1)[1] for part in headers["webhook-signature"].split() if part.startswith("v1,")]
        if expected not in signatures:
            self.bad_signatures.append(f"{request.path}: recomputed HMAC does not match")

    def answer(self, *answers: Answer) -> None:
        """Answer the next requests so, then as ``default``."""
        with self._lock:
            self.plan.extend(answers)

    def at(self, path: str) -> list[Received]:
        return [request for request in self.received if request.path == path]

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key: (cert.pem, key.pem) in ``folder``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "railwatch test mail server")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class _Keeper:
    """aiosmtpd handler: keeps each accepted mail; answers RCPT for ``refuse`` addresses with 550."""

    def __init__(self, server: MailServer) -> None:
        self.server = server

    async def handle_RCPT(self, smtp: SMTPServer, session: Session, envelope: Envelope, address: str,
                          options: list[str]) -> str:
        if address in self.server.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp: SMTPServer, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        mail = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(mail, EmailMessage)
        self.server.mails.append(mail)
        self.server.envelopes.append((envelope.mail_from or "", list(envelope.rcpt_tos), session.authenticated))
        return "250 OK"


class _Controller(Controller):
    """An aiosmtpd controller on a port the system picks (aiosmtpd itself wants a fixed one)."""

    def __init__(self, handler: Any, **kwargs: Any) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        super().__init__(handler, hostname="127.0.0.1", port=self._sock.getsockname()[1], **kwargs)

    def _create_server(self) -> Awaitable[Any]:
        return self.loop.create_server(self._factory_invoker, sock=self._sock, ssl=self.ssl_context)


class MailServer:
    """``with MailServer(tls="starttls", cert=(cert, key), login=("user", "pw")) as mail``; ``mail.mails``.

    ``tls``: None (plain), ``"starttls"`` (required before MAIL) or ``"implicit"``.
    """

    def __init__(self, *, tls: str | None = None, cert: tuple[Path, Path] | None = None,
                 login: tuple[str, str] | None = None) -> None:
        self.mails: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str], bool]] = []
        self.refuse: set[str] = set()
        self.logins: list[tuple[str, bool]] = []
        context = None
        if tls:
            assert cert is not None
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*cert)
        kwargs: dict[str, Any] = {}
        if tls == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        elif tls == "implicit":
            kwargs.update(ssl_context=context)
        if login is not None:
            # aiosmtpd knows of TLS only when it did the STARTTLS itself: over implicit TLS it must be
            # told not to require it (and then not to require a login, or it warns), which is still
            # a login over TLS.
            kwargs.update(authenticator=self._authenticator(login), auth_required=tls != "implicit",
                          auth_require_tls=tls == "starttls")
        self._controller = _Controller(_Keeper(self), **kwargs)
        self.port = self._controller.port

    def _authenticator(self, expected: tuple[str, str]) -> Any:
        def check(server: SMTPServer, session: Session, envelope: Envelope, mechanism: str,
                  auth_data: Any) -> AuthResult:
            if not isinstance(auth_data, LoginPassword):
                return AuthResult(success=False, handled=False)
            given = (auth_data.login.decode(), auth_data.password.decode())
            self.logins.append((given[0], given == expected))
            return AuthResult(success=given == expected, handled=False)

        return check

    def __enter__(self) -> MailServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
