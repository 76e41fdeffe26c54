"""Regexes that run only the alternatives a text can match.

Most of the extractor's patterns are long alternations of words in four scripts
("could|might|…|可能|…|가능성|…|могут"), often case-insensitive and opening with
``\\b``. Python's engine cannot skip ahead for such a pattern: it tries every
alternative at every position, so one search of a sentence costs tens or hundreds of
microseconds, though most sentences contain none of the words.

`gated` compiles a pattern and, for each top-level alternative, the literals of which
its every match contains one (`literals.required_literals`). An alternative whose
literals are all absent from a text cannot match anywhere in it; leaving it out
changes no match. The alternatives that remain, in their order, make a much smaller
regex (compiled once per combination), and when none remains the regex is not run.

A pattern whose every match opens with a digit is tried only where the text has one
(`literals.digit_opening`): the engine would otherwise attempt a match at every
position of the text.

`scope(sentence)` looks up the literals of every gated pattern in a sentence at once;
a pattern then applied to the sentence or to any part of it (a clause, a route part)
finds its alternatives there instead of looking again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache, reduce
from operator import or_
from typing import Any

from .literals import Needle, analyse, either, fold, top_branches

__all__ = ["Gated", "gated", "scope"]

_MAX_SUBSETS = 256
_FEW = 12
_WORDS = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")
_KEY = 3  # characters of a literal that opens a word by which the literal is filed
_REMEMBERED_TOKENS = 8192  # tokens whose literals a table keeps (then it forgets them all)
# Where a match of a pattern that opens with a digit can start: at any digit, or only at the
# first digit of a run (each found run is then skipped whole).
_STARTS = {"digit": re.compile(r"\d"), "run": re.compile(r"\d\d*")}


class _Index:
    """A text folded, and its tokens (what lies between white space)."""

    __slots__ = ("folded", "tokens")

    def __init__(self, text: str) -> None:
        self.folded = fold(text)
        self.tokens = frozenset(self.folded.split())


@lru_cache(maxsize=4096)
def _index(text: str) -> _Index:
    return _Index(text)


class _Table:
    """Literals of many alternatives (bits of a mask), looked up in a text all at once.

    A literal without white space lies within one token of a text: it is looked up in
    each token, and what a token holds is remembered, so a text mostly costs look-ups of
    tokens seen before. A literal of word characters that opens a word (it follows \\b)
    must open a word of the token if it has _KEY characters or more ("can" opens
    "cancel", "cancel" does not open "can"); any other need only lie in the token. A
    literal with white space is looked for in the whole text. Literals are folded and so
    is the text; a case-sensitive literal found folded may be absent as written, which
    only ever admits more.
    """

    def __init__(self) -> None:
        # Each literal with the bit of its alternative.
        self.opening: dict[str, list[tuple[str, int]]] = {}  # by their first _KEY characters
        self.inside: dict[str, list[tuple[str, int]]] = {}  # by their first character
        self.spanning: list[tuple[str, int]] = []
        self.firsts: set[str] = set()  # the keys of inside
        self.in_token: dict[str, int] = {}

    def add(self, needle: Needle, bit: int) -> None:
        literal, opens_word = needle
        literal = fold(literal)
        if opens_word and len(literal) >= _KEY and _WORDS.fullmatch(literal):
            self.opening.setdefault(literal[:_KEY], []).append((literal, bit))
        elif literal.split() == [literal]:  # no white space
            self.inside.setdefault(literal[0], []).append((literal, bit))
            self.firsts.add(literal[0])
        else:
            self.spanning.append((literal, bit))
        self.in_token.clear()

    def opens_a_literal(self, text: str) -> bool:
        """Whether the opening of text, were text a word, is that of a literal that opens a word."""
        return fold(text[:_KEY]) in self.opening

    def _token(self, token: str) -> int:
        """The alternatives (a mask) with a literal that the token holds."""
        found = 0
        if self.opening:
            for word in _WORDS.findall(token):
                for literal, bit in self.opening.get(word[:_KEY], ()):
                    if word.startswith(literal):
                        found |= bit
        for first in self.firsts.intersection(token):
            for literal, bit in self.inside[first]:
                if literal in token:
                    found |= bit
        return found

    def live(self, index: _Index) -> int:
        """The alternatives (a mask) whose literals may occur in the indexed text."""
        in_token = self.in_token
        tokens = index.tokens
        unseen = tokens.difference(in_token)
        if unseen:
            if len(in_token) + len(unseen) > _REMEMBERED_TOKENS:
                in_token.clear()
                unseen = tokens
            for token in unseen:
                in_token[token] = self._token(token)
        found: int = reduce(or_, map(in_token.__getitem__, tokens), 0)
        for literal, bit in self.spanning:
            if literal in index.folded:
                found |= bit
        return found


# Every gated alternative that has literals has a number, its bit in one table; its owner
# is a pattern and the alternative's bit there (the alternatives of a pattern are bits of a mask).
_ALL = _Table()
_OWNER: list[tuple[Gated, int]] = []


class _Scope:
    """The regex of every gated pattern for a sentence: the alternatives it can match.

    They are looked up when a gated pattern first asks: a sentence whose findings are
    all known already is never indexed.
    """

    __slots__ = ("chosen", "covered", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        # Only patterns with an alternative whose literals the sentence holds are named;
        # any other runs its always-run alternatives (`Gated._dead`).
        self.chosen: dict[Gated, re.Pattern[str] | None] | None = None
        self.covered: dict[str, bool] = {}

    def choose(self) -> dict[Gated, re.Pattern[str] | None]:
        """Index the sentence: the regex of each pattern that has live alternatives in it."""
        chosen = self.chosen = _choices(_ALL.live(_index(self.text)))
        return chosen

    def covers(self, part: str) -> bool:
        """Whether part lies in the sentence, and opens no word with a literal the sentence lacks.

        A part's tokens lie within the sentence's, so they hold no literal the sentence
        lacks, save one that opens a word the part cuts ("ould" of "could"); a cut word
        whose opening begins no literal (most do not) changes nothing.
        """
        known = self.covered.get(part)
        if known is None:
            known = self.covered[part] = self._covers(part)
        return known

    def _covers(self, part: str) -> bool:
        if part not in self.text:
            return False
        if not _WORD_CHAR.match(part):
            return True
        at = self.text.find(part)
        while at != -1:
            if at == 0 or not _WORD_CHAR.match(self.text, at - 1):
                return True
            at = self.text.find(part, at + 1)
        return not _ALL.opens_a_literal(part)


@lru_cache(maxsize=1024)
def _choices(found: int) -> dict[Gated, re.Pattern[str] | None]:
    """The regex of each pattern that has live alternatives among those found (a mask of _ALL).

    Sentences differ far more than the sets of literals they hold: the regexes chosen
    for one set serve every sentence that holds it. The dict is never changed.
    """
    live: dict[Gated, int] = {}
    while found:
        number = (found & -found).bit_length() - 1
        found &= found - 1
        owner, bit = _OWNER[number]
        live[owner] = live.get(owner, 0) | bit
    return {owner: owner._subset(mask) for owner, mask in live.items()}


_CURRENT: ContextVar[_Scope | None] = ContextVar("gate_scope", default=None)


@contextmanager
def scope(text: str) -> Iterator[None]:
    """Within the block, gated patterns applied to text or a part of it share one look-up of text.

    A part that starts inside a word of text is looked up on its own.
    """
    token = _CURRENT.set(_Scope(text))
    try:
        yield
    finally:
        _CURRENT.reset(token)


class Gated:
    """A compiled regex that runs only the alternatives a text can match.

    Offers the re.Pattern methods the extractor uses, with the same results.
    """

    __slots__ = ("_all", "_always", "_branches", "_dead", "_few", "_starts", "_subsets", "_table", "flags",
                 "pattern", "regex")

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        self.pattern = regex.pattern
        self.flags = regex.flags
        self._branches = tuple(top_branches(regex))
        self._table = _Table()
        self._all = (1 << len(self._branches)) - 1
        self._always = 0
        # Each alternative is parsed once, for its literals and its opening alike.
        analysed = [analyse(branch, regex.flags) for branch in self._branches]
        for index, (needles, _) in enumerate(analysed):
            bit = 1 << index
            if needles is None:
                self._always |= bit
                continue
            number = len(_OWNER)
            _OWNER.append((self, bit))
            for needle in needles:
                self._table.add(needle, bit)
                _ALL.add(needle, 1 << number)
        # A handful of literals are looked for directly, without indexing the text.
        few = [(fold(n), 1 << i) for i, (needles, _) in enumerate(analysed) for n, _ in needles or ()]
        self._few = tuple(few) if len(few) <= _FEW else None
        self._subsets: dict[int, re.Pattern[str] | None] = {}
        # What runs on a text that holds the literals of no alternative.
        self._dead = self._subset(0)
        opening = either(*(branch.opening for branch in analysed))
        self._starts = _STARTS[opening] if opening else None

    def __repr__(self) -> str:
        return f"gated({self.regex!r})"

    def _subset(self, live: int) -> re.Pattern[str] | None:
        """The regex of the alternatives in the mask and those always run (None for none at all)."""
        live |= self._always
        if live == self._all:
            return self.regex
        if live in self._subsets:
            return self._subsets[live]
        chosen = [branch for i, branch in enumerate(self._branches) if live >> i & 1]
        regex = re.compile("|".join(chosen), self.flags) if chosen else None
        if len(self._subsets) >= _MAX_SUBSETS:
            self._subsets.clear()
        self._subsets[live] = regex
        return regex

    def _for(self, text: str) -> re.Pattern[str] | None:
        """The regex to run on text: the pattern, a part of it, or None (no match possible)."""
        current = _CURRENT.get()
        if current is not None and (text is current.text or current.covers(text)):
            chosen = current.chosen
            if chosen is None:
                chosen = current.choose()
            return chosen.get(self, self._dead)
        live = 0
        if self._few is None:
            return self._subset(self._table.live(_index(text)))
        folded = fold(text)
        for literal, bit in self._few:
            if literal in folded:
                live |= bit
        return self._subset(live)

    def _search(self, regex: re.Pattern[str], text: str, pos: int) -> re.Match[str] | None:
        """regex.search, trying a pattern that opens with a digit only where one can start."""
        if self._starts is None:
            return regex.search(text, pos)
        start = self._starts.search(text, pos)
        while start is not None:
            found = regex.match(text, start.start())
            if found is not None:
                return found
            start = self._starts.search(text, start.end())
        return None

    def _finditer(self, regex: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
        """regex.finditer, trying a pattern that opens with a digit only where one can start."""
        if self._starts is None:
            return regex.finditer(text)
        return self._digit_matches(regex, text)

    def _digit_matches(self, regex: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
        """Matches as finditer finds them: each search goes on where the last match ended
        (a match that opens with a digit is never empty)."""
        found = self._search(regex, text, 0)
        while found is not None:
            yield found
            found = self._search(regex, text, found.end())

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        regex = self._for(text)
        return self._search(regex, text, pos) if regex else None

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        regex = self._for(text)
        return regex.match(text, pos) if regex else None

    def fullmatch(self, text: str) -> re.Match[str] | None:
        regex = self._for(text)
        return regex.fullmatch(text) if regex else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        regex = self._for(text)
        return self._finditer(regex, text) if regex else iter(())

    def findall(self, text: str) -> list[Any]:
        regex = self._for(text)
        if regex is None:
            return []
        if self._starts is None:
            return regex.findall(text)
        found = self._finditer(regex, text)
        if regex.groups == 0:
            return [m.group(0) for m in found]
        if regex.groups == 1:
            return [m.group(1) or "" for m in found]
        return [m.groups("") for m in found]

    def sub(self, repl: str, text: str) -> str:
        regex = self._for(text)
        return regex.sub(repl, text) if regex else text

    def split(self, text: str) -> list[str]:
        regex = self._for(text)
        return regex.split(text) if regex else [text]


def gated(pattern: str, flags: int = 0) -> Gated:
    """Compile pattern behind its literal gate."""
    return Gated(re.compile(pattern, flags))
