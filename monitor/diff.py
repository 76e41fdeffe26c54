"""What changed between two normalised texts, in words a reader can follow.

Texts are compared block by block (a block is a paragraph, heading, list
item or table row), then within each changed pair word by word, and
character by character inside runs of Chinese or Japanese script. Volatile
parts (clocks, counters, tokens) are masked first unless asked otherwise, so
a counter that moved beside a real edit does not show up in the summary.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from monitor.content.normalize import comparison_key, normalize_text
from monitor.content.volatile import mask_volatile

__all__ = ["BlockChange", "TextDiff", "diff_texts", "split_blocks", "unified"]

_CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff"
_TOKEN = re.compile(rf"⟨\w+⟩|[{_CJK_CHARS}]|[^\W{_CJK_CHARS}]+|\s+|[^\w\s]")
_CJK = re.compile(f"[{_CJK_CHARS}]")
_TINY = 4  # edits this short are shown with the word they sit in
_LONELY = 2  # ... and when that is all there is, with the next word too
_MERGE_GAP = 5  # equal text this short between two edits joins them into one
_RUN_CHARS = 60
_SUMMARY_ITEMS = 4


@dataclass(frozen=True)
class BlockChange:
    """One changed block: ``before`` is None for an added block, ``after`` None for a removed one."""

    before: str | None
    after: str | None


@dataclass(frozen=True)
class TextDiff:
    """The difference between two texts."""

    changed: bool
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed_blocks: tuple[BlockChange, ...]
    summary: str


@dataclass(frozen=True)
class _Edit:
    op: str  # "changed", "added" or "removed"
    old: str
    new: str


def split_blocks(text: str) -> list[str]:
    """The non-empty lines of a normalised text."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def _short(run: str) -> str:
    run = " ".join(run.split())
    return run if len(run) <= _RUN_CHARS else run[: _RUN_CHARS - 1].rstrip() + "…"


def _word_edits(before: str, after: str) -> list[_Edit]:
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    ops = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()]
    merged: list[list[int]] = []  # [i1, i2, j1, j2] spans of edits, gaps folded in
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        if merged:
            prev = merged[-1]
            gap = "".join(a[prev[1] : i1])
            if len(gap) <= _MERGE_GAP and "\n" not in gap:
                prev[1], prev[3] = i2, j2
                continue
        merged.append([i1, i2, j1, j2])
    edits: list[_Edit] = []
    for i1, i2, j1, j2 in merged:
        if len("".join(a[i1:i2])) <= _TINY and len("".join(b[j1:j2])) <= _TINY:
            (i1, i2), (j1, j2) = _widen(a, i1, i2), _widen(b, j1, j2)
        old, new = "".join(a[i1:i2]).strip(), "".join(b[j1:j2]).strip()
        if old and new:
            edits.append(_Edit("changed", old, new))
        elif new:
            edits.append(_Edit("added", "", new))
        elif old:
            edits.append(_Edit("removed", old, ""))
    return edits


def _glued(token: str) -> bool:
    return bool(token.strip()) and not _CJK.match(token)


def _widen(tokens: list[str], start: int, end: int) -> tuple[int, int]:
    """Grow a tiny edit to the whole token run it sits in ("30" → "09:30"), else to the next word."""
    lo, hi = start, end
    while lo > 0 and _glued(tokens[lo - 1]) and (lo == start or _glued(tokens[lo])):
        lo -= 1
    while hi < len(tokens) and _glued(tokens[hi]) and (hi == end or _glued(tokens[hi - 1])):
        hi += 1
    if (lo, hi) == (start, end) and len("".join(tokens[start:end])) <= _LONELY:
        k = end
        while k < len(tokens) and tokens[k].isspace():
            k += 1
        hi = k + 1 if k < len(tokens) else end
    return lo, hi


def _spaceless(text: str) -> str:
    return "".join(text.split())


def _pairs(a: list[str], b: list[str], masked: bool) -> list[tuple[int | None, int | None]]:
    """Pairs of changed block indexes (None where a block has no counterpart)."""
    key = comparison_key if masked else _spaceless
    keys_a = [key(x) for x in a]
    keys_b = [key(x) for x in b]
    out: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        left, right = list(range(i1, i2)), list(range(j1, j2))
        while left and right:
            i = left.pop(0)
            best = max(right, key=lambda j: difflib.SequenceMatcher(None, a[i], b[j]).quick_ratio())
            if difflib.SequenceMatcher(None, a[i], b[best]).ratio() < 0.3 and len(left) < len(right):
                out.append((None, right.pop(0)))
                left.insert(0, i)
                continue
            out.extend((None, j) for j in right[: right.index(best)])
            right = right[right.index(best) + 1 :]
            out.append((i, best))
        out.extend((i, None) for i in left)
        out.extend((None, j) for j in right)
    return out


def _summary(edits: list[_Edit]) -> str:
    parts = []
    for edit in edits[:_SUMMARY_ITEMS]:
        if edit.op == "changed":
            parts.append(f'changed "{_short(edit.old)}" → "{_short(edit.new)}"')
        elif edit.op == "added":
            parts.append(f'added "{_short(edit.new)}"')
        else:
            parts.append(f'removed "{_short(edit.old)}"')
    if len(edits) > _SUMMARY_ITEMS:
        parts.append(f"and {len(edits) - _SUMMARY_ITEMS} more")
    return "; ".join(parts)


def diff_texts(before: str, after: str, *, ignore_volatile: bool = True) -> TextDiff:
    """Compare two texts; with ``ignore_volatile`` clocks, counters and tokens never count."""
    prep = (lambda t: mask_volatile(normalize_text(t))) if ignore_volatile else normalize_text
    orig_a, orig_b = split_blocks(normalize_text(before)), split_blocks(normalize_text(after))
    a, b = [prep(x) for x in orig_a], [prep(x) for x in orig_b]
    blocks: list[BlockChange] = []
    edits: list[_Edit] = []
    for i, j in _pairs(a, b, ignore_volatile):
        old = orig_a[i] if i is not None else None
        new = orig_b[j] if j is not None else None
        blocks.append(BlockChange(old, new))
        edits.extend(_word_edits(a[i] if i is not None else "", b[j] if j is not None else ""))
    added = tuple(e.new for e in edits if e.op in ("added", "changed"))
    removed = tuple(e.old for e in edits if e.op in ("removed", "changed"))
    changed = bool(blocks)
    return TextDiff(
        changed=changed,
        added=added,
        removed=removed,
        changed_blocks=tuple(blocks),
        summary=_summary(edits) if changed else "no change",
    )


def unified(before: str, after: str, *, context: int = 2) -> str:
    """A short unified diff of two texts, one block per line."""
    a, b = split_blocks(normalize_text(before)), split_blocks(normalize_text(after))
    lines = difflib.unified_diff(a, b, fromfile="before", tofile="after", n=context, lineterm="")
    return "\n".join(lines)
