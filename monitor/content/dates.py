"""A document's own publication date, best effort.

Looked for in order: ``<meta>`` publication properties, a labelled date in
the visible text ("发布日期：2026-04-18", "입력 2026.06.12", "Published 18 April
2026", "Опубликовано 18.04.2026"), ``<time>`` elements, then elements whose
class or id says "date"/"time"/"meta". "Today is …" clocks are skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from lxml import etree

__all__ = ["find_date", "find_published", "parse_date"]

_EN_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_RU_MONTHS = {
    stem: i + 1
    for i, stem in enumerate(
        ("январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр", "ноябр",
         "декабр")
    )
}
_EN_MONTH_RE = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
_RU_MONTH_RE = (
    r"(?:январ[яь]|феврал[яь]|марта?|апрел[яь]|ма[яй]|июн[яь]|июл[яь]|августа?|"
    r"сентябр[яь]|октябр[яь]|ноябр[яь]|декабр[яь])"
)

_DATE = re.compile(
    # a DPRK date gives the common-era year in brackets after the Juche year: 주체115(2026)년 5월 27일
    r"(?P<y1>(?:19|20)\d\d)(?:\)(?=\s*[年년]))?\s*(?:[-/.]|年|년)\s*(?P<m1>\d{1,2})\s*(?:[-/.]|月|월)\s*(?P<d1>\d{1,2})(?!\d)"
    r"|(?<!\d)(?P<d2>\d{1,2})\.(?P<m2>\d{1,2})\.(?P<y2>(?:19|20)\d\d)"
    rf"|(?<![\w])(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon3>{_EN_MONTH_RE})\.?,?\s+(?P<y3>(?:19|20)\d\d)"
    rf"|(?<![\w])(?P<mon4>{_EN_MONTH_RE})\.?\s+(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y4>(?:19|20)\d\d)"
    rf"|(?<!\d)(?P<d5>\d{{1,2}})\s+(?P<mon5>{_RU_MONTH_RE})\s+(?P<y5>(?:19|20)\d\d)",
    re.IGNORECASE,
)
_LABEL = re.compile(  # matched against lower-cased text
    r"(?:发布日期|发布时间|发布于|发文日期|成文日期|發佈日期|發布日期|发表时间|时间|日期|"
    r"(?<![a-z])(?:published(?: on)?|posted(?: on)?|release date|date)|"
    r"입력|등록|게시일|작성일|기사입력|"
    r"опубликовано|дата публикации|дата)\s*[:：]?\s*"
)
_TODAY = re.compile(r"今天|今日|today|сегодня|오늘", re.IGNORECASE)
_META_NAMES = frozenset(
    s.lower()
    for s in (
        "article:published_time",
        "og:published_time",
        "datePublished",
        "pubdate",
        "publishdate",
        "publish-date",
        "publish_date",
        "PubDate",
        "dc.date",
        "dc.date.issued",
        "dcterms.created",
        "dcterms.issued",
        "date",
        "firstpublishedtime",
        "sailthru.date",
        "parsely-pub-date",
        "article.published",
    )
)
_DATE_CLASS = re.compile(r"date|time|meta|info|byline|pub", re.IGNORECASE)
_NOT_DATE_CLASS = re.compile(r"today|now|clock|dateline|weather|update", re.IGNORECASE)
_NOT_DATELINE_TAGS = frozenset(("nav", "aside", "footer", "script", "style", "form"))
_BEFORE, _AFTER = 2, 5  # siblings of the headline read for a dateline
_SCAN_CHARS = 6000  # labelled dates are looked for in this much short text
_PIECE_CHARS = 120  # text pieces longer than this are prose, not a dateline


def _month(name: str) -> int | None:
    name = name.lower().rstrip(".")
    if name in _EN_MONTHS:
        return _EN_MONTHS[name]
    for stem, num in sorted(_RU_MONTHS.items(), key=lambda kv: -len(kv[0])):
        if name.startswith(stem):
            return num
    return None


def _build(y: str, m: int | str | None, d: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d)) if m is not None else None
    except ValueError:
        return None


def parse_date(match: re.Match[str]) -> dt.date | None:
    """The date a match of the module's date pattern denotes, or None if invalid."""
    g = match.groupdict()
    if g["y1"]:
        return _build(g["y1"], g["m1"], g["d1"])
    if g["y2"]:
        return _build(g["y2"], g["m2"], g["d2"])
    if g["y3"]:
        return _build(g["y3"], _month(g["mon3"]), g["d3"])
    if g["y4"]:
        return _build(g["y4"], _month(g["mon4"]), g["d4"])
    if g["y5"]:
        return _build(g["y5"], _month(g["mon5"]), g["d5"])
    return None


def find_date(text: str) -> dt.date | None:
    """The first valid date written in ``text``."""
    for match in _DATE.finditer(text):
        found = parse_date(match)
        if found is not None:
            return found
    return None


def _labelled(text: str) -> dt.date | None:
    low = text.lower()
    if len(low) != len(text):
        return None
    for label in _LABEL.finditer(low):
        start = label.end()
        if _TODAY.search(text[max(0, label.start() - 6) : label.start()]):
            continue
        match = _DATE.match(text, start)
        if match is not None and (found := parse_date(match)) is not None:
            return found
    return None


def _meta_date(root: etree._Element) -> dt.date | None:
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _META_NAMES and (found := find_date(meta.get("content") or "")):
            return found
    return None


def _classed(elements: Iterable[etree._Element]) -> dt.date | None:
    for el in elements:
        attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not _DATE_CLASS.search(attrs) or _NOT_DATE_CLASS.search(attrs):
            continue
        text = "".join(el.itertext())[:300]
        if _TODAY.search(text):
            continue
        if found := find_date(text):
            return found
    return None


def _in_region(region: etree._Element) -> dt.date | None:
    pieces: list[str] = []
    size = 0
    for piece in region.itertext():
        if len(piece) <= _PIECE_CHARS and piece.strip():
            pieces.append(piece.strip())
            size += len(piece)
            if size > _SCAN_CHARS:
                break
    if found := _labelled(" ".join(pieces)):
        return found
    for time_el in region.iter("time"):
        if found := find_date(time_el.get("datetime") or "") or find_date("".join(time_el.itertext())):
            return found
    return _classed(el for el in region.iter() if el.get("class") or el.get("id"))


def _around(el: etree._Element) -> dt.date | None:
    """A date in the few elements right before and after ``el`` (a dateline sits by its headline)."""
    near: list[etree._Element] = []
    prev = el.getprevious()
    for _ in range(_BEFORE):
        if prev is None:
            break
        near.append(prev)
        prev = prev.getprevious()
    nxt = el.getnext()
    for _ in range(_AFTER):
        if nxt is None:
            break
        near.append(nxt)
        nxt = nxt.getnext()
    for sibling in near:
        if sibling.tag in _NOT_DATELINE_TAGS or not isinstance(sibling.tag, str):
            continue
        if found := _in_region(sibling):
            return found
    return None


def find_published(
    root: etree._Element, body: etree._Element | None, headline: etree._Element | None = None
) -> dt.date | None:
    """The publication date of the document rooted at ``root``, if one is visible.

    With the page's ``headline`` element only its neighbourhood is read (the
    elements just before and after it, and after its container); otherwise the whole body is.
    """
    if found := _meta_date(root):
        return found
    if body is None:
        return None
    if headline is None:
        return _in_region(body)
    anchor: etree._Element | None = headline
    for _ in range(2):
        if anchor is None or anchor is body:
            break
        if found := _around(anchor):
            return found
        anchor = anchor.getparent()
    return None
