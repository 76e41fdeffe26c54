"""Operating days: "Mondays and Fridays", 每周一、三、四、六, 매주 금요일, по средам и субботам."""

from __future__ import annotations

import re

from .gate import gated
from .model import DAYS

__all__ = ["ALL_DAYS", "parse_days"]

ALL_DAYS: tuple[str, ...] = DAYS

_DAILY = gated(
    r"\bdaily\b|\bevery\s*day\b|\beach\s+day\b|\bonce\s+a\s+day\b|\btwice\s+a\s+day\b|\bseven\s+days\s+a\s+week\b"
    r"|\b(?:once|twice|\w+\s+times)\s+daily\b|\bround\s+the\s+week\b"
    r"|每日|每天|天天|逐日|매일|날마다|ежедневно|каждый\s+день|ежедневн",
    re.I,
)

_EN_DAY = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}
_EN_DAY_RE = gated(
    r"\b(mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?"
    r"|sun(?:day)?)(s?)\b\.?",
    re.I,
)
_EN_RECURRING = gated(r"\b(?:every|each|weekly|a\s+week|per\s+week)\W*$", re.I)
_EN_WEEKDAYS = gated(r"\b(?:on\s+)?weekdays\b|\bevery\s+weekday\b", re.I)
_EN_LIST_GAP = gated(r"\s*(?:,|/|&|and|or|,\s*and|,\s*or)\s*", re.I)
_EN_DAY_RANGE = gated(
    r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\s*(?:-|–|—|to|through|thru)\s*(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b",
    re.I,
)

_ZH_NUM = {"一": 0, "1": 0, "二": 1, "2": 1, "三": 2, "3": 2, "四": 3, "4": 3, "五": 4, "5": 4,
           "六": 5, "6": 5, "日": 6, "天": 6, "七": 6, "7": 6}
_ZH_LIST = gated(
    r"(?:每周|每週|逢|周|週|星期|礼拜|禮拜)([一二三四五六日天](?:[、,，/和及与與至到]*[一二三四五六日天])*)"
)
_ZH_RANGE = gated(
    r"(?:周|週|星期)([一二三四五六日天])\s*[至到\-—~]\s*(?:周|週|星期)?([一二三四五六日天])"
)

_KO_DAY = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}
_KO_LIST = gated(r"([월화수목금토일](?:\s*[·,、/]\s*[월화수목금토일])*)\s*요일")
_KO_RECURRING_AFTER = gated(r"\s*(?:마다|에서|로|으로|\s*출발로|\s*운행으로)")
_KO_PAREN_LIST = gated(r"[(（]\s*([월화수목금토일](?:\s*[·,、/]\s*[월화수목금토일])+)\s*[)）]")
_KO_SINGLE_IN_PARENS = gated(r"\(\s*[월화수목금토일]\s*\)")

_RU_DAY = {"понедельник": 0, "вторник": 1, "сред": 2, "четверг": 3, "пятниц": 4, "суббот": 5, "воскресень": 6,
           "пн": 0, "вт": 1, "ср": 2, "чт": 3, "пт": 4, "сб": 5, "вс": 6}
# Abbreviated days count only in a list: "пн, ср, пт" (a lone "ср" is a word).
_RU_ABBR = r"(пн|вт|ср|чт|пт|сб|вс)\.?"
_RU_ABBR_LIST = gated(rf"(?<![а-яё]){_RU_ABBR}(?:\s*[,/;и]\s*{_RU_ABBR}(?![а-яё]))+", re.I)
_RU_ABBR_RANGE = gated(rf"(?<![а-яё]){_RU_ABBR}\s*[-–—]\s*{_RU_ABBR}(?![а-яё])", re.I)
_RU_DAY_RE = gated(r"(понедельник|вторник|сред|четверг|пятниц|суббот|воскресень)[а-яё]*", re.I)
_RU_RANGE = gated(r"с\s+(понедельник|вторник|сред|четверг|пятниц|суббот|воскресень)[а-яё]*\s+по\s+"
                       r"(понедельник|вторник|сред|четверг|пятниц|суббот|воскресень)[а-яё]*", re.I)

_RU_RECURRING = gated(r"(?<![а-яё])(?:по\s+(?:понедельник|вторник|сред|четверг|пятниц|суббот|воскресень)"
                           r"|кажд|еженедельно)", re.I)

# "from Fridays to Saturdays", 由周五调整为周六, 금요일에서 토요일로, с пятницы на субботу
_CHANGE = gated(
    r"(?:\bfrom\b(?P<en>.{1,40}?)\bto\b)"
    r"|(?:(?:由|从|從)(?P<zh>[^，。；]{1,20}?)(?:调整|調整|改|变更|變更)[为為到至])"
    r"|(?:(?P<ko>[월화수목금토일·,\s]+요일)에서)"
    r"|(?:\bс\s+(?P<ru>[а-яё\s,и]{3,40}?)\s+на\b)",
    re.I,
)
# "(previously Wednesdays and Saturdays)", （原每周二、四开行）, (ранее — по средам)
_FORMERLY = gated(
    r"[(（][^()（）]*(?:previously|formerly|earlier|instead\s+of|原|此前|以前|ранее|прежде|이전|기존)[^()（）]*[)）]"
    r"|(?:instead\s+of|rather\s+than|вместо)\s+[^,;.]+",
    re.I,
)


def _day(table: dict[str, int], word: str) -> int | None:
    """A day's index; case-insensitive matching also admits look-alikes ("wedneſday")."""
    key = word.casefold()
    if key in table:
        return table[key]
    return next((i for name, i in table.items() if key.startswith(name)), None)


def _days(table: dict[str, int], words: list[str]) -> set[int]:
    return {i for i in (_day(table, w) for w in words) if i is not None}


def _span(table: dict[str, int], a: str, b: str) -> set[int]:
    first, last = _day(table, a), _day(table, b)
    return set() if first is None or last is None else _range(first, last)


def _range(a: int, b: int) -> set[int]:
    return {i % 7 for i in range(a, a + ((b - a) % 7) + 1)}


def _en(text: str, strict: bool = True) -> set[int]:
    found: set[int] = set()
    if _EN_WEEKDAYS.search(text):
        found |= {0, 1, 2, 3, 4}
    for m in _EN_DAY_RANGE.finditer(text):
        found |= _span(_EN_DAY, m.group(1), m.group(2))
    text = _EN_DAY_RANGE.sub(" ", text)
    clusters: list[list[re.Match[str]]] = []
    for m in _EN_DAY_RE.finditer(text):
        if clusters and _EN_LIST_GAP.fullmatch(text[clusters[-1][-1].end():m.start()]):
            clusters[-1].append(m)
        else:
            clusters.append([m])
    for cluster in clusters:
        words = [m.group(1) for m in cluster]
        plural = any(m.group(2) for m in cluster)
        abbreviated = any(len(w) <= 4 for w in words)
        before = text[max(0, cluster[0].start() - 30):cluster[0].start()]
        # A single bare weekday ("said on Friday") is an event, not a schedule.
        if not strict or len(cluster) >= 2 or plural or abbreviated or _EN_RECURRING.search(before):
            found |= _days(_EN_DAY, words)
    return found


def _zh(text: str, strict: bool = True) -> set[int]:
    found: set[int] = set()
    for m in _ZH_RANGE.finditer(text):
        found |= _range(_ZH_NUM[m.group(1)], _ZH_NUM[m.group(2)])
    text = _ZH_RANGE.sub(" ", text)
    listed: set[int] = set()
    recurring = False
    for m in _ZH_LIST.finditer(text):
        listed |= {_ZH_NUM[c] for c in m.group(1) if c in _ZH_NUM}
        recurring = recurring or m.group(0).startswith(("每", "逢")) or text[
            max(0, m.start() - 2):m.start()].endswith(("每", "逢"))
    if not strict or recurring or len(listed) >= 2:
        found |= listed
    return found


def _ko(text: str, strict: bool = True) -> set[int]:
    text = _KO_SINGLE_IN_PARENS.sub(" ", text)
    found: set[int] = set()
    for m in _KO_PAREN_LIST.finditer(text):
        found |= {_KO_DAY[c] for c in m.group(1) if c in _KO_DAY}
    for m in _KO_LIST.finditer(text):
        days = {_KO_DAY[c] for c in m.group(1) if c in _KO_DAY}
        before = text[max(0, m.start() - 4):m.start()]
        # 매주 금요일, 금요일마다, and a change "금요일에서 토요일로 (변경)"
        recurring = "매" in before or bool(_KO_RECURRING_AFTER.match(text, m.end()))
        if not strict or recurring or len(days) >= 2:
            found |= days
    return found


def _ru(text: str, strict: bool = True) -> set[int]:
    found: set[int] = set()
    for m in _RU_RANGE.finditer(text):
        found |= _span(_RU_DAY, m.group(1), m.group(2))
    text = _RU_RANGE.sub(" ", text)
    for m in _RU_ABBR_RANGE.finditer(text):
        found |= _span(_RU_DAY, m.group(1), m.group(2))
    text = _RU_ABBR_RANGE.sub(" ", text)
    for m in _RU_ABBR_LIST.finditer(text):
        found |= _days(_RU_DAY, re.findall(r"пн|вт|ср|чт|пт|сб|вс", m.group(0), re.I))
    hits = list(_RU_DAY_RE.finditer(text))
    recurring = bool(_RU_RECURRING.search(text))
    if not strict or recurring or len(hits) >= 2:
        found |= _days(_RU_DAY, [m.group(1) for m in hits])
    return found


def _days_in(text: str, strict: bool = True) -> set[int]:
    if text.isascii():  # every Chinese, Korean and Russian pattern needs a letter of its script
        return _en(text, strict)
    return _en(text, strict) | _zh(text, strict) | _ko(text, strict) | _ru(text, strict)


def parse_days(text: str) -> tuple[str, ...] | None:
    """The operating days a clause states, in DAYS order; None when it states none.

    A change ("from Fridays to Saturdays") yields the new days only; days given as
    "previously …" are ignored.
    """
    text = _FORMERLY.sub(" ", text)
    if _DAILY.search(text):
        return ALL_DAYS
    for m in _CHANGE.finditer(text):
        old = next(g for g in m.groups() if g is not None)
        old_days = _days_in(old + (" 요일" if m.group("ko") else ""), strict=False)
        if old_days:
            new_days = _days_in(text[m.end():], strict=False)
            if new_days:
                return tuple(DAYS[i] for i in sorted(new_days))
    found = _days_in(text)
    if not found:
        return None
    return tuple(DAYS[i] for i in sorted(found))
