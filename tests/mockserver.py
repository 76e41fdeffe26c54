"""A real HTTP server on 127.0.0.1 for tests: started once per session on port 0, in a thread.

Endpoints (all GET):

- ``/page/{name}``: a small HTML page; ``?text=`` sets its paragraph.
- ``/counter/{name}``: a page that changes on every request (``Visit N``).
- ``/charset/{variant}``: a Chinese notice as ``utf8`` (header), ``gbk-header``,
  ``gbk-meta`` (declared only in ``<meta>``), ``big5-header`` (traditional characters),
  ``undeclared-gbk``.
- ``/cond/{name}``: ``ETag`` and ``Last-Modified``; answers 304 to a matching
  ``If-None-Match`` or a not-older ``If-Modified-Since``. :meth:`MockServer.touch` changes it.
- ``/status/{code}``: that status with a short body.
- ``/redirect/{n}``: a chain of n 302 hops ending at ``/page/redirected``.
- ``/loop/{a|b}``: a redirect loop. ``/redirect-to?url=``: one 302 to any URL.
- ``/flaky/{key}?fail=N&status=503&retry_after=S``: fails N times per key, then 200.
- ``/slow?seconds=S``: answers after S seconds.
- ``/huge?bytes=N``: N bytes of HTML, streamed, no Content-Length.
- ``/gzip-bomb?mb=N``: N MB (default 16) of zeros, gzip-compressed (16 KB on the wire).
- ``/feed.rss``, ``/feed.atom``: feeds whose entries link to ``/article/{n}``.
- ``/index/{name}``: an index page (nav, list, footer) listing :meth:`MockServer.set_index` items,
  by default ``/notice/1`` … ``/notice/3``, the first one twice; with an ``ETag`` (and 304).
- ``/notice/{n}``, ``/article/{n}``: item pages; ``n`` = ``gone`` answers 410, ``missing…`` 404,
  ``broken…`` 500.
- ``/robots.txt``: disallows ``/private/`` to every agent; ``/private/{name}``: a page.
- ``/not-a-feed``: HTML where a feed was expected.

Every request is recorded (:attr:`MockServer.requests`) with its headers.
``python tests/mockserver.py`` serves until interrupted and prints the port.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from typing import Any

from aiohttp import web

__all__ = ["MockServer", "Recorded"]

_HTML = "text/html"
_NOTICE = "关于恢复北京至平壤K27次国际旅客列车的公告"
_NOTICE_TRADITIONAL = "關於恢復北京至平壤K27次國際旅客列車的公告"
_CHARSET_VARIANTS = {
    "utf8": ("utf-8", "text/html; charset=utf-8", ""),
    "gbk-header": ("gbk", "text/html; charset=gbk", ""),
    "gbk-meta": ("gbk", "text/html", '<meta charset="gbk">'),
    "big5-header": ("big5", "text/html; charset=big5", ""),
    "undeclared-gbk": ("gbk", "text/html", ""),
}


def html(title: str, body: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head>"
        f"<body><nav><a href='/'>Home</a> <a href='/about'>About</a></nav>"
        f"<main>{body}</main><footer><a href='/contact'>Contact</a></footer></body></html>"
    )


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it."""

    path: str
    query: str
    headers: dict[str, str]
    at: float


@dataclass
class _State:
    counters: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    versions: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    modified: dict[str, str] = field(default_factory=dict)
    indexes: dict[str, list[str]] = field(default_factory=dict)


class MockServer:
    """The server; use :meth:`start` / :meth:`stop` or a ``with`` block."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._state = _State()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="mockserver", daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._bomb: dict[int, bytes] = {}

    # -- control -----------------------------------------------------------------------------

    def start(self) -> MockServer:
        self._bomb[16] = gzip.compress(b"\0" * (16 * 1024 * 1024))
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(10)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def hits(self, path: str) -> list[Recorded]:
        """The recorded requests for ``path`` (without query), oldest first."""
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def touch(self, name: str) -> None:
        """Change ``/cond/{name}``: new body, new ETag, new Last-Modified."""
        with self._lock:
            self._state.versions[name] += 1
            self._state.modified[name] = formatdate(time.time() + self._state.versions[name], usegmt=True)

    def set_index(self, name: str, items: list[str]) -> None:
        """Make ``/index/{name}`` list these paths (in this order)."""
        with self._lock:
            self._state.indexes[name] = list(items)

    # -- serving -----------------------------------------------------------------------------

    async def _serve(self) -> None:
        app = web.Application(middlewares=[self._record])
        get = app.router.add_get
        get("/page/{name}", self._page)
        get("/counter/{name}", self._counter)
        get("/charset/{variant}", self._charset)
        get("/cond/{name}", self._conditional)
        get("/status/{code:\\d+}", self._status)
        get("/redirect/{n:\\d+}", self._redirect)
        get("/loop/{which}", self._loop_redirect)
        get("/redirect-to", self._redirect_to)
        get("/flaky/{key}", self._flaky)
        get("/slow", self._slow)
        get("/huge", self._huge)
        get("/gzip-bomb", self._gzip_bomb)
        get("/feed.rss", self._rss)
        get("/feed.atom", self._atom)
        get("/index/{name}", self._index)
        get("/notice/{n}", self._item)
        get("/article/{n}", self._item)
        get("/robots.txt", self._robots)
        get("/private/{name}", self._page)
        get("/not-a-feed", self._page)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=512)
        await site.start()
        server = site._server
        assert server is not None
        assert server.sockets
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        with self._lock:
            recorded = Recorded(request.path, request.query_string, dict(request.headers), time.time())
            self.requests.append(recorded)
        response: web.StreamResponse = await handler(request)
        return response

    async def _page(self, request: web.Request) -> web.Response:
        name = request.match_info.get("name", "page")
        text = request.query.get("text", f"This is page {name}.")
        return web.Response(text=html(name, f"<h1>{name}</h1><p>{text}</p>"), content_type="text/html")

    async def _counter(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        with self._lock:
            self._state.counters[name] += 1
            visit = self._state.counters[name]
        return web.Response(text=html(name, f"<p>Visit {visit}</p>"), content_type="text/html")

    async def _charset(self, request: web.Request) -> web.Response:
        codec, content_type, meta = _CHARSET_VARIANTS[request.match_info["variant"]]
        notice = _NOTICE_TRADITIONAL if codec == "big5" else _NOTICE
        body = html(notice, f"<h1>{notice}</h1><p>{notice}。</p>", meta).encode(codec)
        return web.Response(body=body, headers={"Content-Type": content_type})

    async def _conditional(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        with self._lock:
            version = self._state.versions[name]
            modified = self._state.modified.setdefault(name, formatdate(1_700_000_000, usegmt=True))
        body = html(name, f"<p>{name} version {version}</p>").encode()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        headers = {"ETag": etag, "Last-Modified": modified}
        if_none_match = request.headers.get("If-None-Match")
        if_modified_since = request.headers.get("If-Modified-Since")
        if if_none_match is not None:
            fresh = etag in [tag.strip() for tag in if_none_match.split(",")]
        elif if_modified_since is not None:
            try:
                fresh = parsedate_to_datetime(modified) <= parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                fresh = False
        else:
            fresh = False
        if fresh:
            return web.Response(status=304, headers=headers)
        return web.Response(body=body, headers={**headers, "Content-Type": "text/html; charset=utf-8"})

    async def _status(self, request: web.Request) -> web.Response:
        code = int(request.match_info["code"])
        return web.Response(status=code, text=html(str(code), f"<p>Status {code}</p>"), content_type=_HTML)

    async def _redirect(self, request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        target = f"/redirect/{n - 1}" if n > 1 else "/page/redirected"
        raise web.HTTPFound(target)

    async def _loop_redirect(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop/b" if request.match_info["which"] == "a" else "/loop/a")

    async def _redirect_to(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["url"])

    async def _flaky(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        fail = int(request.query.get("fail", "1"))
        with self._lock:
            self._state.counters[f"flaky:{key}"] += 1
            attempt = self._state.counters[f"flaky:{key}"]
        if attempt <= fail:
            headers = {}
            if "retry_after" in request.query:
                headers["Retry-After"] = request.query["retry_after"]
            status = int(request.query.get("status", "503"))
            return web.Response(status=status, text="try later", headers=headers)
        return web.Response(text=html(key, f"<p>{key} answered at attempt {attempt}</p>"), content_type=_HTML)

    async def _slow(self, request: web.Request) -> web.Response:
        await asyncio.sleep(float(request.query.get("seconds", "5")))
        return web.Response(text=html("slow", "<p>finally</p>"), content_type="text/html")

    async def _huge(self, request: web.Request) -> web.StreamResponse:
        size = int(request.query.get("bytes", str(10 * 1024 * 1024)))
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        chunk = b"<p>" + b"x" * 65530 + b"</p>"
        sent = 0
        try:
            while sent < size:
                await response.write(chunk[: size - sent])
                sent += len(chunk)
            await response.write_eof()
        except (ConnectionResetError, RuntimeError):
            pass  # the client gave up, as it should
        return response

    async def _gzip_bomb(self, request: web.Request) -> web.Response:
        megabytes = int(request.query.get("mb", "16"))
        if megabytes not in self._bomb:  # compressed off the event loop: zlib releases the GIL
            zeros = b"\0" * (megabytes * 1024 * 1024)
            loop = asyncio.get_running_loop()
            self._bomb[megabytes] = await loop.run_in_executor(None, gzip.compress, zeros)
        headers = {"Content-Encoding": "gzip", "Content-Type": "text/html"}
        return web.Response(body=self._bomb[megabytes], headers=headers)

    def _base(self, request: web.Request) -> str:
        return f"http://{request.host}"

    async def _rss(self, request: web.Request) -> web.Response:
        base = self._base(request)
        items = "".join(
            f"<item><title>Notice {n}</title><link>{base}/article/{n}?utm_source=rss</link>"
            f"<description>Summary of notice {n}</description>"
            f"<pubDate>Mon, 0{n} Mar 2026 08:00:00 +0800</pubDate></item>"
            for n in (1, 2, 3)
        )
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'
        return web.Response(text=body, content_type="application/rss+xml")

    async def _atom(self, request: web.Request) -> web.Response:
        base = self._base(request)
        entries = "".join(
            f"<entry><title>Atom {n}</title><link href='{base}/article/{n}'/><id>tag:{n}</id>"
            f"<updated>2026-03-0{n}T08:00:00Z</updated><summary>Atom summary {n}</summary></entry>"
            for n in (4, 5)
        )
        body = (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            "<title>Atom wire</title><id>tag:feed</id><updated>2026-03-05T08:00:00Z</updated>"
            f"{entries}</feed>"
        )
        return web.Response(text=body, content_type="application/atom+xml")

    async def _index(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        with self._lock:
            items = self._state.indexes.get(name, ["/notice/1", "/notice/2", "/notice/3"])
        rows = "".join(f"<li><a href='{path}'>Notice at {path}</a></li>" for path in items)
        again = f"<p><a href='{items[0]}#top'>again</a></p>" if items else ""
        page = html(f"index {name}", f"<h1>Notices</h1><ul class='notices'>{rows}</ul>{again}").encode()
        etag = '"' + hashlib.sha1(page).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=page, headers={"ETag": etag, "Content-Type": "text/html; charset=utf-8"})

    async def _item(self, request: web.Request) -> web.Response:
        n = request.match_info["n"]
        if n == "gone":
            return web.Response(status=410, text="withdrawn")
        if n.startswith("missing"):
            return web.Response(status=404, text="no such notice")
        if n.startswith("broken"):
            return web.Response(status=500, text="oops")
        return web.Response(text=html(f"item {n}", f"<p>Item {n} of {request.path}</p>"), content_type=_HTML)

    async def _robots(self, request: web.Request) -> web.Response:
        return web.Response(text="User-agent: *\nDisallow: /private/\n", content_type="text/plain")


if __name__ == "__main__":
    with MockServer() as server:
        print(server.port, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
