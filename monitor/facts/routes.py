"""Which route a sentence speaks of: station pairs, "via" stations, datelines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .gate import gated
from .gazetteer import Gazetteer, Mention

__all__ = ["RoutePart", "split_routes", "stations_in"]

_VIA_AFTER = gated(r"^[^,，。.;；]{0,14}?(?:경유|거쳐|거치)")
_VIA_BEFORE = gated(r"(?:\bvia|\bthrough|\bby\s+way\s+of|через|经由|經由|途经|途經|经过|經過)"
                         r"[^,，。.;；]{0,12}$", re.I)
# 新华社平壤3月12日电, Pyongyang, March 12 (KCNA)
_CJK_DATELINE = gated(
    r"\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*电|,\s*[A-Z][a-z]+\.?\s+\d{1,2}\s*\((?:KCNA|Xinhua|TASS)"
)
_CONNECTOR = gated(
    r"^\s*(?:[-–—－―→↔⇄/~]|至|到|往|发往|發往|开往|開往|直达|直達|to|에서|에|в|во|до|на|—)"
    r"\s*(?:[^\d,，。.;；:：]{0,10})$",
    re.I,
)
# "A and B" is a route only "between A and B" (A与B之间, A와 B를 잇는, между A и B); else a list.
_WEAK_CONNECTOR = gated(
    r"^\s*(?:与|與|和|及|and|&|와|과|및|и|,|、)\s*(?:[^\d,，。.;；:：]{0,10})$", re.I
)
_BETWEEN_BEFORE = gated(
    r"(?:\bbetween|\blinking|\bconnecting|\bjoining|\blinks|\bconnects|между|связывающ\w*|соединяющ\w*)"
    r"\s+(?:\S+\s+){0,3}$",
    re.I,
)
_BETWEEN_AFTER = gated(r"^\S{0,6}?\s*(?:之间|之間|间|間|사이|잇는|오가는|을\s*잇|를\s*잇|연결|간\s)")


_MAX_REMEMBERED = 4096  # texts whose route-end mentions a gazetteer keeps


@dataclass(frozen=True)
class RoutePart:
    """A stretch of a sentence and the stations it names (via stations removed)."""

    text: str
    offset: int
    pair: tuple[str, str] | None
    stations: tuple[str, ...]


def _is_via(text: str, m: Mention) -> bool:
    return bool(_VIA_AFTER.match(text[m.end:]) or _VIA_BEFORE.search(text[max(0, m.start - 30):m.start]))


def _is_dateline(text: str, m: Mention) -> bool:
    word = text[m.start:m.end]
    if word.isascii() and word.isupper() and len(word) > 3:
        return True
    if _CJK_DATELINE.match(text, m.end):
        return True
    return text[m.end:m.end + 1] == "=" and text[max(0, m.start - 1):m.start] == "("


def stations_in(text: str, gazetteer: Gazetteer) -> list[Mention]:
    """Station mentions that can be route ends (via stations and datelines dropped)."""
    memo = gazetteer.memo("stations_in")
    found: tuple[Mention, ...] | None = memo.get(text)
    if found is None:
        if len(memo) >= _MAX_REMEMBERED:
            memo.clear()
        found = memo[text] = tuple(
            m for m in gazetteer.find(text) if not _is_via(text, m) and not _is_dateline(text, m)
        )
    return list(found)


def _pairs(text: str, mentions: list[Mention]) -> tuple[list[tuple[Mention, Mention]], set[int]]:
    """Explicit station pairs, and the indices of mentions that are only items of a list."""
    out = []
    listed: set[int] = set()
    i = 0
    while i < len(mentions) - 1:
        a, b = mentions[i], mentions[i + 1]
        gap = text[a.end:b.start]
        if a.name != b.name and _CONNECTOR.match(gap):
            out.append((a, b))
            i += 2
            continue
        if a.name != b.name and _WEAK_CONNECTOR.match(gap):
            before = text[max(0, a.start - 40):a.start]
            if _BETWEEN_BEFORE.search(before) or _BETWEEN_AFTER.match(text[b.end:]):
                out.append((a, b))
                i += 2
                continue
            listed |= {i, i + 1}
        i += 1
    return out, listed


def split_routes(text: str, gazetteer: Gazetteer) -> list[RoutePart]:
    """Split a sentence where it moves to another station pair; each part with its pair, if any."""
    mentions = stations_in(text, gazetteer)
    pairs, listed = _pairs(text, mentions)
    distinct: list[tuple[Mention, Mention]] = []
    for a, b in pairs:
        if not distinct or {a.name, b.name} != {distinct[-1][0].name, distinct[-1][1].name}:
            distinct.append((a, b))
    if len(distinct) >= 2:
        parts = []
        for i, (a, b) in enumerate(distinct):
            start = 0 if i == 0 else a.start
            end = distinct[i + 1][0].start if i + 1 < len(distinct) else len(text)
            parts.append(RoutePart(text[start:end], start, (a.name, b.name), (a.name, b.name)))
        return parts
    names = tuple(dict.fromkeys(m.name for m in mentions))
    if distinct:
        a, b = distinct[0]
        return [RoutePart(text, 0, (a.name, b.name), names)]
    # No explicit pair: the first two stations ("leaves Beijing … arrives in Pyongyang"),
    # unless they are only items of a list ("tourists from Shenyang and Dalian").
    free = tuple(dict.fromkeys(m.name for i, m in enumerate(mentions) if i not in listed))
    if len(free) >= 2 and not listed:
        return [RoutePart(text, 0, (free[0], free[1]), names)]
    if listed:
        return [RoutePart(text, 0, None, ())]
    return [RoutePart(text, 0, None, names)]
