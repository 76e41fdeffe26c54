"""Calendar dates in en/zh/ko/ru text, resolved against a publication date."""

from __future__ import annotations

import datetime
import itertools
import re
from dataclasses import dataclass

from .gate import Gated, gated

__all__ = ["DateMention", "find_dates", "reference_date"]

_EN_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ]
    )
    for m in names
}
_RU_MONTHS = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6,
    "июл": 7, "август": 8, "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}
_EN_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}

_RELATIVE_DAYS = {
    "today": 0, "tomorrow": 1, "yesterday": -1, "今天": 0, "今日": 0, "明天": 1, "明日": 1, "昨天": -1,
    "昨日": -1, "오늘": 0, "내일": 1, "어제": -1, "сегодня": 0, "завтра": 1, "вчера": -1,
}
_EN_MONTH_RE = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
_RU_MONTH_RE = (r"(январ[яь]|феврал[яь]|марта?|апрел[яь]|ма[яй]|июн[яь]|июл[яь]|августа?"
                r"|сентябр[яь]|октябр[яь]|ноябр[яь]|декабр[яь])")
_CJK_NUM = r"(\d{1,2})"

_PATTERNS: list[tuple[str, Gated]] = [
    ("iso", gated(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")),
    ("dmy", gated(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")),
    ("zh", gated(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]")),
    ("ko", gated(r"(?:(\d{4})\s*년\s*)?(\d{1,2})\s*월\s*(\d{1,2})\s*일")),
    ("ko_rel", gated(r"(내달|다음\s*달|이달|이번\s*달)\s*(\d{1,2})\s*일")),
    ("zh_rel", gated(r"(下月|本月)\s*(\d{1,2})\s*[日号號]")),
    ("en_dm", gated(
        rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_EN_MONTH_RE})\.?(?:,?\s+(\d{{4}}))?\b", re.I)),
    ("en_md", gated(rf"\b({_EN_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.I)),
    ("ru", gated(rf"(?<!\d)(\d{{1,2}})\s+{_RU_MONTH_RE}(?:\s+(\d{{4}})\s*(?:года|г\.?)?)?", re.I)),
    ("day_only", gated(r"(?<![\d.:/年월月\-])(\d{1,2})\s*(?:일|日|号)(?!\s*[월月])")),
    ("relative", gated(r"\b(today|tomorrow|yesterday)\b|(今天|今日|明天|明日|昨天|昨日)(?!\d)"
                            r"|(오늘|내일|어제)|(?<![а-яё])(сегодня|завтра|вчера)(?![а-яё])", re.I)),
    ("weekday", gated(r"\b(?:starting|from|on|beginning|effective)\s+(?:this\s+|next\s+)?"
                           r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)),
]

# The only patterns that can match a text without digits ("tomorrow", "from Monday").
_IN_WORDS = ("relative", "weekday")
_DIGIT = re.compile(r"\d")

# Markers that make a date the start of a status or schedule ("from", 起, 부터, с).
_FROM_BEFORE = gated(
    r"(?:\bfrom|\bstarting(?:\s+on|\s+from)?|\bbeginning(?:\s+on)?|\beffective(?:\s+from)?|\bas\s+of"
    r"|\bsince|自|从|從|\bс|\bсо|\bначиная\s+с)\s*(?:\w+\s+)?$",
    re.I,
)
_FROM_AFTER = gated(r"^\s*(?:起|开始|開始|부터|이후|以来)")


@dataclass(frozen=True)
class DateMention:
    """A resolved date with its span and whether it is marked as a start ("from …").

    `named` is False for dates named by a weekday or "today", which only locate an event.
    """

    start: int
    end: int
    date: datetime.date
    marked_from: bool
    named: bool = True


def _safe(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _nearest_year(month: int, day: int, ref: datetime.date) -> datetime.date | None:
    options = [d for y in (ref.year - 1, ref.year, ref.year + 1) if (d := _safe(y, month, day))]
    if not options:
        return None
    return min(options, key=lambda d: abs((d - ref).days))


def _ru_month(word: str) -> int:
    low = word.lower()
    for stem, num in sorted(_RU_MONTHS.items(), key=lambda kv: -len(kv[0])):
        if low.startswith(stem):
            return num
    return 0


def _add_month(ref: datetime.date, months: int) -> tuple[int, int]:
    total = ref.year * 12 + ref.month - 1 + months
    return total // 12, total % 12 + 1


def _resolve(kind: str, m: re.Match[str], ref: datetime.date | None,
             context: tuple[int, int] | None) -> datetime.date | None:
    g = m.groups()
    if kind == "iso":
        return _safe(int(g[0]), int(g[1]), int(g[2]))
    if kind == "dmy":
        return _safe(int(g[2]), int(g[1]), int(g[0]))
    if kind in ("zh", "ko", "en_dm", "en_md", "ru"):
        if kind in ("zh", "ko"):
            year, month, day = g[0], int(g[1]), int(g[2])
        elif kind == "en_dm":
            year, month, day = g[2], _EN_MONTHS[g[1].lower()], int(g[0])
        elif kind == "en_md":
            year, month, day = g[2], _EN_MONTHS[g[0].lower()], int(g[1])
        else:
            year, month, day = g[2], _ru_month(g[1]), int(g[0])
        if year:
            return _safe(int(year), month, day)
        if context is not None and context[1] == month:
            return _safe(context[0], month, day)
        return _nearest_year(month, day, ref) if ref else None
    if kind in ("ko_rel", "zh_rel"):
        if ref is None:
            return None
        offset = 1 if g[0] in ("내달", "下月") or g[0].startswith("다음") else 0
        year, month = _add_month(ref, offset)
        return _safe(year, month, int(g[1]))
    if kind == "day_only":
        if context is not None:
            return _safe(context[0], context[1], int(g[0]))
        if ref is None:
            return None
        day = int(g[0])
        return _safe(ref.year, ref.month, day)
    if kind == "weekday" and ref is not None:
        target = _EN_WEEKDAYS[g[0].lower()]
        ahead = (target - ref.weekday()) % 7
        if m.group(0).lower().startswith("on"):
            # "on Friday": the nearest such day, before or after publication
            return ref + datetime.timedelta(days=ahead if ahead <= 3 else ahead - 7)
        return ref + datetime.timedelta(days=ahead or 7)
    return None


_RANGE = gated(r"\s*(?:至|到|-|–|—|~|to|until|till|through|по|до|부터|～)\s*", re.I)


def _marked(text: str, start: int, end: int) -> bool:
    return bool(_FROM_BEFORE.search(text[max(0, start - 24):start]) or _FROM_AFTER.match(text[end:end + 6]))


def find_dates(text: str, published: datetime.date | None = None) -> list[DateMention]:
    """Every full date in text, in order; a bare day borrows the month of the date before it."""
    hits: list[tuple[int, int, str, re.Match[str]]] = []
    taken: list[tuple[int, int]] = []
    digits = _DIGIT.search(text) is not None
    for kind, regex in _PATTERNS:
        if not digits and kind not in _IN_WORDS:
            continue
        for m in regex.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            hits.append((m.start(), m.end(), kind, m))
    hits.sort(key=lambda h: h[0])
    out: list[DateMention] = []
    context: tuple[int, int] | None = None
    for start, end, kind, m in hits:
        if kind == "relative":
            g = [x for x in m.groups() if x]
            if published is not None and g:
                day = published + datetime.timedelta(days=_RELATIVE_DAYS[g[0].lower()])
                out.append(DateMention(start, end, day, _marked(text, start, end), named=False))
            continue
        if kind == "weekday":
            if re.match(r"\s*,?\s*(?:\d|[A-Z][a-z]+\.?\s+\d)", text[end:end + 14]):
                continue  # "Thursday, March 12": the date follows
            # "starting Thursday" marks a start; "on Thursday" is just a day
            weekday = _resolve(kind, m, published, context)
            if weekday:
                marked = not m.group(0).lower().startswith("on")
                out.append(DateMention(start, end, weekday, marked, named=False))
            continue
        date = _resolve(kind, m, published, context)
        if date is None:
            continue
        context = (date.year, date.month)
        out.append(DateMention(start, end, date, _marked(text, start, end)))
    # The first date of a range ("2月25日至3月6日", "from May 1 to May 5") is a start.
    for i, (first, second) in enumerate(itertools.pairwise(out)):
        if first.named and second.named and _RANGE.fullmatch(text[first.end:second.start]):
            out[i] = DateMention(first.start, first.end, first.date, True, first.named)
    return out


def reference_date(text: str, published: datetime.date | None) -> datetime.date | None:
    """The date against which "March 12" or "내달 3일" is read.

    The publication date when it is known; when it is missing, or is far later than
    the first fully dated mention in the text (a fetch date standing in for the
    byline's date), that first dated mention ("28 April 2026", "March 24, 2026").
    """
    # Titles, bylines and datelines: the short lines at the top of the text.
    head = [line for line in text.strip().splitlines()[:8] if 0 < len(line.strip()) <= 160]
    dated = [d.date for line in head for d in find_dates(line, None) if d.named]
    own = dated[0] if dated else None
    if published is None:
        return own
    if own is not None and (published - own).days > 45 and own.year >= published.year - 1:
        return own
    return published
