"""The crawler's seam to text extraction: decoding, item links and canonical URLs.

The work is done by ``monitor.content``; this module fixes the few calls the
spiders make, so that they do not depend on its layout.
"""

from __future__ import annotations

from monitor.content.decode import decode_html
from monitor.content.links import find_item_links
from monitor.content.urls import canonical_url

__all__ = ["canonical_url", "decode", "item_links"]


def decode(body: bytes, content_type: str | None) -> str:
    """The text of an HTML or XML body, charset judged from header, markup and bytes."""
    return decode_html(body, content_type).text


def item_links(body: bytes, content_type: str | None, base_url: str, selector: str | None) -> tuple[str, ...]:
    """Canonical item URLs of an index page, in page order, without repeats."""
    seen: dict[str, None] = {}
    for link in find_item_links(decode(body, content_type), base_url, selector):
        seen.setdefault(canonical_url(link), None)
    return tuple(seen)
