"""Literals that every match of a regex must contain, and text folded as re.IGNORECASE sees it."""

from __future__ import annotations

import re
import re._constants as sre
import re._parser as _parser
from functools import lru_cache
from typing import Any, NamedTuple

__all__ = ["Branch", "Needle", "analyse", "digit_opening", "either", "fold", "required_literals", "top_branches"]

# Characters that re.IGNORECASE treats as equal although their lowercase forms differ
# ("ſ" matches "s", "ı" matches "i", "ς" matches "σ", "ᲀ" matches "в"…): CPython's
# re._casefix table, grouped into classes.
_CASE_CLASSES = (
    "i\u0131", "s\u017f", "\u00b5\u03bc", "\u0345\u03b9\u1fbe", "\u0390\u1fd3", "\u03b0\u1fe3",
    "\u03b2\u03d0", "\u03b5\u03f5", "\u03b8\u03d1", "\u03ba\u03f0", "\u03c0\u03d6", "\u03c1\u03f1",
    "\u03c2\u03c3", "\u03c6\u03d5", "\u0432\u1c80", "\u0434\u1c81", "\u043e\u1c82", "\u0441\u1c83",
    "\u0442\u1c84\u1c85", "\u044a\u1c86", "\u0463\u1c87", "\u1c88\ua64b", "\u1e61\u1e9b", "\ufb05\ufb06",
)
# The first member stands for its class; it is never a word character unless all are,
# so folding never joins two words into one.
_FIX = str.maketrans({c: cls[0] for cls in _CASE_CLASSES for c in cls[1:]})


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Text as re.IGNORECASE sees it: two characters it treats as equal fold alike.

    "İ" is the one character whose lowercase has two code points ("i̇"); the regex
    engine lowers it to "i", and so does this.
    """
    return text.replace("İ", "i").lower().translate(_FIX)


# A literal and whether it opens a word (it follows \b in the pattern).
Needle = tuple[str, bool]


def _best(candidates: list[frozenset[Needle]]) -> frozenset[Needle] | None:
    """The most selective needle set: word openers of three letters or more (the cheapest to
    look up), then the longest shortest needle, then the fewest needles."""
    usable = [c for c in candidates if c and all(n for n, _ in c)]
    if not usable:
        return None
    return max(usable, key=lambda c: (all(w and len(n) >= 3 for n, w in c), min(len(n) for n, _ in c), -len(c)))


_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
# A class of at most this many characters, all literal ("[时時点點]", "(?:일|日|号)"), is
# as good as the alternation of its characters.
_MAX_CLASS = 8


def _only_spaces(items: Any) -> bool:
    """Whether a parsed sequence is one class of white space (\\s)."""
    return [(op, av) for op, av in items] == [(sre.IN, [(sre.CATEGORY, sre.CATEGORY_SPACE)])]


def _ends_in_spaces(items: Any) -> bool:
    """Whether every match of a parsed sequence ends with white space ("of\\s+", "this\\s+|next\\s+")."""
    if not items:
        return False
    op, av = items[-1]
    if op in _REPEATS:
        return bool(av[0] >= 1 and _only_spaces(av[2].data))
    if op is sre.SUBPATTERN:
        return _ends_in_spaces(av[3].data)
    if op is sre.BRANCH:
        return all(_ends_in_spaces(alt.data) for alt in av[1])
    return False


def _class_needles(items: Any, opens_word: bool) -> frozenset[Needle] | None:
    """The characters of a class of a few literal characters, each a needle (None for any other class)."""
    if len(items) > _MAX_CLASS or any(op is not sre.LITERAL for op, _ in items):
        return None
    return frozenset((chr(av), opens_word) for _, av in items)


def _needles(items: Any, opens_word: bool = False) -> frozenset[Needle] | None:
    """Literals of which any match of this parsed sequence contains one, or None.

    `opens_word` says the sequence starts right after a word boundary.
    """
    candidates: list[frozenset[Needle]] = []
    run: list[str] = []
    run_opens = False
    boundary = opens_word
    for op, av in items:
        if op is sre.LITERAL:
            if not run:
                run_opens = boundary
            run.append(chr(av))
            boundary = False
            continue
        if run:
            candidates.append(frozenset([("".join(run), run_opens)]))
            run = []
        if op is sre.AT:
            boundary = av is sre.AT_BOUNDARY
            continue
        if op in _REPEATS and av[0] >= 1 and _only_spaces(av[2].data):
            boundary = True  # "\\s+word": the word opens after a space
            continue
        if op in _REPEATS and av[0] == 0 and boundary and _ends_in_spaces(av[2].data):
            continue  # "\\s+(?:of\\s+)?word": taken or not, the word opens after a space
        inner: frozenset[Needle] | None = None
        if op is sre.SUBPATTERN:
            _, add_flags, del_flags, sub = av
            if not add_flags and not del_flags:
                inner = _needles(sub.data, boundary)
        elif op is sre.ATOMIC_GROUP:
            inner = _needles(av.data, boundary)
        elif op is sre.IN:
            inner = _class_needles(av, boundary)
        elif op is sre.BRANCH:
            alternatives = [_needles(alt.data, boundary) for alt in av[1]]
            if all(alt is not None for alt in alternatives):
                inner = frozenset().union(*(alt for alt in alternatives if alt is not None))
        elif op in _REPEATS:
            low, _, sub = av
            if low >= 1:  # the first repetition starts where the repeat does
                inner = _needles(sub.data, boundary)
        if inner is not None:
            candidates.append(inner)
        boundary = False
    if run:
        candidates.append(frozenset([("".join(run), run_opens)]))
    return _best(candidates)


def _required(parsed: Any) -> tuple[Needle, ...] | None:
    """The needles of a parsed pattern (see `required_literals`)."""
    found = _needles(parsed.data)
    if found is None:
        return None
    flags = parsed.state.flags
    if flags & re.ASCII:  # its \\b is not the boundary of a word of any script
        found = frozenset((n, False) for n, _ in found)
    if flags & re.IGNORECASE:
        found = frozenset((fold(n), w) for n, w in found)
    return tuple(sorted(found))


def required_literals(pattern: str, flags: int = 0) -> tuple[Needle, ...] | None:
    """Literals of which every match of the pattern contains one, each with whether it opens a word.

    Literals of a case-insensitive pattern are folded. None when the pattern has no
    such literals (a character class, say, opens every branch); such a regex is
    always run.
    """
    return _required(_parser.parse(pattern, flags))


_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


def top_branches(regex: re.Pattern[str]) -> list[str]:
    """The top-level alternatives of a pattern ("a|(b|c)|d" -> "a", "(b|c)", "d").

    A pattern with capturing groups or global inline flags stays whole: its
    alternatives could not be recombined without renumbering or unflagging them.
    """
    pattern = regex.pattern
    if regex.groups or _GLOBAL_FLAGS.match(pattern):
        return [pattern]
    parts: list[str] = []
    depth = start = i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":  # a class: skip to its closing bracket ("]" first is a member)
            i += 2 if pattern[i + 1:i + 2] == "^" else 1
            i += 1 if pattern[i:i + 1] == "]" else 0
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts



_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_DIGIT_CLASS = [(sre.CATEGORY, sre.CATEGORY_DIGIT)]


def _not_after_digit(op: Any, av: Any) -> bool:
    """Whether a parsed item is a lookbehind that no digit satisfies ("(?<!\\d)", "(?<![\\d.])")."""
    if op is not sre.ASSERT_NOT or av[0] != -1:
        return False
    items = av[1].data
    return len(items) == 1 and items[0][0] is sre.IN and _DIGIT_CLASS[0] in items[0][1]


def _is_digits(op: Any, av: Any) -> bool:
    """Whether a member of a character class stands only for digits."""
    if op is sre.CATEGORY:
        return bool(av is sre.CATEGORY_DIGIT)
    if op is sre.LITERAL:
        return chr(av) in "0123456789"
    return op is sre.RANGE and ord("0") <= av[0] <= av[1] <= ord("9")


def either(*openings: str | None) -> str | None:
    """The opening of a match that opens in one of several ways (of a pattern, in any of its alternatives')."""
    if None in openings:
        return None
    return "digit" if "digit" in openings else "run"


def _opening(items: Any, not_after_digit: bool = False) -> str | None:
    """How every match of a parsed sequence opens: "run" (at the first digit of a run of
    digits), "digit" (at a digit) or None (elsewhere too, or not known)."""
    for i, (op, av) in enumerate(items):
        if op in _ZERO_WIDTH:
            not_after_digit = not_after_digit or _not_after_digit(op, av)
            continue
        opening: str | None = None
        if op is sre.IN:
            opening = "digit" if all(_is_digits(*member) for member in av) else None
        elif op is sre.LITERAL:
            opening = "digit" if _is_digits(op, av) else None
        elif op is sre.SUBPATTERN:
            opening = _opening(av[3].data, not_after_digit)
        elif op is sre.BRANCH:
            opening = either(*(_opening(alt.data, not_after_digit) for alt in av[1]))
        elif op in _REPEATS:
            opening = _opening(av[2].data, not_after_digit)
            if av[0] == 0:  # optional: the match may open with what follows
                opening = either(opening, _opening(items[i + 1:], not_after_digit))
        if opening == "digit" and not_after_digit:
            return "run"
        return opening
    return None


def _digit_opening(parsed: Any) -> str | None:
    """The opening of a parsed pattern (see `digit_opening`)."""
    if parsed.state.flags & re.ASCII:
        return None
    return _opening(parsed.data)


def digit_opening(pattern: str, flags: int = 0) -> str | None:
    """Where a match of the pattern can start: "run" when only at the first digit of a run of
    digits, "digit" when only at a digit, None when elsewhere too (or under re.ASCII, whose
    digits are not all of them)."""
    return _digit_opening(_parser.parse(pattern, flags))


class Branch(NamedTuple):
    """One alternative of a pattern: its needles (`required_literals`) and opening (`digit_opening`)."""

    needles: tuple[Needle, ...] | None
    opening: str | None


def analyse(pattern: str, flags: int = 0) -> Branch:
    """Needles and opening of a pattern, from one parse of it."""
    parsed = _parser.parse(pattern, flags)
    return Branch(_required(parsed), _digit_opening(parsed))
