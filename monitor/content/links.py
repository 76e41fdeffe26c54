"""Item links of index pages (notice lists, press-conference lists, news lists).

With a selector the links are those it picks (``<a>`` elements, containers of
them, or ``xpath:`` attribute values). Without one, the links of the page are
grouped by where they sit (the tag/class path of their ancestors) and by
their URL shape (the path with digits generalised); the group carrying the
most anchor text, outside menus, footers, sidebars, pagination and related
blocks, is the list of items.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from lxml import etree

from monitor.content.boilerplate import DROP_ALWAYS, DROP_UNLESS_MAIN, is_boilerplate_attr
from monitor.content.extract import parse_html
from monitor.content.select import select as select_nodes
from monitor.content.urls import canonical_url

__all__ = ["canonical_url", "find_item_links"]

_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "#", "sms:", "ftp:")
_DIGITS = re.compile(r"\d+")
_MIN_GROUP = 2


def _base(root: etree._Element, base_url: str) -> str:
    for el in root.iter("base"):
        href = el.get("href")
        if href:
            return str(urljoin(base_url, href.strip()))
    return base_url


def _absolute(href: str | None, base: str) -> str | None:
    if not href:
        return None
    href = href.strip()
    if not href or href.lower().startswith(_SKIP_SCHEMES):
        return None
    url = urljoin(base, href)
    if not url.lower().startswith(("http://", "https://")):
        return None
    return canonical_url(url)


def _unique(urls: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(u for u in urls if u))


def _selected(root: etree._Element, selector: str, base: str) -> list[str]:
    urls: list[str | None] = []
    for hit in select_nodes(root, selector):
        if isinstance(hit, str):
            urls.append(_absolute(hit, base))
        elif isinstance(hit, etree._Element):
            if hit.tag == "a":
                urls.append(_absolute(hit.get("href"), base))
            else:
                urls.extend(_absolute(a.get("href"), base) for a in hit.iter("a"))
    return _unique(urls)


def _excluded(a: etree._Element) -> bool:
    """Links in page chrome (nav, footer, sidebars, ads) are not items.

    A ``<header>`` inside an ``<article>`` is the item's own title block
    (``<article><header><h2><a>``), not the page header.
    """
    for anc in a.iterancestors():
        tag = anc.tag
        if tag in ("body", "html"):
            return False
        if tag == "header" and any(up.tag == "article" for up in anc.iterancestors()):
            continue
        if tag in DROP_UNLESS_MAIN or tag in DROP_ALWAYS or is_boilerplate_attr(anc):
            return True
    return False


def _signature(a: etree._Element, url: str) -> tuple[str, str]:
    path = []
    for anc in a.iterancestors():
        if anc.tag in ("body", "html"):
            break
        cls = " ".join(sorted((anc.get("class") or "").split()))
        path.append(f"{anc.tag}.{cls}")
    return "/".join(reversed(path)), _url_shape(url)


def _url_shape(url: str) -> str:
    """Host and folder with digits folded: the last part (file name, or a pretty-permalink slug
    such as ``/2026/05/05/special-train-beijing/``) is what differs between items."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") if parts.path.endswith("/") and parts.path.strip("/") else parts.path
    last = path.rsplit("/", 1)[-1]
    folder = path.rsplit("/", 1)[0] if "." in last or path != parts.path else path
    return f"{parts.netloc}{_DIGITS.sub('0', folder)}"


def _heuristic(root: etree._Element, base: str) -> list[str]:
    body = root.find("body")
    groups: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for a in (body if body is not None else root).iter("a"):
        url = _absolute(a.get("href"), base)
        if url is None or _excluded(a):
            continue
        text = " ".join("".join(a.itertext()).split()) or (a.get("title") or "")
        groups.setdefault(_signature(a, url), []).append((url, len(text)))
    best: list[tuple[str, int]] = []
    best_score = 0.0
    for members in groups.values():
        urls = _unique(u for u, _ in members)
        if len(urls) < _MIN_GROUP:
            continue
        score = sum(n for _, n in members) * (1 + 0.1 * len(urls))
        if score > best_score:
            best, best_score = members, score
    if not best:
        return []
    return _unique(u for u, _ in best)


def find_item_links(html: str, base_url: str, selector: str | None = None) -> list[str]:
    """Canonical absolute URLs of the items listed on an index page, in page order, without repeats."""
    root = parse_html(html)
    if root is None:
        return []
    base = _base(root, base_url)
    if selector:
        return _selected(root, selector, base)
    return _heuristic(root, base)
