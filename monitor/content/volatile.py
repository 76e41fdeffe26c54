"""Patterns for the volatile parts of a page's text, which never count as change.

A clock stamp (a date together with a time of day), a relative time, a visit
or view counter, a hex token or session id, a copyright year range and a
"today is …" date. A date alone (an effective date) and a time alone (a
timetable entry) are not volatile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

__all__ = ["VOLATILE_PATTERNS", "mask_volatile", "volatile_spans"]

_DATE = (
    r"(?:(?:19|20)\d\d[^\S\n]*(?:[-/.]|年|년)[^\S\n]*\d{1,2}[^\S\n]*(?:[-/.]|月|월)[^\S\n]*\d{1,2}[^\S\n]*(?:日|일)?"
    r"|\d{1,2}[./]\d{1,2}[./](?:19|20)\d\d"
    r"|(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?[^\S\n]+)?\d{1,2}[^\S\n]+[a-z]{3,9}\.?,?[^\S\n]+(?:19|20)\d\d"
    r"|(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?[^\S\n]+)?[a-z]{3,9}\.?[^\S\n]+\d{1,2},?[^\S\n]+(?:19|20)\d\d"
    r"|\d{1,2}[^\S\n]+[а-яё]{3,9}[^\S\n]+(?:19|20)\d\d(?:[^\S\n]*г(?:ода|\.)?)?)"
)
_WEEKDAY = (
    r"(?:[^\S\n]*[(（]?(?:星期|周|週)[一二三四五六日天][)）]?"
    r"|[^\S\n]*[(（]?[월화수목금토일](?:요일)?[)）]?)?"
)
_TIME = (
    r"(?:\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"|\d{1,2}時\d{1,2}分|\d{1,2}时\d{1,2}分|\d{1,2}시[^\S\n]*\d{1,2}분)"
)
_AMPM = r"(?:[^\S\n]*(?:[ap]\.?m\.?))?"
_ZONE = r"(?:[^\S\n]*(?:z|utc|gmt|(?-i:[A-Z]{2,5})|[+-]\d{2}:?\d{2})(?![a-z]))?"
_STAMP_SEP = r"(?:[^\S\n]*(?:t|,|[^\S\n]|at|在|于)[^\S\n]*|(?<=日)|(?<=일)[^\S\n]*)"

_CLOCK = (
    rf"{_DATE}{_WEEKDAY}{_STAMP_SEP}[^\S\n]*(?:(?:上午|下午|오전|오후)[^\S\n]*)?{_TIME}{_AMPM}{_ZONE}"
    rf"|{_TIME}{_AMPM}{_ZONE}[^\S\n]*,?[^\S\n]*{_DATE}"
)
_TODAY = (
    rf"(?:今天是|今天|今日|today is|today|сегодня|오늘은?)[^\S\n]*[:：]?[^\S\n]*{_DATE}{_WEEKDAY}"
    r"(?:[^\S\n]*(?:星期|周|週)[一二三四五六日天])?(?:[^\S\n]*(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))?"
)
_RELATIVE = (
    r"\b\d+[^\S\n]*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)[^\S\n]+ago\b"
    r"|\bjust now\b|\ban? (?:minute|hour|day|week|month|year) ago\b"
    r"|\d+[^\S\n]*(?:秒|分钟|分鐘|小时|小時|天|周|週|个月|個月|年)前|刚刚|剛剛"
    r"|\d+[^\S\n]*(?:초|분|시간|일|주|개월|년)[^\S\n]*전(?![가-힣])|방금[^\S\n]*전?"
    r"|\d+[^\S\n]*(?:секунд[уы]?|минут[уы]?|час(?:а|ов)?|дн(?:я|ей)|день|недел[юиь]|месяц(?:а|ев)?|год(?:а)?|лет)[^\S\n]+назад"
    r"|только что"
)
_NUM = r"\d{1,3}(?:[,.\u202f\u00a0 ]\d{3})+|\d+"
_COUNTER = (
    rf"(?:浏览量|浏览次数|浏览|阅读量|阅读数|阅读次数|阅读|点击量|点击数|点击次数|点击率|点击|访问量|访问次数|网站访问量|"
    rf"人气|热度|瀏覽次數|瀏覽|閱讀|點擊|評論|评论|"
    rf"views?|page ?views|hits|visits|reads|visitors?|comments?|likes|shares|"
    rf"조회수|조회 수|조회|읽음|방문자|댓글|추천|"
    rf"просмотров(?: страницы)?|просмотры|просмотрено|прочитано|посещений|визитов|комментари(?:ев|и))"
    rf"[^\S\n]*[:：]?[^\S\n]*[(（]?[^\S\n]*(?:{_NUM})[^\S\n]*(?:次|人|회|раз[а]?)?[)）]?"
    rf"|(?:{_NUM})[^\S\n]*(?:views?|page ?views|reads|hits|visits|visitors|comments|likes|shares|"
    rf"次浏览|次阅读|人阅读|"
    rf"人浏览|명 ?읽음|просмотр(?:ов|а)?|прочтени[йяе])\b"
    rf"|(?:您是本站第|你是本站第|您是第|本站第|第)[^\S\n]*(?:{_NUM})[^\S\n]*(?:位访客|位访问者|位來訪者|名访客|位浏览者)"
    rf"|viewed[^\S\n]+(?:{_NUM})[^\S\n]+times|visitor[^\S\n]*(?:no\.?|number|#)[^\S\n]*(?:{_NUM})"
)
_HEX_TOKEN = (
    r"(?<![0-9A-Za-z])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{8,}(?![0-9A-Za-z])"
    r"|(?<![0-9A-Za-z])(?=[0-9A-F]*[A-F])(?=[0-9A-F]*\d)[0-9A-F]{16,}(?![0-9A-Za-z])"
    r"|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
    r"|(?:sessid|sessionid|session_id|jsessionid|phpsessid|sid|csrf|token)[^\S\n]*[=:][^\S\n]*[\w-]{6,}"
)
_COPYRIGHT = (
    r"(?:©|\(c\)|copyright|版权所有|版權所有|저작권|все права защищены)[^\S\n]*[:：]?[^\S\n]*(?:©[^\S\n]*)?"
    r"(?:(?:19|20)\d\d[^\S\n]*(?:[-–—~～][^\S\n]*(?:19|20)\d\d)?)"
)
_YEAR_RANGE_RIGHTS = (
    r"(?:19|20)\d\d[^\S\n]*[-–—~～][^\S\n]*(?:19|20)\d\d"
    r"(?=[^\S\n]*\S{0,40}?(?:版权所有|版權所有|all rights reserved|все права))"
)


@dataclass(frozen=True)
class _Rule:
    """A volatile pattern, tried only in a window around each occurrence of a lower-case anchor word."""

    name: str
    source: str  # the pattern, matched case-insensitively
    anchors: tuple[str, ...]
    before: int
    after: int
    need: re.Pattern[str] | None = None  # the window must contain this for the pattern to be tried
    need_also: re.Pattern[str] | None = None  # ... and this

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The compiled pattern: compiled on first use, as the large ones take milliseconds each."""
        return re.compile(self.source, re.IGNORECASE)


_YEAR = re.compile(r"(?:19|20)\d\d")
# Every clock holds a time of day, and every time of day holds one of these.
_TIME_CORE = re.compile(r"\d:\d|\d[時时]\d|\d시")
_DIGIT_OR_WORD = re.compile(r"\d|just|an? |刚|剛|только|방금", re.I)
_TOKEN_RULE = _Rule("token", _HEX_TOKEN, ("sessi", "sid", "csrf", "token"), 20, 80)
_RULES = (
    _Rule("today", _TODAY, ("今天", "今日", "today", "сегодня", "오늘"), 0, 70),
    _Rule("clock", _CLOCK, (":", "時", "时", "시"), 50, 45, _YEAR, _TIME_CORE),
    _Rule(
        "relative",
        _RELATIVE,
        ("ago", "前", "전", "назад", "just now", "刚刚", "剛剛", "только что", "방금"),
        30,
        20,
        _DIGIT_OR_WORD,
    ),
    _Rule(
        "counter",
        _COUNTER,
        (
            "浏览", "阅读", "点击", "访问", "访客", "人气", "热度", "瀏覽", "閱讀", "點擊", "評論", "评论",
            "來訪", "view", "hits", "visit", "read", "comment", "like", "share", "조회", "읽음", "방문자",
            "댓글", "추천", "просмотр", "прочит", "посещ", "визит", "коммент",
        ),
        25,
        40,
        re.compile(r"\d"),
    ),
    _TOKEN_RULE,
    _Rule("copyright", _COPYRIGHT, ("©", "(c)", "copyright", "版权", "版權", "저작권", "все права"), 5, 40),
    _Rule(
        "copyright", _YEAR_RANGE_RIGHTS, ("版权所有", "版權所有", "all rights reserved", "все права"), 60, 0
    ),
)


VOLATILE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...]  # made by __getattr__, when first asked for


def __getattr__(name: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """``VOLATILE_PATTERNS``: (kind, regex) of every rule, compiled only when asked for."""
    if name == "VOLATILE_PATTERNS":
        return tuple((rule.name, rule.pattern) for rule in _RULES)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# An ASCII text holds none of the other anchor words.
_ASCII_ANCHORS = {rule.anchors: tuple(word for word in rule.anchors if word.isascii()) for rule in _RULES}


def _occurrences(low: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of the anchor words, in order (plain substring search is fast)."""
    found: list[tuple[int, int]] = []
    for word in words:
        pos = low.find(word)
        while pos != -1:
            found.append((pos, pos + len(word)))
            pos = low.find(word, pos + 1)
    found.sort()
    return found


_HAS_DIGIT = re.compile(r"\d")
_WORD_REST = re.compile(r"\S*")
_ANY_WORD = re.compile(r"\S+")
# Every hex token holds 8 hex digits in a row (found in the UTF-8 bytes, each marked "x")
# or one of the token rule's anchor words, which under IGNORECASE also match these letters.
_HEX_MARKS = bytes(0x78 if chr(b) in "0123456789abcdefABCDEF" else 0x2E for b in range(256))
_HEX_RUN = b"x" * 8
_FOLDS = ("ſ", "ı", "İ")


def _hex_runs(text: str) -> list[int]:
    """Offsets in ``text`` of the runs of 8 or more hex digits."""
    data = text.encode("utf-8", "surrogatepass")
    marks = data.translate(_HEX_MARKS)
    one_byte = text.isascii()
    found: list[int] = []
    byte = char = 0  # the last byte offset mapped to its character offset
    at = marks.find(_HEX_RUN)
    while at != -1:  # a run is ASCII, so ``at`` is a character boundary
        char += at - byte if one_byte else len(data[byte:at].decode("utf-8", "surrogatepass"))
        byte = at
        found.append(char)
        at = marks.find(b".", at)
        at = marks.find(_HEX_RUN, at) if at != -1 else -1
    return found


def _token_candidates(text: str, keywords: list[int]) -> list[int]:
    """Offsets, in order, in every word of ``text`` that could hold a hex token (and a few more).

    ``keywords`` are the offsets of the token rule's anchor words in the lower-cased text.
    """
    if any(fold in text for fold in _FOLDS):
        return [match.start() for match in _ANY_WORD.finditer(text)]
    return sorted(_hex_runs(text) + keywords)


def _hex_words(text: str, low: str, keywords: list[int]) -> list[tuple[int, int, str]]:
    """Spans of hex tokens, looked for only in the words that could hold one."""
    spans: list[tuple[int, int, str]] = []
    done = 0  # the end of the last word read
    for pos in _token_candidates(text, keywords):
        if pos < done:
            continue
        start = pos
        while start > done and not text[start - 1].isspace():
            start -= 1
        rest = _WORD_REST.match(text, pos)
        end = done = rest.end() if rest else pos
        word = low[start:end]
        if len(word) < 8 or word.isalpha() or not _HAS_DIGIT.search(word):  # letters only: no digit
            continue
        for match in _TOKEN_RULE.pattern.finditer(text, start, end):
            spans.append((match.start(), match.end(), "token"))
    return spans


def volatile_spans(text: str) -> list[tuple[int, int, str]]:
    """Merged (start, end, kind) spans of the volatile parts of ``text``, in order."""
    spans: list[tuple[int, int, str]] = []
    low = text.lower()
    if len(low) != len(text):  # a few characters change length when lower-cased
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    ascii_only = low.isascii()
    keywords: list[int] = []
    for rule in _RULES:
        last_end = -1
        occurrences = _occurrences(low, _ASCII_ANCHORS[rule.anchors] if ascii_only else rule.anchors)
        if rule is _TOKEN_RULE:
            keywords = [pos for pos, _ in occurrences]
        for pos, anchor_end in occurrences:
            if pos < last_end:
                continue
            lo = max(0, pos - rule.before)
            window = text[lo : anchor_end + rule.after]
            if rule.need is not None and not rule.need.search(window):
                continue
            if rule.need_also is not None and not rule.need_also.search(window):
                continue
            for match in rule.pattern.finditer(window):
                start, end = lo + match.start(), lo + match.end()
                if start <= anchor_end and end >= pos and end > start:
                    spans.append((start, end, rule.name))
                    last_end = max(last_end, end)
    spans.extend(_hex_words(text, low, keywords))
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, name in spans:
        if merged and start < merged[-1][1]:
            prev = merged[-1]
            merged[-1] = (prev[0], max(prev[1], end), prev[2])
        else:
            merged.append((start, end, name))
    return merged


def mask_volatile(text: str) -> str:
    """Replace every volatile span of ``text`` with a placeholder naming its kind (``⟨clock⟩``)."""
    out: list[str] = []
    pos = 0
    for start, end, name in volatile_spans(text):
        out.append(text[pos:start])
        out.append(f"⟨{name}⟩")
        pos = end
    out.append(text[pos:])
    return "".join(out)
