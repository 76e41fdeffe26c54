"""Volatility learned from a site itself: what differs between two fetches of the same moment.

The built-in masks (:mod:`monitor.content.volatile`) know clocks, counters and
tokens in the forms most sites write them. A site may have its own: a request
id in a form no mask knows, the name of the server node that answered, a
rotating tip line. When a document seems changed, the recorder fetches it once
more; whatever differs between the two answers cannot be news, since both
answers describe the same moment. :func:`learn` turns each differing span into
a :class:`VolatileRule`: a regex made of the span's literal context on its line
and a character class general enough for both values (``Request ID: `` then
``[A-Za-z0-9_-]+``). :class:`LearnedVolatility` applies a document's rules on
top of the built-in masks, to its comparison key and to the texts it diffs.

Safety: only spans that differed between the two fetches become rules; a
learning round that finds too much difference (more than a few lines, or a
long run of words) learns nothing, since that is a page being edited
rather than noise; a rule needs context on its line (literal words or the
line's ends) unless its class is narrow, never masks more than half of a
text, and a document keeps at most :data:`MAX_RULES` rules, newest last.

Everything here is pure: texts in, texts and rules out.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from monitor.content.normalize import BLOCK_SEPARATOR, comparison_key

__all__ = ["MARK", "MAX_RULES", "IgnoredChange", "LearnedVolatility", "VolatileRule", "learn"]

MARK = "⟨learned⟩"
"""What a learned rule puts in place of the span it matches (the built-in masks use ``⟨clock⟩`` and such)."""

MAX_RULES = 24
"""Rules kept per document; the oldest go first."""

MAX_IGNORED = 20
"""Noise-only changes remembered per document, for ``railwatch history``."""

_MAX_NEW_RULES = 8  # one learning round adds at most this many rules ...
_MAX_CHANGED_LINES = 6  # ... and learns nothing when more lines than this differ
_MAX_SPAN = 120  # a differing span longer than this (characters, either side) is content, not noise
_MAX_MASKED_SHARE = 0.5  # a rule never masks more than this share of a text's characters
_CONTEXT_CHARS = 32
_CONTEXT_WORDS = 3
_MIN_CONTEXT = 3  # non-space characters of literal context a broad class needs

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(rf"⟨\w+⟩|[{_CJK}]|[^\W{_CJK}]+|\s+|[^\w\s]")
_MARKER = re.compile(r"⟨\w+⟩")

# From narrow to broad: the first class that matches every example wins.
_CLASSES: tuple[tuple[str, bool], ...] = (  # (regex, broad)
    (r"\d+(?:[.,:/ ]\d+)*", False),  # numbers in any grouping: "88" teaches "192,231" and "12 345" too
    (r"[0-9A-Fa-f]+", False),
    (r"[A-Za-z0-9]+", True),
    (r"[A-Za-z0-9_-]+", True),
    (r"[\w.+/=-]+", True),
    (r"[^\s⟨⟩]+", True),
    (r"[^\n⟨⟩]+?", True),
)


@dataclass(frozen=True, slots=True)
class VolatileRule:
    """One learned volatile part of a document: ``pattern`` matches it in the document's masked text."""

    pattern: str
    learned_at: str  # ISO 8601
    snapshot: int | None  # the snapshot whose confirmation fetch taught it
    example: tuple[str, str]  # the span in the first fetch and in the second

    def as_json(self) -> dict[str, Any]:
        return {"pattern": self.pattern, "learned_at": self.learned_at, "snapshot": self.snapshot,
                "example": list(self.example)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> VolatileRule:
        example = data.get("example") or ("", "")
        return cls(str(data["pattern"]), str(data.get("learned_at") or ""), data.get("snapshot"),
                   (str(example[0]), str(example[1])))


@dataclass(frozen=True, slots=True)
class IgnoredChange:
    """A snapshot that seemed changed but differed from the one before only in learned volatile parts."""

    snapshot: int | None
    at: str  # ISO 8601
    patterns: tuple[str, ...]  # the rules that masked the difference

    def as_json(self) -> dict[str, Any]:
        return {"snapshot": self.snapshot, "at": self.at, "patterns": list(self.patterns)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> IgnoredChange:
        return cls(data.get("snapshot"), str(data.get("at") or ""), tuple(data.get("patterns") or ()))


@dataclass(frozen=True)
class LearnedVolatility:
    """A document's learned rules (the ``documents.volatile`` column), and how to apply them."""

    rules: tuple[VolatileRule, ...] = ()
    ignored: tuple[IgnoredChange, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.rules)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> LearnedVolatility:
        if not data:
            return _EMPTY
        rules = []
        for raw in data.get("rules") or ():
            try:
                rule = VolatileRule.from_json(raw)
                re.compile(rule.pattern)
            except (KeyError, TypeError, IndexError, re.error):
                continue  # a damaged entry is dropped, not fatal
            rules.append(rule)
        ignored = tuple(IgnoredChange.from_json(raw) for raw in data.get("ignored") or () if isinstance(raw, dict))
        return cls(tuple(rules), ignored)

    def as_json(self) -> dict[str, Any] | None:
        if not self.rules and not self.ignored:
            return None
        return {"rules": [rule.as_json() for rule in self.rules],
                "ignored": [entry.as_json() for entry in self.ignored]}

    @cached_property
    def _compiled(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(rule.pattern, re.MULTILINE) for rule in self.rules)

    def mask(self, text: str) -> str:
        """``text`` (a normalised text) with the built-in masks and then every learned rule applied.

        Blocks stay apart (:data:`~monitor.content.normalize.BLOCK_SEPARATOR`), so the
        result can be diffed and split into segments like the text itself. A line that
        a rule masks whole is dropped: it may be missing from the next fetch.
        """
        blocks = (self._mask_block(block) for block in text.split(BLOCK_SEPARATOR))
        return BLOCK_SEPARATOR.join(block for block in blocks if block)

    def _mask_block(self, block: str) -> str:
        masked = comparison_key(block, normalized=True)
        for regex in self._compiled:
            masked = regex.sub(MARK, masked)
        if MARK in masked:
            masked = "\n".join(line for line in masked.split("\n") if line.strip() != MARK)
        return masked

    def key(self, text: str) -> bytes:
        """The comparison key of ``text`` under these rules (the snapshot key of a document that has rules)."""
        return hashlib.sha256(self.mask(text).replace(BLOCK_SEPARATOR, "\n").encode("utf-8")).digest()

    def responsible(self, before: str, after: str) -> tuple[str, ...]:
        """The patterns that matched differently in two texts: why they count as equal."""
        a, b = _lines_masked(before), _lines_masked(after)
        return tuple(rule.pattern for rule, regex in zip(self.rules, self._compiled, strict=True)
                     if regex.findall(a) != regex.findall(b))

    def stamped(self, snapshot: int) -> LearnedVolatility:
        """The rules learned without a snapshot (just now) credited to ``snapshot``."""
        if all(rule.snapshot is not None for rule in self.rules):
            return self
        rules = tuple(rule if rule.snapshot is not None else VolatileRule(rule.pattern, rule.learned_at, snapshot,
                                                                           rule.example) for rule in self.rules)
        return LearnedVolatility(rules, self.ignored)

    def with_ignored(self, entry: IgnoredChange) -> LearnedVolatility:
        return LearnedVolatility(self.rules, (*self.ignored, entry)[-MAX_IGNORED:])

    def with_rules(self, rules: Iterable[VolatileRule]) -> LearnedVolatility:
        known = {rule.pattern for rule in self.rules}
        added = [rule for rule in rules if rule.pattern not in known]
        return LearnedVolatility((*self.rules, *added)[-MAX_RULES:], self.ignored)


_EMPTY = LearnedVolatility()


def _lines_masked(text: str) -> str:
    return comparison_key(text, normalized=True)


# ------------------------------------------------------------------ learning


@dataclass(frozen=True, slots=True)
class _Span:
    """A differing run of tokens in a line pair: ``a[i1:i2]`` in the first fetch, ``b[j1:j2]`` in the second."""

    i1: int
    i2: int
    j1: int
    j2: int


def learn(first: str, second: str, known: LearnedVolatility, *, now: datetime,
          snapshot: int | None = None) -> LearnedVolatility:
    """``known`` plus rules for what differs between two fetches of one document at one moment.

    ``first`` and ``second`` are the normalised texts of the two fetches. Returns
    ``known`` itself when there is nothing (safe) to learn.
    """
    a_lines = _lines(known.mask(first))
    b_lines = _lines(known.mask(second))
    if a_lines == b_lines:
        return known
    pairs, lonely = _changed_lines(a_lines, b_lines)
    changed = len(pairs) + len(lonely)
    if changed > _MAX_CHANGED_LINES:
        return known
    stamp = now.isoformat()
    rules: list[VolatileRule] = []
    for x, y in pairs:
        found = _line_rules(x, y, stamp, snapshot)
        if found is None:
            return known  # a difference no safe rule covers: the page is being edited, not noisy
        rules.extend(found)
    for line in lonely:
        rule = _lonely_rule(line, stamp, snapshot)
        if rule is None:
            return known
        rules.append(rule)
    if not rules or len(rules) > _MAX_NEW_RULES:
        return known
    learned = known.with_rules(rules)
    if not _safe(learned, first, second):
        return known
    return learned


def _lines(masked: str) -> list[str]:
    return [line for line in masked.replace(BLOCK_SEPARATOR, "\n").split("\n") if line.strip()]


def _changed_lines(a: list[str], b: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """Lines that differ, paired where a line was changed; ``lonely`` ones appear in one fetch only."""
    pairs: list[tuple[str, str]] = []
    lonely: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        left, right = a[i1:i2], b[j1:j2]
        count = min(len(left), len(right))
        pairs.extend(zip(left[:count], right[:count], strict=True))
        lonely.extend(left[count:])
        lonely.extend(right[count:])
    return pairs, lonely


def _glued(token: str) -> bool:
    """A token that is part of a word: not space, not a CJK character, not a mask."""
    return not token.isspace() and not re.fullmatch(f"[{_CJK}]", token) and not _MARKER.fullmatch(token)


def _spans(a: list[str], b: list[str]) -> list[_Span]:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    spans: list[_Span] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if spans:
            last = spans[-1]
            gap = "".join(a[last.i2:i1])
            glue = gap.isspace() or (len(gap) <= 2 and not any(c.isspace() for c in gap))
            if glue and not _MARKER.search(gap):  # one word ("0.0231") or phrase ("an hour") over two edits
                spans[-1] = _Span(last.i1, i2, last.j1, j2)
                continue
        spans.append(_Span(i1, i2, j1, j2))
    return [_widen(a, b, span) for span in spans]


def _widen(a: list[str], b: list[str], span: _Span) -> _Span:
    """Grow a span to whole words on both sides (``7`` in ``node-7`` → ``node-7``), equally in both lines."""
    i1, i2, j1, j2 = span.i1, span.i2, span.j1, span.j2

    def starts_glued() -> bool:
        return (i1 < i2 and _glued(a[i1])) or (j1 < j2 and _glued(b[j1]))

    def ends_glued() -> bool:
        return (i1 < i2 and _glued(a[i2 - 1])) or (j1 < j2 and _glued(b[j2 - 1]))

    while i1 > 0 and j1 > 0 and _glued(a[i1 - 1]) and a[i1 - 1] == b[j1 - 1] and starts_glued():
        i1, j1 = i1 - 1, j1 - 1
    while i2 < len(a) and j2 < len(b) and _glued(a[i2]) and a[i2] == b[j2] and ends_glued():
        i2, j2 = i2 + 1, j2 + 1
    return _Span(i1, i2, j1, j2)


def _line_rules(x: str, y: str, stamp: str, snapshot: int | None) -> list[VolatileRule] | None:
    """Rules that make two versions of one line equal, or None when a difference looks like content."""
    a, b = _TOKEN.findall(x), _TOKEN.findall(y)
    spans = _spans(a, b)
    rules: list[VolatileRule] = []
    for n, span in enumerate(spans):
        old, new = "".join(a[span.i1:span.i2]), "".join(b[span.j1:span.j2])
        if len(old) > _MAX_SPAN or len(new) > _MAX_SPAN:
            return None
        if _MARKER.search(old + new) and not _one_masked(old, new):
            continue  # built-in masks and words mixed: no rule of ours
        start = spans[n - 1].i2 if n else 0
        end = spans[n + 1].i1 if n + 1 < len(spans) else len(a)
        pattern = _pattern(old, new, a[start:span.i1], a[span.i2:end], at_start=n == 0,
                           at_end=n + 1 == len(spans))
        if pattern is not None:
            rules.append(VolatileRule(pattern, stamp, snapshot, (old.strip(), new.strip())))
    return rules


def _one_masked(old: str, new: str) -> bool:
    """One value is a built-in mask (``⟨token⟩``), the other a word that mask missed (``0000000G``)."""
    a, b = old.strip(), new.strip()
    return bool(a and b) and (bool(_MARKER.fullmatch(a)) != bool(_MARKER.fullmatch(b))) and \
        not _MARKER.search(a if not _MARKER.fullmatch(a) else b)


def _class_for(old: str, new: str) -> tuple[str, bool] | None:
    """The narrowest class matching both values (spaces at their ends aside), and whether it is broad.

    A value that a built-in mask replaced is matched as that mask, the other by its class alone.
    """
    present = [value.strip() for value in (old, new) if value.strip() and not _MARKER.fullmatch(value.strip())]
    masked = len(present) == 1 and _one_masked(old, new)
    found = next(((regex, broad) for regex, broad in _CLASSES
                  if all(re.fullmatch(regex, value) for value in present)), None)
    if found is None:
        return None
    regex, broad = found
    if broad and present and all(_token_like(value) for value in present) and (len(present) == 2 or masked):
        regex, broad = _token_class(present), False
    if masked:
        regex = rf"⟨\w+⟩|{regex}"
    lead = r"[^\S\n]*" if any(value[:1].isspace() for value in (old, new)) else ""
    trail = r"[^\S\n]*" if any(value[-1:].isspace() for value in (old, new)) else ""
    var = f"{lead}{regex}{trail}"
    if len(present) < 2 or lead or trail or masked:
        var = f"(?:{var})" + ("?" if len(present) < 2 and not masked else "")
    return var, broad


def _token_like(value: str) -> bool:
    """A machine-made word: letters and digits mixed, no spaces (``q7Zk2``, ``node-7``)."""
    return bool(re.fullmatch(r"[\w-]+", value) and re.search(r"\d", value) and re.search(r"[^\W\d_]", value))


def _token_class(values: Sequence[str]) -> str:
    """Machine-made words of about these lengths, with a digit: ordinary words never match."""
    lo, hi = min(map(len, values)), max(map(len, values))
    return rf"(?=[\w-]{{0,{hi}}}\d)[\w-]{{{max(1, lo - 2)},{hi + 2}}}"


def _pattern(old: str, new: str, before: list[str], after: list[str], *, at_start: bool,
             at_end: bool) -> str | None:
    """``old``/``new`` as a regex with its literal context as look-behind and look-ahead, or None when unsafe."""
    chosen = _class_for(old, new)
    if chosen is None:
        return None
    var, broad = chosen
    left, left_edge = _context(before, at_start, reverse=True)
    right, right_edge = _context(after, at_end, reverse=False)
    literal = len(left.replace(" ", "")) + len(right.replace(" ", ""))
    strong = literal >= _MIN_CONTEXT
    edged = ((left_edge or right_edge) and literal >= 1) or (left_edge and right_edge and not broad)
    if not (strong or edged):
        return None  # too little context: the class would mask such words all over the document
    if var.endswith("+?") and not (right or right_edge):
        return None  # a lazy run needs an end
    head = ("^" if left_edge else "") + re.escape(left)
    tail = re.escape(right) + ("$" if right_edge else "")
    out = f"(?<={head})" if left else head
    out += var
    out += f"(?={tail})" if right else tail
    return out


def _context(tokens: list[str], line_edge: bool, *, reverse: bool) -> tuple[str, bool]:
    """Literal context next to a span: up to a few words or characters, and whether it reaches the line's edge."""
    picked: list[str] = []
    words = chars = 0
    sequence = reversed(tokens) if reverse else iter(tokens)
    exhausted = True
    for token in sequence:
        if _MARKER.fullmatch(token) or chars + len(token) > _CONTEXT_CHARS or words >= _CONTEXT_WORDS:
            exhausted = False
            break
        picked.append(token)
        chars += len(token)
        if not token.isspace() and not re.fullmatch(r"[^\w\s]", token):
            words += 1
    text = "".join(reversed(picked) if reverse else picked)
    return text, exhausted and line_edge


def _lonely_rule(line: str, stamp: str, snapshot: int | None) -> VolatileRule | None:
    """A line present in one fetch only: that exact line (numbers generalised) is volatile."""
    if len(line) > _MAX_SPAN or _MARKER.fullmatch(line.strip()):
        return None
    parts = re.split(r"(\d+)", line.strip())
    body = "".join(r"\d+" if n % 2 else re.escape(part) for n, part in enumerate(parts))
    return VolatileRule(f"^{body}$", stamp, snapshot, (line.strip(), ""))


def _safe(learned: LearnedVolatility, *texts: str) -> bool:
    """No rule masks more than half of a text, and all rules together leave at least half of it."""
    for text in texts:
        base = _lines_masked(text)
        size = _size(base)
        if not size:
            return False
        for regex in learned._compiled:
            if sum(_size(found.group(0)) for found in regex.finditer(base)) > _MAX_MASKED_SHARE * size:
                return False
        if _size(learned.mask(text).replace(MARK, "")) < (1 - _MAX_MASKED_SHARE) * size:
            return False
    return True


def _size(text: str) -> int:
    return len(text) - sum(text.count(space) for space in " \n")
