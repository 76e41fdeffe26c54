"""A small website on 127.0.0.1 whose pages the test changes between checks.

Pages are set with :meth:`LiveSite.put` and withdrawn with :meth:`LiveSite.delete`
(404 afterwards). ``{{now}}``, ``{{views}}`` and ``{{token}}`` in a page are
filled afresh on every request, as on live sites; so are ``{{serial}}`` (the
number of the request) and ``{{nonce}}`` (random letters and digits), in
forms the built-in volatile masks do not know. Pages carry an ETag and
answer 304 to a matching ``If-None-Match`` unless put with ``validators=False``.
"""

from __future__ import annotations

import hashlib
import random
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

__all__ = ["LiveSite"]

_NONCE = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@dataclass
class _Page:
    text: str
    content_type: str
    charset: str
    validators: bool


def _noise(text: str, serial: int) -> str:
    text = text.replace("{{serial}}", str(serial))
    text = re.sub(r"\{\{nonce\}\}", lambda _: "".join(random.choices(_NONCE, k=8)) + str(random.randint(1, 9)), text)
    text = text.replace("{{now}}", datetime.now(UTC).strftime(random.choice(
        ["%Y-%m-%d %H:%M:%S", "%d %b %Y %H:%M", "%Y年%m月%d日 %H:%M"])))
    text = re.sub(r"\{\{views\}\}", lambda _: f"{random.randint(100, 99999):,}", text)
    return re.sub(r"\{\{token\}\}", lambda _: secrets.token_hex(8), text)


class LiveSite:
    """Serve pages from memory; start with ``with LiveSite() as site``."""

    def __init__(self) -> None:
        self.pages: dict[str, _Page] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                site.requests.append((path, dict(self.headers.items())))
                page = site.pages.get(path)
                if page is None:
                    self._answer(404, b"<html><body><h1>Not Found</h1></body></html>", "text/html")
                    return
                etag = f'"{hashlib.sha1(page.text.encode()).hexdigest()[:16]}"'
                if page.validators and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                body = _noise(page.text, len(site.requests)).encode(page.charset, errors="xmlcharrefreplace")
                self._answer(200, body, page.content_type, etag if page.validators else None)

            def _answer(self, code: int, body: bytes, content_type: str, etag: str | None = None) -> None:
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def put(self, path: str, text: str, *, content_type: str = "text/html; charset=utf-8",
            charset: str = "utf-8", validators: bool = True) -> None:
        self.pages[path] = _Page(text.replace("{{base}}", self.base), content_type, charset, validators)

    def delete(self, path: str) -> None:
        self.pages.pop(path, None)

    def __enter__(self) -> LiveSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
