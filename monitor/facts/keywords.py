"""Keyword filter: whole words in alphabetic scripts, substrings in CJK."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

__all__ = ["matches_keywords"]

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u1100-\u11ff]")


@lru_cache(maxsize=512)
def _pattern(keyword: str) -> re.Pattern[str]:
    word = unicodedata.normalize("NFKC", keyword).strip()
    if _CJK.search(word):
        return re.compile(re.escape(word), re.I)
    # Letters or digits on either side break the match ("train" is not in "restraint");
    # a plain English plural or possessive still matches ("trains", "train's"), and
    # Russian keywords match their case endings ("поезд" in "поезда").
    suffix = r"(?:s|es|'s|’s)?" if re.search(r"[A-Za-z]$", word) else ""
    if re.search(r"[а-яёА-ЯЁ]$", word):
        suffix = r"[а-яё]{0,3}"
    return re.compile(rf"(?<![^\W_]){re.escape(word)}{suffix}(?![^\W_])", re.I)


def matches_keywords(text: str, keywords: Sequence[str]) -> bool:
    """True when text mentions any keyword (no keywords: everything matches)."""
    words = [k for k in keywords if k.strip()]
    if not words:
        return True
    normal = unicodedata.normalize("NFKC", text)
    return any(_pattern(k).search(normal) for k in words)
