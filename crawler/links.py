"""The crawler's seam to text extraction: decoding, item links and canonical URLs.

The real implementations live in ``monitor.content``; when its link module is
not installed a small fallback keeps the crawler usable (CSS/XPath selection
of ``<a href>``, or every same-site link outside navigation, header and footer).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree
from w3lib.url import canonicalize_url

from monitor.content.decode import decode_html
from monitor.content.select import compile_selector

__all__ = ["canonical_url", "decode", "item_links"]


def decode(body: bytes, content_type: str | None) -> str:
    """The text of an HTML or XML body, charset judged from header, markup and bytes."""
    return decode_html(body, content_type).text


def _fallback_canonical_url(url: str) -> str:
    return canonicalize_url(url.strip(), keep_fragments=False)


_BOILERPLATE = frozenset({"nav", "header", "footer", "aside"})


def _fallback_find_item_links(html: str, base_url: str, selector: str | None) -> list[str]:
    if not html.strip():
        return []
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    if selector:
        found = compile_selector(selector)(root)
        anchors: Iterable[Any] = found if isinstance(found, list) else [found]
    else:
        host = urlsplit(base_url).hostname
        anchors = (
            a
            for a in root.iter("a")
            if not any(p.tag in _BOILERPLATE for p in a.iterancestors())
            and urlsplit(urljoin(base_url, a.get("href", ""))).hostname == host
        )
    links = []
    for anchor in anchors:
        href = anchor if isinstance(anchor, str) else anchor.get("href") if hasattr(anchor, "get") else None
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = urljoin(base_url, str(href).strip())
        if url.startswith(("http://", "https://")) and url.split("#")[0] != base_url.split("#")[0]:
            links.append(url)
    return links


try:
    _links: Any = importlib.import_module("monitor.content.links")
except ImportError:  # the extraction package's link module is not there yet
    _links = None

_canonical: Callable[[str], str] = _links.canonical_url if _links else _fallback_canonical_url
_find: Callable[[str, str, str | None], Iterable[str]] = (
    _links.find_item_links if _links else _fallback_find_item_links
)


def canonical_url(url: str) -> str:
    """The URL a document is known by: the same document always gets the same string."""
    return _canonical(url)


def item_links(body: bytes, content_type: str | None, base_url: str, selector: str | None) -> tuple[str, ...]:
    """Canonical item URLs of an index page, in page order, without repeats."""
    seen: dict[str, None] = {}
    for link in _find(decode(body, content_type), base_url, selector):
        seen.setdefault(_canonical(link), None)
    return tuple(seen)
