"""Finding the parts of a page that are never the watched text.

Boilerplate is recognised by tag (``nav``, ``aside``, ``footer``, scripts,
forms), by role, by class/id words (menus, breadcrumbs, share widgets,
related/popular lists, ads, cookie banners, pagination) and by a few visible
labels (an "Advertisement" tag, "上一篇/下一篇" prev/next lines). An element
that holds most of the page's text is never dropped, whatever its class says.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from monitor.content.blocks import folded_length

__all__ = ["TextWeights", "depth", "detach", "following", "is_boilerplate_attr", "strip_boilerplate",
           "strip_invisible"]

DROP_ALWAYS = frozenset((
        "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed",
        "button", "select", "textarea", "input", "option", "head", "title", "meta", "link", "base",
        "map", "area", "audio", "video", "source", "track", "dialog",
    ))
DROP_UNLESS_MAIN = frozenset(["nav", "aside", "footer", "header", "form", "menu"])
DROP_ROLES = frozenset(
    ["navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "dialog", "alert"]
)

_BOILER_WORD = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|navigation|menu|submenu|breadcrumb\w*|crumbs?|sidebar\w*|side|sidenav|"
    r"footer\w*|header|masthead|topbar|top-bar|share|sharing\w*|social\w*|bshare|jiathis|related\w*|recommend\w*|"
    r"popular|hot|hotnews|most-?read|mostviewed|latest|ads?|adv|advert\w*|adsbygoogle|gg|guanggao|"
    r"sponsor\w*|promo\w*|banner|cookies?|consent|gdpr|pager|pagination|pagenav|prevnext|pre-?next|"
    r"copyright|toolbar|widget\w*|login|signup|subscribe|newsletter\w*|comments?|print|fontsize|font-size|"
    r"tags|keywords|qrcode|ewm|skip)(?:$|[-_\s\d])",
    re.IGNORECASE,
)
_WHOLE_WORD = frozenset(
    ["meta", "info", "time", "date", "byline", "tools", "source", "author", "writer", "views"]
)

_AD_LABEL = re.compile(
    r"^(?:advertisement|advertising|sponsored|sponsored content|ad|ads|"
    r"广告|推广|赞助|廣告|광고|реклама)\s*[:：]?$",
    re.IGNORECASE,
)
_PREV_NEXT = re.compile(
    r"^(?:上一篇|下一篇|上一条|下一条|上一頁|下一頁|previous article|next article|이전글|다음글|"
    r"предыдущая новость|следующая новость)\s*[:：]",
    re.IGNORECASE,
)
_LABEL_BOX_CHARS = 300  # an ad label takes its box with it when the box is this small
_COOKIE = re.compile(r"\bcookies?\b|使用cookie|쿠키|файлы cookie", re.IGNORECASE)
_NOTICE = re.compile(  # browser warnings and font-size toggles
    r"browser is not supported|upgrade your browser|outdated browser|enable javascript|"
    r"javascript is disabled|浏览器版本过低|升级浏览器|您的浏览器|字号\s*[:：]|字体\s*[:：]|"
    r"font size|text size|글자\s*크기|글씨\s*크게|"
    r"размер шрифта|ваш браузер устарел",
    re.IGNORECASE,
)
_NOTICE_CHARS = 200
_BLOCKISH = frozenset(("div", "p", "ul", "ol", "section", "header", "dl", "table", "aside", "nav"))
_MAIN_SHARE = 0.5  # never drop an element holding this share of the page's plain text


_TEXT_LEN = etree.XPath("string-length(normalize-space(.))")
_SMALL_TAGS = frozenset(
    ("p", "a", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "span", "strong", "b", "em", "dt", "dd")
)
_LINK_TEXTS = etree.XPath("descendant-or-self::a//text()", smart_strings=False)


class TextWeights:
    """Plain (non-link) and link text length of elements, computed on demand and cached.

    Lengths count characters after whitespace folding. Call :meth:`forget` after
    changing the tree.
    """

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self._total: dict[etree._Element, int] = {}
        self._link: dict[etree._Element, int] = {}

    def total(self, el: etree._Element) -> int:
        found = self._total.get(el)
        if found is None:
            # short elements are cheaper to measure in Python than through XPath
            if el.tag not in _SMALL_TAGS:
                found = int(_TEXT_LEN(el))
            elif len(el):
                found = folded_length("".join(el.itertext()))
            else:
                found = folded_length(el.text or "")
            self._total[el] = found
        return found

    def link(self, el: etree._Element) -> int:
        found = self._link.get(el)
        if found is None:
            if el.tag == "a":
                found = self.total(el)
            elif not len(el):
                found = 0  # no child, so no link
            elif el.tag in _SMALL_TAGS:
                found = sum(self.total(a) for a in el.iter("a"))
            else:
                texts = _LINK_TEXTS(el)
                found = sum(folded_length(t) for t in texts) if isinstance(texts, list) else 0
            self._link[el] = found
        return found

    def plain(self, el: etree._Element) -> int:
        return max(self.total(el) - self.link(el), 0)

    def most(self, el: etree._Element) -> int:
        """An upper bound of :meth:`total` (so of :meth:`plain`): the length of the text before folding."""
        found = self._total.get(el)
        if found is not None:
            return found
        if not len(el):
            return len(el.text or "")
        return len(etree.tostring(el, method="text", encoding=str, with_tail=False))

    def link_density(self, el: etree._Element) -> float:
        total = self.total(el)
        return self.link(el) / total if total else 0.0

    def forget(self) -> None:
        self._total.clear()
        self._link.clear()


def detach(el: etree._Element) -> None:
    """Remove ``el`` from its parent, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


@lru_cache(maxsize=8192)
def _boiler_words(value: str, blockish: bool) -> bool:
    if _BOILER_WORD.search(value):
        return True
    return blockish and any(word.lower() in _WHOLE_WORD for word in value.split())


def is_boilerplate_attr(el: etree._Element) -> bool:
    """True when the element's class, id or role names a boilerplate part.

    "date", "views" and the like count only on a line of its own (a ``div``,
    ``p``, list), never on a table cell or a span inside the text.
    """
    role = el.get("role")
    if role and role.lower() in DROP_ROLES:
        return True
    blockish = el.tag in _BLOCKISH
    return any(attr and _boiler_words(attr, blockish) for attr in (el.get("class"), el.get("id")))


def _hidden(attrs: dict[str, str]) -> bool:
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    if style:
        compact = style.replace(" ", "").lower()
        return "display:none" in compact or "visibility:hidden" in compact
    return False


_LABEL_WORDS = (  # matched against lower-cased text, with _AD_HINT
    "advertis", "sponsor", "广告", "推广", "赞助", "廣告", "광고", "реклам", "上一", "下一", "이전글", "다음글",
    "предыдущ", "следующ", "cookie", "쿠키", "browser", "javascript", "浏览器", "字号", "字体", "font size",
    "text size", "글자", "글씨", "шрифт", "браузер",
)
# Looking each ASCII word up is far cheaper than a regex; the others, none of which begins
# with an ASCII letter, are skipped over quickly by one.
_ASCII_LABEL_WORDS = tuple(word for word in _LABEL_WORDS if word.isascii())
_LABEL_HINT = re.compile("|".join(re.escape(word) for word in _LABEL_WORDS if not word.isascii()))
_AD_HINT = re.compile(r"\s*ads?\b")  # kept apart: an anchored alternative slows the search down
_LABEL_TEXT_CHARS = 600
_LABEL_SCAN_CHARS = 160  # labels and notices say what they are at the start


@lru_cache(maxsize=4096)
def _label_hint(text: str) -> bool:
    """True when ``text`` may be an ad label, a prev/next line or a notice (cells and menus repeat)."""
    start = text[:_LABEL_SCAN_CHARS].lower()
    for word in _ASCII_LABEL_WORDS:
        if word in start:
            return True
    if not start.isascii() and _LABEL_HINT.search(start):
        return True
    return "ad" in start and _AD_HINT.match(start) is not None


def _labelled_box(el: etree._Element, weights: TextWeights) -> etree._Element | None:
    """The small box an ad label, prev/next label or cookie notice stands in, if ``el`` is one."""
    text = (el.text or "").strip()
    if not text:
        return None
    if _COOKIE.search(text) and weights.total(el) < 600 and el.tag not in ("p", "li", "td"):
        return el
    if _NOTICE.search(text) and weights.total(el) < _NOTICE_CHARS:
        return el
    if len(text) > 40:
        return None
    if _PREV_NEXT.match(text):
        return el
    if not _AD_LABEL.match(text):
        return None
    parent = el.getparent()
    if (
        parent is not None
        and parent.tag not in ("body", "html")
        and weights.total(parent) <= _LABEL_BOX_CHARS
    ):
        return parent if len(el) == 0 else el
    return el


def _candidate(el: etree._Element, weights: TextWeights) -> etree._Element | None:
    """The element to drop because of ``el`` (itself or its small box), or None."""
    tag = el.tag
    if tag in DROP_UNLESS_MAIN:
        return el
    attrs = el.items()  # one call, where most elements have no attribute at all
    if attrs and _marked(tag, dict(attrs)):
        return el
    text = el.text
    if text and len(text) < _LABEL_TEXT_CHARS and _label_hint(text):
        return _labelled_box(el, weights)
    return None


def _marked(tag: str, attrs: dict[str, str]) -> bool:
    """True when an element's class, id or role names a boilerplate part, or it is hidden."""
    cls, ident, role = attrs.get("class"), attrs.get("id"), attrs.get("role")
    if cls is not None or ident is not None or role is not None:
        blockish = tag in _BLOCKISH
        if (cls and _boiler_words(cls, blockish)) or (ident and _boiler_words(ident, blockish)):
            return True
        if role and role.lower() in DROP_ROLES:
            return True
    return ("style" in attrs or "hidden" in attrs or bool(attrs.get("aria-hidden"))) and _hidden(attrs)


def strip_invisible(body: etree._Element, weights: TextWeights) -> None:
    """Remove scripts, styles, form controls and other elements that never show text."""
    etree.strip_elements(body, *DROP_ALWAYS, with_tail=False)
    weights.forget()


def depth(el: etree._Element) -> int:
    """How many ancestors ``el`` has."""
    return sum(1 for _ in el.iterancestors())


def following(el: etree._Element, scope: etree._Element | None = None) -> etree._Element | None:
    """The first node after ``el``'s subtree in document order, within ``scope`` (default: the tree)."""
    node: etree._Element | None = el
    while node is not None and node is not scope:
        after = node.getnext()
        if after is not None:
            return after
        node = node.getparent()
    return None


def strip_boilerplate(scope: etree._Element, weights: TextWeights) -> None:
    """Remove boilerplate elements under ``scope`` in place (after :func:`strip_invisible`)."""
    body = scope
    page = max(weights.plain(body), 1)
    doomed: list[etree._Element] = []
    # Inside a doomed element nothing needs judging: whatever is found there goes with it.
    skipping = False
    resume: etree._Element | None = None  # where a skipped subtree ends (None: at the end)
    for el in body.iter():
        if skipping:
            if el is not resume:
                continue
            skipping = False
        if el is body or not isinstance(el.tag, str):
            continue
        target = _candidate(el, weights)
        if target is None or target is body:
            continue
        if weights.plain(target) >= _MAIN_SHARE * page:
            continue
        doomed.append(target)
        if target is el:
            skipping, resume = True, following(el, body)
    for el in doomed:
        detach(el)  # detaching inside an already detached subtree is harmless
    weights.forget()
