"""Feed sources: RSS or Atom, each entry's article fetched with the entry attached."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urljoin

from crawler.exceptions import NotAFeed
from crawler.items import FeedEntry
from crawler.links import canonical_url
from crawler.plan import SourcePlan
from crawler.spiders.base import Role
from crawler.spiders.listing import ListingSpider

if TYPE_CHECKING:
    from scrapy.http import Response

__all__ = ["FeedSpider", "parse_feed"]


def _published(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _link(entry: Any) -> str | None:
    link = entry.get("link")
    if link:
        return str(link)
    for candidate in entry.get("links", ()):
        if candidate.get("href") and candidate.get("rel", "alternate") == "alternate":
            return str(candidate["href"])
    return None


def parse_feed(
    body: bytes, url: str, content_type: str | None
) -> tuple[tuple[str, ...], dict[str, FeedEntry]]:
    """Canonical article URLs of an RSS or Atom document, in feed order, and their entries."""
    import feedparser  # here, not at the top: a run without feed sources never loads it

    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    if not parsed.get("version") and not parsed.entries:
        declared = content_type or "unset"
        reason = parsed.get("bozo_exception") or f"no RSS or Atom in it (Content-Type {declared})"
        raise NotAFeed(f"not a feed: {reason}")
    entries: dict[str, FeedEntry] = {}
    for entry in parsed.entries:
        link = _link(entry)
        if not link:
            continue
        key = canonical_url(urljoin(url, link.strip()))
        entries.setdefault(
            key,
            FeedEntry(
                title=str(entry.get("title", "")),
                published=_published(entry),
                summary=str(entry.get("summary", "")),
            ),
        )
    return tuple(entries), entries


class FeedSpider(ListingSpider):
    """Fetches every feed source, then the article of each entry."""

    name = "feeds"
    kind: ClassVar[str] = "feed"
    start_role: ClassVar[Role] = "feed"

    def links(self, response: Response, plan: SourcePlan) -> tuple[tuple[str, ...], Mapping[str, FeedEntry]]:
        content_type = response.headers.get(b"Content-Type")
        return parse_feed(
            response.body, response.url, content_type.decode("latin-1") if content_type else None
        )
