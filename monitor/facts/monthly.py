"""Monthly departure dates: "on the 7th and 21st of each month", 3 и 17 числа, 매월 3일과 17일, 每月3日和17日."""

from __future__ import annotations

import re

from .gate import gated

__all__ = ["monthly_span", "parse_monthly"]

_EN = gated(
    r"\bthe\s+(\d{1,2})(?:st|nd|rd|th)((?:\s*(?:,|and|&|,\s*and)\s*(?:the\s+)?\d{1,2}(?:st|nd|rd|th))+)"
    r"(?!\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))",
    re.I,
)
_RU = gated(r"(?<!\d)(\d{1,2})((?:\s*(?:,|и)\s*\d{1,2})+)\s+числа", re.I)
_KO = gated(r"매월\s*(\d{1,2})\s*일((?:\s*(?:과|와|,|및|、)\s*\d{1,2}\s*일)+)")
_ZH = gated(r"每月\s*(\d{1,2})\s*[日号號]((?:\s*(?:和|及|与|與|、|,|，)\s*\d{1,2}\s*[日号號])+)")
_NUMBER = re.compile(r"\d{1,2}")
_DIGIT = re.compile(r"\d")


def monthly_span(text: str) -> tuple[int, int] | None:
    """Where a clause gives monthly dates (those days of the month are not calendar dates)."""
    if not _DIGIT.search(text):  # the days are given in digits
        return None
    for pattern in (_KO, _ZH, _RU):
        m = pattern.search(text)
        if m is not None:
            return m.span()
    return None


def parse_monthly(text: str) -> tuple[int, ...] | None:
    """The days of the month a clause gives for departures, sorted; None when it gives none."""
    if not _DIGIT.search(text):
        return None
    for pattern in (_EN, _RU, _KO, _ZH):
        m = pattern.search(text)
        if m is not None:
            days = sorted({int(m.group(1)), *(int(n) for n in _NUMBER.findall(m.group(2)))})
            if all(1 <= d <= 31 for d in days):
                return tuple(days)
    return None
