"""What the spiders yield: frozen dataclasses, handed one by one to an :class:`~crawler.runner.ItemSink`.

A crawl yields, per source:

- ``page``: one :class:`FetchedPage` (role ``"page"``) or one :class:`FetchFailed`;
- ``index``/``feed``: one :class:`Listing` (or :class:`FetchFailed`), then one
  :class:`FetchedPage` (role ``"item"``) or :class:`FetchFailed` per item page.

Header names are lower-cased (``content-type``, ``etag``), repeated headers
joined with ``, ``. URLs in ``url``, ``listing`` and ``links`` are canonical
(``monitor.content.urls.canonical_url``); ``final_url`` is where the last
redirect led, as fetched.

A 304 answer is a :class:`FetchedPage` with ``status=304`` and an empty body;
404 and 410 are :class:`FetchedPage` too (the document is gone). A listing
answering 304 is a :class:`Listing` with an empty body and no links; the
plan's known items are re-checked then. Every other failure is a
:class:`FetchFailed`.

A page the sink judges changed since its latest snapshot is fetched once
more before the sink records it (:class:`~crawler.pipelines.SinkPipeline`):
``confirm_body`` and ``confirm_headers`` hold that second answer, from which
the sink learns what varies between two fetches of the same moment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

__all__ = ["FeedEntry", "FetchFailed", "FetchedPage", "Item", "Listing"]


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """What a feed said about one entry, attached to the fetched article."""

    title: str
    published: datetime | None
    summary: str


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A page or an item page as fetched (200, 304 with an empty body, 404 or 410)."""

    source: str
    url: str
    role: Literal["page", "item"]
    status: int
    final_url: str
    headers: Mapping[str, str]
    body: bytes = field(repr=False)  # kept out of log lines
    fetched_at: datetime
    listing: str | None = None
    entry: FeedEntry | None = None
    confirm_body: bytes | None = field(default=None, repr=False)  # a second fetch, moments later
    confirm_headers: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Listing:
    """An index page or a feed, with its item URLs (canonical) in page order."""

    source: str
    url: str
    status: int
    final_url: str
    headers: Mapping[str, str]
    body: bytes = field(repr=False)  # kept out of log lines
    fetched_at: datetime
    links: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FetchFailed:
    """A request that produced no usable answer; ``error`` says why in words."""

    source: str
    url: str
    role: Literal["page", "index", "feed", "item"]
    error: str
    fetched_at: datetime
    status: int | None = None


Item = FetchedPage | Listing | FetchFailed
"""Anything a crawl hands to the sink."""
