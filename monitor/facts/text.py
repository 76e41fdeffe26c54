"""Text plumbing for the extractor: boilerplate lines, sentences, clauses."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Unit", "clauses", "clean_units", "mask", "sentences", "strip_formerly"]

# Navigation lines: previous/next links.
_NAV = re.compile(
    r"^\s*(?:上一篇|下一篇|上一条|下一条|上一條|下一條|前一篇|后一篇|previous(?:\s+(?:article|post|story))?|next"
    r"(?:\s+(?:article|post|story))?|이전\s*글|다음\s*글|이전기사|다음기사|предыдущ\w*|следующ\w*)\s*[:：>»]",
    re.I,
)
# Editorial notes about the page itself, not the service.
_EDITORIAL = re.compile(
    r"^\s*(?:updated?\b|last\s+updated|correction\b|editor'?s\s+note|更新(?:日期|时间|時間)?[:：]|发布时间|發布時間"
    r"|※|수정\s*[:：]?\s*\d|바로잡습니다|информация\s+обновлена|обновлено\s*[:：]?|исправлен)",
    re.I,
)
# Headings of link lists (related, latest, most read) whose items are other documents' titles.
_LINK_LIST = re.compile(
    r"^\s*(?:related(?:\s+(?:stories|news|articles|links|reading))?|latest(?:\s+news)?|more\s+from\b.*|more\s+news"
    r"|most\s+(?:read|popular|viewed)|read\s+more|see\s+also|you\s+may\s+also\s+like|top\s+stories"
    r"|相关(?:阅读|新闻|信息|链接|文章)|相關(?:閱讀|新聞|信息|鏈接|文章)|热点(?:新闻|信息)|最新(?:新闻|消息|动态)|推荐阅读"
    r"|관련\s*기사|많이\s*본\s*뉴스|실시간\s*뉴스|인기\s*기사|최신\s*기사|주요\s*뉴스"
    r"|последние\s+новости|другие\s+новости|читайте\s+также|похожие\s+новости|новости\s+по\s+теме|смотрите\s+также)"
    r"\s*[:：]?\s*$",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?。！？…»\"”']\s*$")
_FORMERLY = re.compile(
    r"[(（][^()（）]*(?:previously|formerly|earlier|instead\s+of|原为|原為|原定|此前|以前|ранее|прежде|이전|기존)"
    r"[^()（）]*[)）]",
    re.I,
)
_ABBREV = re.compile(
    r"(?:\b(?:No|Nos|Mr|Mrs|Ms|Dr|St|Jr|Sr|vs|etc|Co|Ltd|Inc|approx|ca|dep|arr|[ap]\.m|[A-Z])|\bг|\bул|\bим)\.$"
)
_ABBREV_LONGEST = len("approx.")
# Where a sentence ends: after 。！？!? (and the white space that follows), or after . or …
# with white space and then what opens a sentence. The break opens with its punctuation
# mark (kept with the sentence), so the engine skips straight to those characters
# instead of trying a lookbehind at every position.
_SENTENCE_BREAK = re.compile(
    r"[。！？!?.…](?:(?<=[。！？!?])\s*|(?<=[.…])\s+(?=[\"“«(A-ZА-ЯЁ0-9\uac00-\ud7a3\u4e00-\u9fff]))"
)

# Where a sentence breaks into clauses: [,，;；…]|\s[—–]\s|\bbut\b|\bwhile\b|\bwhereas\b|(?<=[며고])\s.
# Written to open with one class of the characters a break starts with, then the rest of
# the break behind a lookbehind: the engine then skips straight to those characters
# instead of trying every alternative at every position.
_CLAUSE_BREAK = re.compile(
    r"[,，;；…\sbw](?:(?<=[,，;；…])|(?<=\s)[—–]\s|(?<=\bb)ut\b|(?<=\bw)hile\b|(?<=\bw)hereas\b|(?<=[며고]\s))"
)


@dataclass(frozen=True)
class Unit:
    """A line of text, or a table (rows of cells)."""

    text: str
    table: tuple[tuple[str, ...], ...] = ()


def _looks_like_link(line: str) -> bool:
    return len(line) < 160 and not _SENTENCE_END.search(line)


def clean_units(paragraph_texts: Iterable[str]) -> list[Unit]:
    """Lines and tables of the main text, without navigation, editorial notes and link lists."""
    out: list[Unit] = []
    in_links = False
    for paragraph in paragraph_texts:
        rows: list[tuple[str, ...]] = []
        for raw in paragraph.split("\n"):
            line = raw.strip()
            if not line:
                continue
            if (" | " in line or line.count("|") >= 2) and max(len(c) for c in line.split("|")) <= 80:
                rows.append(tuple(c.strip() for c in line.strip("|").split("|")))
                continue
            if rows:
                out.append(Unit("", tuple(rows)))
                rows = []
            if "|" in line:
                line = re.sub(r"\s*\|\s*", "\n", line).strip()
                out.extend(Unit(part) for part in line.split("\n") if part.strip())
                continue
            if _LINK_LIST.match(line):
                in_links = True
                continue
            if in_links and _looks_like_link(line):
                continue
            in_links = False
            if _NAV.match(line) or _EDITORIAL.match(line):
                continue
            out.append(Unit(line))
        if rows:
            out.append(Unit("", tuple(rows)))
    return out


def sentences(text: str) -> list[str]:
    """Sentences of a line (a headline without a full stop is one sentence)."""
    pieces = []
    start = 0
    for m in _SENTENCE_BREAK.finditer(text):
        pieces.append(text[start:m.start() + 1])
        start = m.end()
    pieces.append(text[start:])
    out: list[str] = []
    for piece in pieces:
        if not piece or not piece.strip():
            continue
        if out and _ends_with_abbreviation(out[-1].rstrip()):
            out[-1] = out[-1] + " " + piece
        else:
            out.append(piece)
    return [s.strip() for s in out if s.strip()]


def _ends_with_abbreviation(text: str) -> bool:
    """Whether text ends with "No.", "Mr.", "a.m." …; only its last characters are searched."""
    return text.endswith(".") and bool(_ABBREV.search(text, max(0, len(text) - _ABBREV_LONGEST - 1)))


def clauses(text: str) -> list[tuple[str, int]]:
    """Clauses of a sentence with their offsets (split at commas, semicolons, dashes, ellipses)."""
    out = []
    start = 0
    for m in _CLAUSE_BREAK.finditer(text):
        out.append((text[start:m.start()], start))
        start = m.end()
    out.append((text[start:], start))
    return [(c, s) for c, s in out if c.strip()]


def mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Text with the given spans blanked out (same length)."""
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start), min(len(chars), end)):
            chars[i] = " "
    return "".join(chars)


def strip_formerly(text: str) -> str:
    """Drop "(previously Wednesdays at 07:35)" asides, which describe the old schedule."""
    return _FORMERLY.sub(" ", text)
