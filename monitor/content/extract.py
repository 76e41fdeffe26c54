"""The watched text of an HTML page: its main content, without boilerplate.

With ``select`` the text is that region. Otherwise the main content is found
by text weight: boilerplate (menus, sidebars, footers, share widgets, ads,
related lists, cookie banners) is removed, then, starting from the one
``<article>``/``<main>``/``[itemprop=articleBody]`` that holds most of the
text (or ``<body>``), the walk descends into the child holding most of the
remaining plain text while that child holds at least 70% of it. The text
paragraphs sit in is the content; a page where no container stands out is
handed to trafilatura. The title goes first, as its own block.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from monitor.content.blocks import is_layout_table, render_blocks
from monitor.content.boilerplate import TextWeights, depth, detach, strip_boilerplate, strip_invisible
from monitor.content.dates import find_published
from monitor.content.reach import PageReach, measure, prefix_safe
from monitor.content.select import select as select_nodes

__all__ = ["Extracted", "extract_text", "parse_html"]

_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_DESCEND_SHARE = 0.7  # descend into a child holding this share of the plain text
_OWN_TEXT_SHARE = 0.2  # stop at an element whose own loose text is this share of its text
_TEXT_BLOCKS = frozenset(
    ["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote", "dd", "dt", "figcaption", "caption"]
)
_HEADINGS = frozenset(("h2", "h3", "h4", "h5", "h6", "strong", "b", "span", "div", "p", "em"))
_LIST_HEADING_CHARS = 24  # a short line right before a link list is that list's heading
_LISTS = frozenset(["ul", "ol", "dl"])
_MIN_CONTAINER = 40  # plain characters below which no container is trusted
_LOGO = re.compile(r"logo|brand|site-?(?:title|name)|masthead", re.IGNORECASE)
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—·»:]{1,2}\s+|_")
_MIN_TITLE_HEADLINE = 8  # characters: a title this short is a site name, not a headline
_HAS_ROLES = etree.XPath("boolean(descendant-or-self::*/@itemprop | descendant-or-self::*/@role)")


@dataclass(frozen=True)
class Extracted:
    """The watched text of a page and what is known about the document."""

    title: str
    text: str
    published: dt.date | None
    lang: str | None
    anchor: str | None = None  # see extract_text
    reach: PageReach | None = None  # how far into the page the text reaches (see monitor.content.reach)


# Part of every anchor: change it whenever a change to the extraction makes a page read otherwise,
# so that no document keeps a text the code would no longer extract.
ANCHOR_REVISION = "1"


def parse_html(html: str) -> etree._Element | None:
    """Parse HTML text into an lxml tree (None for an empty or unparsable document)."""
    html = _XML_DECL.sub("", html, count=1)
    if not html.strip():
        return None
    try:
        root = etree.fromstring(html, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    return root


def _own_text(el: etree._Element) -> int:
    n = len(el.text.strip()) if el.text else 0
    return n + sum(len(c.tail.strip()) for c in el if c.tail)


def _descend(node: etree._Element, weights: TextWeights) -> etree._Element:
    while node.tag not in _TEXT_BLOCKS:
        plain = weights.plain(node)
        if plain <= 0 or _own_text(node) >= _OWN_TEXT_SHARE * plain:
            break
        children = [c for c in node if isinstance(c.tag, str)]
        if not children:
            break
        plain -= sum(weights.plain(c) for c in children if c.tag == "h1")  # the title is added on its own
        if all(weights.most(c) < _DESCEND_SHARE * plain for c in children):
            break  # no child can hold the share: none needs measuring
        best = max(children, key=weights.plain)
        if weights.plain(best) < _DESCEND_SHARE * plain or best.tag in _TEXT_BLOCKS or best.tag in _LISTS:
            break
        if best.tag == "table" and not is_layout_table(best):
            break
        node = best
    return node


def _holds_half(el: etree._Element, page: etree._Element, weights: TextWeights) -> bool:
    """True when ``el`` holds half the plain text of ``page``, measuring ``page`` no closer than needed."""
    plain = weights.plain(el)
    return plain >= 0.5 * weights.most(page) or plain >= 0.5 * weights.total(page) or plain >= 0.5 * weights.plain(page)


def _start(
    root: etree._Element, body: etree._Element, weights: TextWeights, attributes: bool = True
) -> etree._Element:
    """The element the main content is looked for in.

    ``attributes=False`` says no element has an ``itemprop`` or ``role`` attribute.
    """
    # the innermost semantic element that still holds half the page (the first of equals)
    innermost_first = sorted(_semantic(root, attributes), key=depth, reverse=True)
    return next((el for el in innermost_first if _holds_half(el, body, weights)), body)


def _semantic(root: etree._Element, attributes: bool = True) -> list[etree._Element]:
    """The elements that may hold the main content, in document order (see :func:`_start`)."""
    if attributes:
        return [
            el
            for el in root.iter()
            if el.tag in ("article", "main") or el.get("itemprop") == "articleBody" or el.get("role") == "main"
        ]
    return list(root.iter("article", "main"))


def _headline(root: etree._Element, body: etree._Element) -> etree._Element | None:
    """The page's headline element: its first real ``<h1>`` (not a logo, not in a menu, sidebar
    or footer); on a page without one, the first ``<h2>``/``<h3>`` that says what the page's
    title says (a news page that keeps ``<h1>`` for its masthead or has none at all). Either
    way the page's title stays what it was: the fallback only places the dateline."""
    for h1 in body.iter("h1"):
        if _is_headline(h1):
            return h1
    title = _title(root, None)
    if len(title) < _MIN_TITLE_HEADLINE:
        return None
    for heading in body.iter("h2", "h3"):
        if " ".join("".join(heading.itertext()).split()) == title and _is_headline(heading):
            return heading
    return None


def _is_headline(heading: etree._Element) -> bool:
    if any(a.tag in ("nav", "aside", "footer") for a in heading.iterancestors()):
        return False
    near = (heading, heading.getparent())
    marks = " ".join(f"{e.get('class') or ''} {e.get('id') or ''}" for e in near if e is not None)
    return not _LOGO.search(marks) and bool("".join(heading.itertext()).strip())


def _title(root: etree._Element, headline: etree._Element | None) -> str:
    if headline is not None:
        return " ".join("".join(headline.itertext()).split())
    for meta in root.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() in ("og:title", "twitter:title"):
            text = " ".join((meta.get("content") or "").split())
            if text:
                return text
    title_el = root.find(".//title")
    raw = " ".join("".join(title_el.itertext()).split()) if title_el is not None else ""
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(raw) if p.strip()]
    if len(parts) > 1:
        return parts[0] if len(parts[0]) >= max(len(p) for p in parts) else " - ".join(parts[:-1])
    return raw


_SCRIPTS = (
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ko", re.compile(r"[\uac00-\ud7a3]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
)


def _lang(root: etree._Element, text: str) -> str | None:
    declared: str | None = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not declared:
        for meta in root.iter("meta"):
            if (meta.get("http-equiv") or "").lower() == "content-language":
                declared = meta.get("content")
                break
    if declared and declared.strip():
        return str(declared).strip().split("-")[0].split("_")[0].lower()
    sample = text[:2000]
    counts = {lang: len(rx.findall(sample)) for lang, rx in _SCRIPTS}
    lang, n = max(counts.items(), key=lambda kv: kv[1])
    if lang == "zh" and counts["ja"] > 10:
        lang, n = "ja", counts["ja"]
    if n >= 10:
        return lang
    return "en" if re.search(r"[A-Za-z]{3}", sample) else None


def _selected_blocks(root: etree._Element, select: str) -> list[str]:
    blocks: list[str] = []
    for hit in select_nodes(root, select):
        if isinstance(hit, etree._Element):
            blocks.extend(render_blocks(hit))
        elif isinstance(hit, str) and hit.strip():
            blocks.append(" ".join(hit.split()))
    return blocks


def _drop_link_blocks(node: etree._Element, weights: TextWeights) -> None:
    """Remove lists and paragraphs inside the content that are nothing but links, with their headings."""
    doomed = [
        el
        for el in node.iter("ul", "ol", "p", "div", "dl", "table")
        if el is not node
        and len(el)  # a link is a descendant
        and next(el.iter("a"), None) is not None
        and weights.total(el) > 0
        and weights.plain(el) == 0
    ]
    for el in doomed:
        heading = el.getprevious()
        if (
            heading is not None
            and heading.tag in _HEADINGS
            and not (heading.tail or "").strip()
            and 0 < weights.total(heading) <= _LIST_HEADING_CHARS
        ):
            detach(heading)
        detach(el)


def _fallback_blocks(html: str) -> list[str]:
    import trafilatura  # heavy import, needed only when no container stands out

    text = trafilatura.extract(
        html, include_tables=True, include_comments=False, include_links=False, favor_precision=True
    )
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def extract_text(
    html: str, *, url: str = "", select: str | None = None, ignore_selectors: Sequence[str] = (),
    anchor_salt: str | None = None, known_anchor: str | None = None, reach_known: bool = False,
) -> Extracted:
    """Extract the watched text, title, publication date and language of an HTML page.

    ``url`` is the page's address (accepted for callers' convenience; the text does not depend on it).

    With ``anchor_salt`` (what else shapes the text, such as the caller's ignore rules), the result
    carries an *anchor*: a digest of everything the text is made from (the element the main content
    is looked for in, as it stands once invisible elements are gone, its place in the page, and the
    title). Everything after that point looks only inside that element, so an equal anchor means
    an equal text: when it equals ``known_anchor`` the text is not made again (``text`` is empty,
    ``published`` None, and the caller keeps the text and date it had). A page whose content is
    looked for in the whole ``<body>``, or read through ``select``, gets no anchor.

    A result with an anchor also carries the page's reach (see :mod:`monitor.content.reach`), unless
    the anchor is ``known_anchor`` and ``reach_known`` says the caller holds its reach already.
    """
    page = _page(html, ignore_selectors)
    if page is None:
        return Extracted(title="", text="", published=None, lang=None)
    root, body, headline = page
    if select:
        blocks = _selected_blocks(root, select)
        title = _title(root, headline)
        text = "\n\n".join(blocks)
        return Extracted(title=title, text=text, published=find_published(root, body, headline),
                         lang=_lang(root, text))
    # The date is looked for in the page as parsed; with an anchor to compare, only once the text
    # turns out to be new (in a page parsed again: what follows changes the tree).
    deferred = anchor_salt is not None and known_anchor is not None
    published = None if deferred else find_published(root, body, headline)
    weights = TextWeights(root)
    strip_invisible(body, weights)
    start = _start(root, body, weights, bool(_HAS_ROLES(root)))
    anchor = reach = None
    if anchor_salt is not None and start is not body:
        path = root.getroottree().getpath(start)
        markup = etree.tostring(start, encoding="utf-8", with_tail=False)
        anchor = _anchor(path, markup, _title(root, headline), anchor_salt)
        if not (anchor == known_anchor and reach_known) and prefix_safe(ignore_selectors):
            reach = measure(html, start, headline, path=path, markup=markup,
                            reparse=lambda text: _page(text, ignore_selectors), candidates=_semantic)
    if anchor is not None and anchor == known_anchor:
        return Extracted(title="", text="", published=None, lang=None, anchor=anchor, reach=reach)
    if deferred:
        untouched = _page(html, ignore_selectors)
        assert untouched is not None  # the same text parsed before
        published = find_published(*untouched)
    strip_boilerplate(start, weights)
    node = _descend(start, weights)
    title = _title(root, headline)
    if node is body and weights.plain(body) >= _MIN_CONTAINER and weights.link_density(body) > 0.5:
        blocks = _fallback_blocks(html) or render_blocks(node)
    else:
        _drop_link_blocks(node, weights)
        blocks = render_blocks(node)
    if title and (not blocks or blocks[0] != title):
        blocks.insert(0, title)
    text = "\n\n".join(blocks)
    return Extracted(title=title, text=text, published=published, lang=_lang(root, text), anchor=anchor,
                     reach=reach)


def _page(html: str, ignore_selectors: Sequence[str]) -> tuple[etree._Element, etree._Element, etree._Element | None] \
        | None:
    """The parsed page without what the ignore rules name: its root, its body, its headline."""
    root = parse_html(html)
    if root is None:
        return None
    for expr in ignore_selectors:
        for hit in select_nodes(root, expr):
            if isinstance(hit, etree._Element) and hit.getparent() is not None:
                hit.getparent().remove(hit)  # tail text stays with the removed node: it was inside
    body = root.find("body")
    if body is None:
        body = root
    return root, body, _headline(root, body)


def _anchor(path: str, markup: bytes, title: str, salt: str) -> str:
    """Digest of the inputs of the text made from the start at ``path`` (see :func:`extract_text`)."""
    digest = hashlib.sha256(f"{ANCHOR_REVISION}\0{salt}\0{path}\0{title}\0".encode())
    digest.update(markup)
    return digest.hexdigest()
