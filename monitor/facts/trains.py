"""Train numbers: K27/K28, K27/28, K27次, № 645/646, 002Э/001Э, "train 651"."""

from __future__ import annotations

import re

from .gate import gated

__all__ = ["find_trains", "sort_trains"]

_NUM = r"[A-ZА-Я]?\d{1,5}[A-ZА-ЯЭ]?"
# A lettered number (K27, 002Э) is a train by itself; a bare one needs a marker.
_LETTERED = gated(
    r"(?<![A-Za-z0-9-])([KTZDGCYLSX]\d{1,4}|\d{3}[А-ЯЭ])(?:\s*/\s*([A-Z]?\d{1,4}[А-ЯЭ]?))*(?![A-Za-z0-9])"
)
_MARKED_BEFORE = gated(
    rf"(?:№|No\.|Nos\.|#|\bnumbered\b|\btrains?\b(?:\s+(?:No\.?|number|numbers))?|поезд[а-я]*(?:\s+№)?)\s*"
    rf"({_NUM}(?:\s*(?:/|,|and|и|和|、)\s*{_NUM})*)",
    re.I,
)
_MARKED_AFTER = gated(rf"({_NUM}(?:\s*/\s*{_NUM})*)\s*(?:次|호\s*열차|호|번\s*열차|열차)")
_DIGIT = re.compile(r"\d")
_YEARLIKE = gated(r"^(?:19|20)\d\d$")


def _expand(group: str) -> list[str]:
    """"K27/28" -> K27, K28 (the letter carries over); "651/652" -> 651, 652."""
    parts = [p.strip() for p in re.split(r"\s*(?:/|,|\band\b|\bи\b|和|、)\s*", group) if p.strip()]
    out: list[str] = []
    prefix = ""
    for part in parts:
        m = re.fullmatch(r"([A-Za-zА-Яа-я]?)(\d+)([A-Za-zА-Яа-яЭ]?)", part)
        if not m:
            continue
        letter, digits, suffix = m.groups()
        if letter:
            prefix = letter.upper()
        elif prefix and not suffix:
            letter = prefix
        out.append(f"{letter.upper()}{digits}{suffix.upper()}")
    return out


def sort_trains(trains: set[str] | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Sorted by letter prefix then number, so 8501 < 8502 and K27 < K28 < K93."""
    def key(t: str) -> tuple[str, int, str]:
        m = re.match(r"([^\d]*)(\d+)(.*)", t)
        if not m:
            return (t, 0, "")
        return (m.group(1), int(m.group(2)), m.group(3))
    return tuple(sorted(set(trains), key=key))


def find_trains(text: str) -> tuple[str, ...]:
    """Train numbers in text, sorted; years and times are not trains."""
    found: set[str] = set()
    if not _DIGIT.search(text):  # every train number has digits
        return ()
    for regex in (_LETTERED, _MARKED_BEFORE, _MARKED_AFTER):
        for m in regex.finditer(text):
            group = m.group(0) if regex is _LETTERED else m.group(1)
            for train in _expand(group):
                if _YEARLIKE.match(train):
                    continue
                if regex is _MARKED_BEFORE and train.isdigit() and len(train) > 4:
                    continue
                found.add(train)
    return sort_trains(found)
