"""Canonical text: one spelling for the same visible words, and the key compared for change.

:func:`normalize_text` folds Unicode compatibility forms, whitespace, dashes,
quotes and invisible characters, and drops what the user's ignore patterns
match. :func:`comparison_key` additionally masks volatile parts (clocks,
counters, tokens, relative times, copyright years) and ignores spacing, so
two fetches that differ only in noise or markup give the same key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache, lru_cache

from monitor.content.volatile import mask_volatile

__all__ = ["BLOCK_SEPARATOR", "comparison_key", "compile_patterns", "normalize_text"]

BLOCK_SEPARATOR = "\n\n"
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f"), None)
_DASHES = dict.fromkeys(
    map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u2e3a\u2e3b"), "-"
)
_QUOTES = {
    **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e"), '"'),
    **dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032\u2039\u203a"), "'"),
}
_TABLE: dict[int, str | None] = {**_ZERO_WIDTH, **_DASHES, **_QUOTES}
_SPECIAL = frozenset(map(chr, _TABLE))
_ASCII_BYTES = bytes(range(128))
_NUMERO = "\ue000"
_CJK = "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"


def _non_ascii(text: str) -> str:
    """The non-ASCII characters of ``text``, in order (a byte scan is far cheaper than a regex)."""
    return text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")


@cache
def _cjk() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A CJK character, and spaces next to one: compiled on first use, as these classes take milliseconds."""
    return re.compile(f"[{_CJK}]"), re.compile(f"(?<=[{_CJK}]) +| +(?=[{_CJK}])")


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.MULTILINE)


def compile_patterns(patterns: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    """Compile ignore regexes (raises ``re.error`` naming the bad one)."""
    return tuple(_compile(p) for p in patterns)


def normalize_text(text: str, ignore_patterns: Sequence[str] = (), *, folded: bool = False) -> str:
    """Normalise ``text``: NFKC, folded whitespace, one dash and quote style, blocks split by a blank line.

    Every regex in ``ignore_patterns`` has its matches removed; lines left empty are dropped.

    ``folded=True`` says ``text`` is already whitespace-folded, non-empty blocks joined by
    :data:`BLOCK_SEPARATOR` (as :func:`~monitor.content.extract.extract_text` gives it); it is
    then not folded again unless normalising could have unfolded it.
    """
    if not unicodedata.is_normalized("NFKC", text):
        folded = False  # compatibility forms can decompose into spaces
        kept = "№" in text  # NFKC would spell it "No"; Russian train numbers read better with it
        text = unicodedata.normalize("NFKC", text.replace("№", _NUMERO) if kept else text)
        if kept:
            text = text.replace(_NUMERO, "№")
    if not text.isascii():
        specials = _SPECIAL.intersection(_non_ascii(text))
        for char in specials:  # each maps to ASCII or to nothing, so the order does not matter
            text = text.replace(char, _TABLE[ord(char)] or "")
        if any(_TABLE[ord(char)] is None for char in specials):
            folded = False  # dropping an invisible character can bring two spaces together
    if "\r" in text:
        folded = False
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for pattern in compile_patterns(ignore_patterns):
        folded = False
        text = pattern.sub("", text)
    if folded:
        return text
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return BLOCK_SEPARATOR.join(line for line in lines if line)


def _is_fixed_point(text: str) -> bool:
    """True when ``text``, an output of :func:`normalize_text`, would come back unchanged from it.

    Such a text holds no special character or carriage return (those are replaced
    before ignore patterns can only remove text), and folding whitespace is
    idempotent; what is left to check is that no compatibility form remains
    (ignore patterns or removed invisible characters can leave one).
    """
    return unicodedata.is_normalized("NFKC", text)


def comparison_key(text: str, *, normalized: bool = False) -> str:
    """The text with volatile parts masked: equal keys mean no real change.

    Blocks stay one per line and words stay apart, so the key can itself be
    diffed and searched for keywords; spaces next to Chinese or Japanese
    characters, which markup minifiers add and drop freely, are removed.

    ``normalized=True`` says ``text`` is already an output of :func:`normalize_text`
    (with or without ignore patterns), which then is not redone when it would change nothing.
    """
    if not (normalized and _is_fixed_point(text)):
        text = normalize_text(text)
    masked = mask_volatile(text)
    if not text.isascii():
        has_cjk, cjk_space = _cjk()
        if has_cjk.search(_non_ascii(masked)):  # the masks themselves are not CJK
            masked = cjk_space.sub("", masked)
    return masked.replace(BLOCK_SEPARATOR, "\n")
