"""A small threaded HTTP server that replays the bundled site on 127.0.0.1.

Step ``k`` of the site is ``site/0`` overlaid with ``site/1`` … ``site/k``
(``site/<k>/.deleted`` lists paths that answer 404 from step ``k`` on).
Pages are filled with fresh noise on every request and re-encoded in their
declared charset.  A file's ETag and Last-Modified change only when the file
does, and conditional requests are answered 304 — unless its serve rule says
``validators: false``, as for pages rendered per request.
"""

from __future__ import annotations

import hashlib
import mimetypes
import posixpath
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from monitor.demo.noise import fill_noise, related_page
from monitor.demo.scenario import Scenario

__all__ = ["DemoSite", "serve_site"]

CODECS = {"utf-8": ("utf-8", "utf-8"), "gbk": ("gbk", "GBK"), "cp1251": ("cp1251", "windows-1251")}
"""charset name -> (Python codec, label sent in headers)."""

mimetypes.add_type("application/atom+xml", ".atom")
mimetypes.add_type("application/rss+xml", ".rss")

Answer = tuple[int, dict[str, str], bytes]
_NOT_FOUND: Answer = (404, {"Content-Type": "text/html; charset=utf-8"},
                      b"<html><body><h1>404 Not Found</h1></body></html>")


def _clean(path: str) -> str:
    return posixpath.normpath("/" + unquote(path).lstrip("/"))


class DemoSite:
    """The site at the current step; ``step`` is set by the runner between checks."""

    def __init__(self, root: Path, scenario: Scenario) -> None:
        self.root = root
        self.scenario = scenario
        self.step = 0
        self.base = ""
        self.requests = 0
        self._t0 = int(time.time()) // 60 * 60 - 86400  # a version born at step k: t0 + k hours

    def _deleted(self, step: int) -> set[str]:
        listing = self.root / str(step) / ".deleted"
        if not listing.is_file():
            return set()
        return {_clean(line.strip()) for line in listing.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")}

    def version(self, path: str, step: int) -> tuple[Path, int] | None:
        """The file serving ``path`` at ``step`` and the step it was written at, or None."""
        for k in range(step, -1, -1):
            candidate = self.root / str(k) / path.lstrip("/")
            if candidate.is_file():
                return candidate, k
            if path in self._deleted(k):
                return None
        return None

    def respond(self, raw_path: str, headers: Message) -> Answer:
        """The status, headers and body for a GET of ``raw_path`` (query strings are ignored)."""
        path = _clean(raw_path)
        if any(part.startswith(".") for part in path.split("/")):
            return _NOT_FOUND
        found = None
        for candidate in (path, path.rstrip("/") + "/index.html"):
            if (found := self.version(candidate, self.step)) is not None:
                if candidate != path and not raw_path.endswith("/"):
                    return 301, {"Location": path.rstrip("/") + "/"}, b""
                path = candidate
                break
        if found is None:
            return self._related(path)
        file, born = found
        raw = file.read_bytes()
        options = self.scenario.options(path)
        out: dict[str, str] = {}
        if options.validators:
            out["ETag"] = f'"{hashlib.sha1(raw).hexdigest()[:16]}"'
            modified = self._t0 + 3600 * born
            out["Last-Modified"] = formatdate(modified, usegmt=True)
            if _fresh(headers, out["ETag"], modified):
                return 304, out, b""
        content_type = options.content_type or mimetypes.guess_type(path)[0] or "application/octet-stream"
        body = raw
        if content_type.startswith("text/") or content_type.endswith("xml"):
            codec, label = CODECS[options.charset]
            text = fill_noise(raw.decode("utf-8"), self.base)
            body = text.encode(codec, errors="xmlcharrefreplace")
            if options.declare == "header":
                content_type += f"; charset={label}"
        out["Content-Type"] = content_type
        return 200, out, body

    @staticmethod
    def _related(path: str) -> Answer:
        match = re.fullmatch(r"/related/(en|zh|ko|ru)-(\d+)\.html", path)
        page = related_page(match[1], int(match[2])) if match else None
        if page is None:
            return _NOT_FOUND
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page


def _fresh(headers: Message, etag: str, modified: int) -> bool:
    """Whether a conditional request's validators still match."""
    if_none_match, if_modified_since = headers.get("If-None-Match"), headers.get("If-Modified-Since")
    if if_none_match:
        return etag in if_none_match
    if not if_modified_since:
        return False
    try:
        return parsedate_to_datetime(if_modified_since).timestamp() >= modified
    except (TypeError, ValueError):
        return False


class _Handler(BaseHTTPRequestHandler):
    server_version, sys_version, protocol_version = "nginx/1.24.0", "", "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, *, send_body: bool) -> None:
        site = self.server.site
        site.requests += 1
        try:
            code, headers, body = site.respond(urlsplit(self.path).path, self.headers)
        except Exception as exc:  # a broken page must answer, not hang the crawler
            code, headers, body = 500, {"Content-Type": "text/plain; charset=utf-8"}, repr(exc).encode()
        self.send_response(code)
        for name, value in headers.items():
            self.send_header(name, value)
        if code != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and code != 304:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the demo's output is the monitor's, not the server's access log."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, site: DemoSite) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.site = site


@contextmanager
def serve_site(site: DemoSite) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 on a free port, in a thread; yields its base URL."""
    server = _Server(site)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="railwatch-demo-site", daemon=True)
    thread.start()
    try:
        yield site.base
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
