"""Finding the parts of a page that are never the watched text.

Boilerplate is recognised by tag (``nav``, ``aside``, ``footer``, scripts,
forms), by role, by class/id words (menus, breadcrumbs, share widgets,
related/popular lists, ads, cookie banners, pagination) and by a few visible
labels (an "Advertisement" tag, "上一篇/下一篇" prev/next lines). An element
that holds most of the page's text is never dropped, whatever its class says.
"""

from __future__ import annotations

import re

from lxml import etree

__all__ = ["TextWeights", "is_boilerplate_attr", "strip_boilerplate", "text_weights"]

DROP_ALWAYS = frozenset(
    "script style noscript template svg canvas iframe object embed button select textarea input option "
    "head title meta link base map area audio video source track dialog".split()
)
DROP_UNLESS_MAIN = frozenset("nav aside footer header form menu".split())
DROP_ROLES = frozenset("navigation banner contentinfo complementary search menu menubar dialog alert".split())

_BOILER_WORD = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|navigation|menu|submenu|breadcrumbs?|crumbs?|sidebar|side|sidenav|"
    r"footer|header|masthead|topbar|top-bar|share|sharing|social|bshare|jiathis|related|recommend\w*|"
    r"popular|hot|hotnews|most-?read|mostviewed|latest|ads?|adv|advert\w*|adsbygoogle|gg|guanggao|"
    r"sponsor\w*|promo\w*|banner|cookies?|consent|gdpr|pager|pagination|pagenav|prevnext|pre-?next|"
    r"copyright|toolbar|widget|login|signup|subscribe|newsletter|comments?|print|fontsize|font-size|"
    r"tags|keywords|qrcode|ewm|skip)(?:$|[-_\s\d])",
    re.IGNORECASE,
)
_WHOLE_WORD = frozenset("meta info time date byline tools source author writer views".split())

_AD_LABEL = re.compile(
    r"^(?:advertisement|advertising|sponsored|sponsored content|ad|ads|广告|推广|赞助|廣告|광고|реклама)\s*[:：]?$",
    re.IGNORECASE,
)
_PREV_NEXT = re.compile(
    r"^(?:上一篇|下一篇|上一条|下一条|上一頁|下一頁|previous article|next article|이전글|다음글|"
    r"предыдущая новость|следующая новость)\s*[:：]",
    re.IGNORECASE,
)
_LABEL_BOX_CHARS = 300  # an ad label takes its box with it when the box is this small
_COOKIE = re.compile(r"\bcookies?\b|使用cookie|쿠키|файлы cookie", re.IGNORECASE)
_MAIN_SHARE = 0.5  # never drop an element holding this share of the page's plain text


class TextWeights:
    """Plain (non-link) text length of every element's subtree, kept up to date on removal."""

    def __init__(self, root: etree._Element) -> None:
        self.plain: dict[etree._Element, int] = {}
        self.link: dict[etree._Element, int] = {}
        for el in reversed(list(root.iter())):
            if not isinstance(el.tag, str):
                continue
            own = len(el.text.strip()) if el.text else 0
            total = own
            link = 0
            for child in el:
                if child.tail:
                    total += len(child.tail.strip())
                if isinstance(child.tag, str):
                    total += self.plain.get(child, 0) + self.link.get(child, 0)
                    link += self.link.get(child, 0)
            if el.tag == "a":
                link, total = total, total
            self.link[el] = link
            self.plain[el] = total - link

    def total(self, el: etree._Element) -> int:
        return self.plain.get(el, 0) + self.link.get(el, 0)

    def link_density(self, el: etree._Element) -> float:
        total = self.total(el)
        return self.link.get(el, 0) / total if total else 0.0

    def remove(self, el: etree._Element) -> None:
        """Detach ``el`` (keeping its tail text) and subtract its weight from its ancestors."""
        plain, link = self.plain.get(el, 0), self.link.get(el, 0)
        parent = el.getparent()
        if parent is None:
            return
        tail = el.tail
        anc: etree._Element | None = parent
        while anc is not None:
            self.plain[anc] = self.plain.get(anc, 0) - plain
            self.link[anc] = self.link.get(anc, 0) - link
            anc = anc.getparent()
        if tail:
            prev = el.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
        parent.remove(el)


def text_weights(root: etree._Element) -> TextWeights:
    """Compute :class:`TextWeights` for ``root``."""
    return TextWeights(root)


def is_boilerplate_attr(el: etree._Element) -> bool:
    """True when the element's class, id or role names a boilerplate part."""
    role = el.get("role")
    if role and role.lower() in DROP_ROLES:
        return True
    for attr in (el.get("class"), el.get("id")):
        if not attr:
            continue
        if _BOILER_WORD.search(attr):
            return True
        if any(word.lower() in _WHOLE_WORD for word in attr.split()):
            return True
    return False


def _hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    if style:
        compact = style.replace(" ", "").lower()
        return "display:none" in compact or "visibility:hidden" in compact
    return False


def _labelled_box(el: etree._Element, weights: TextWeights) -> etree._Element | None:
    """The small box an ad label or prev/next label stands in, if ``el`` is such a label."""
    text = (el.text or "").strip()
    if not text or len(text) > 40:
        return None
    if _PREV_NEXT.match(text):
        return el
    if not _AD_LABEL.match(text):
        return None
    parent = el.getparent()
    if parent is not None and parent.tag not in ("body", "html") and weights.total(parent) <= _LABEL_BOX_CHARS:
        return parent if len(el) == 0 else el
    return el


def strip_boilerplate(root: etree._Element, body: etree._Element, weights: TextWeights) -> None:
    """Remove boilerplate elements under ``body`` in place."""
    page_plain = max(weights.plain.get(body, 0), 1)
    doomed: list[etree._Element] = []
    for el in body.iter():
        tag = el.tag
        if not isinstance(tag, str):
            doomed.append(el)
            continue
        if tag in DROP_ALWAYS or _hidden(el):
            doomed.append(el)
            continue
        is_main = weights.plain.get(el, 0) >= _MAIN_SHARE * page_plain
        if is_main:
            continue
        if tag in DROP_UNLESS_MAIN or is_boilerplate_attr(el):
            doomed.append(el)
            continue
        box = _labelled_box(el, weights)
        if box is not None:
            doomed.append(box)
            continue
        if _COOKIE.search(el.text or "") and weights.total(el) < 600 and tag not in ("p", "li", "td"):
            doomed.append(el)
    gone: set[etree._Element] = set()
    for el in doomed:
        if el in gone or el is body or el is root:
            continue
        anc = el.getparent()
        while anc is not None and anc not in gone:
            anc = anc.getparent()
        if anc is not None:
            continue
        gone.add(el)
        weights.remove(el)
