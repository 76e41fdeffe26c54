"""Which route a sentence speaks of: station pairs, "via" stations, datelines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .gazetteer import Gazetteer, Mention

__all__ = ["RoutePart", "split_routes", "stations_in"]

_VIA_AFTER = re.compile(r"^[^,，。.;；]{0,14}?(?:경유|거쳐|거치)")
_VIA_BEFORE = re.compile(r"(?:\bvia|\bthrough|\bby\s+way\s+of|через|经由|經由|途经|途經|经过|經過)"
                         r"[^,，。.;；]{0,12}$", re.I)
# 新华社平壤3月12日电, Pyongyang, March 12 (KCNA)
_CJK_DATELINE = re.compile(
    r"\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*电|,\s*[A-Z][a-z]+\.?\s+\d{1,2}\s*\((?:KCNA|Xinhua|TASS)"
)
_CONNECTOR = re.compile(
    r"^\s*(?:[-–—－―→↔⇄/~]|至|到|往|发往|發往|开往|開往|直达|直達|与|與|和|及|and|to|와|과|에서|에|및"
    r"|и|в|во|до|на|—)\s*(?:[^\d,，。.;；:：]{0,10})$",
    re.I,
)


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
    return [m for m in gazetteer.find(text) if not _is_via(text, m) and not _is_dateline(text, m)]


def _pairs(text: str, mentions: list[Mention]) -> list[tuple[Mention, Mention]]:
    out = []
    i = 0
    while i < len(mentions) - 1:
        a, b = mentions[i], mentions[i + 1]
        if a.name != b.name and _CONNECTOR.match(text[a.end:b.start]):
            out.append((a, b))
            i += 2
        else:
            i += 1
    return out


def split_routes(text: str, gazetteer: Gazetteer) -> list[RoutePart]:
    """Split a sentence where it moves to another station pair; each part with its pair, if any."""
    mentions = stations_in(text, gazetteer)
    pairs = _pairs(text, mentions)
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
    if len(names) >= 2:
        return [RoutePart(text, 0, (names[0], names[1]), names)]
    return [RoutePart(text, 0, None, names)]
