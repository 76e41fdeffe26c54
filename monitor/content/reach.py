"""How far into a page its watched text reaches: answers that differ only after that read unchanged.

Most re-fetches of a page differ from the last one only after its article: a rotating
"related" list, a footer clock. The text is made from the element the main content is
looked for in (the *start*, see :mod:`monitor.content.extract`) and the page's headline,
and an HTML parser builds the tree as it reads: nothing after the start's end can go
back into it. What can still move the text is the choice of the start itself, which
weighs the start's plain text against the whole page's. So, when a page is read in full,
its *reach* is measured:

- the page is cut at the end of a line after both the start and the headline end, and the
  bytes before the cut are kept as a digest;
- the cut page, parsed on its own and followed by a marker element, must show the same start
  and headline, and the marker outside them as an element (so the parser is at rest where
  the page is cut: not in a tag, a comment or a script); from the plain text before the cut
  follows how much markup may come after it (``max_suffix`` characters, each at most one
  character of text) before another element could hold half the page or the start could
  lose half of it.

A later answer with the same bytes up to the cut, decoded with the same codec, no more
than ``max_suffix`` bytes after it, and the same ignore rules, reads as the document's
latest without being parsed. Everything else takes the usual way (parse, compare the
anchor). The stored form is one string, :func:`record`; a page without a reach is
recorded as such, so that it is not measured again for the same anchor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from monitor.content.boilerplate import TextWeights, depth, following, strip_invisible

__all__ = ["PageReach", "measure", "prefix_safe", "reaches", "record", "salt_tag", "stale"]

# Characters the parts of a cut page may gain or lose against the whole: whitespace folded
# across the cut, a text or link cut in two.
_SLOP = 16
_MAX_LINE = 65535  # libxml2 stops counting lines here
_SENTINEL_TEXT = "railwatch cut"
_SENTINEL = f"<b>{_SENTINEL_TEXT}</b>"  # parsed after a cut: where it lands shows the parser's state there
_NONE = "-"  # the stored form of "this page has no reach"
_DIGEST_HEX = 32

Page = tuple[etree._Element, etree._Element, etree._Element | None]  # root, body, headline


@dataclass(frozen=True)
class PageReach:
    """The text of a page depends on its first ``lines`` lines and on at most ``max_suffix``
    characters after them."""

    lines: int
    max_suffix: int


def prefix_safe(selectors: Sequence[str]) -> bool:
    """True when ``ignore`` selectors decide on each element from what comes before its end.

    CSS matches on ancestors, preceding siblings and attributes; pseudo-classes such as
    ``:last-child`` or ``:has()``, and any XPath, may look further.
    """
    return all(":" not in expr.strip().removeprefix("css:") for expr in selectors)


def measure(html: str, start: etree._Element, headline: etree._Element | None, *, path: str, markup: bytes,
            reparse: Callable[[str], Page | None],
            candidates: Callable[[etree._Element], list[etree._Element]]) -> PageReach | None:
    """The reach of a page parsed from ``html`` whose content is looked for in ``start`` (invisible
    elements already gone; ``path`` and ``markup``: its place and serialization, as its anchor has
    them), or None when nothing short of the whole page decides.

    ``reparse`` parses a text as the page was (with the same ignore rules); ``candidates`` lists the
    elements the start is chosen among, in document order.
    """
    if headline is None or headline.tag != "h1" or html.lstrip().startswith("<?"):
        return None  # a title from <meta> or <h2>, or an XML declaration: a later element may change it
    after = [following(start), following(headline)]
    if after[0] is None or after[1] is None:
        return None
    line = max(after[0].sourceline or _MAX_LINE, after[1].sourceline or _MAX_LINE)
    if line >= _MAX_LINE:
        return None
    title = _markup(headline)
    for lines in (line - 1, line):  # the start often ends on the line before what follows it
        end = _line_end(html, "\n", lines)
        max_suffix = None if end is None else _cut(html[:end], path, markup, title, reparse, candidates)
        if max_suffix is not None:
            return PageReach(lines, max_suffix)
    return None


def _cut(prefix: str, path: str, start: bytes, headline: bytes, reparse: Callable[[str], Page | None],
         candidates: Callable[[etree._Element], list[etree._Element]]) -> int | None:
    """``max_suffix`` of a page cut after ``prefix``, or None when the cut page does not show the start
    and the headline closed and the parser at rest (not in a tag, comment or script) where it is cut."""
    page = reparse(prefix + _SENTINEL)
    if page is None:
        return None
    cut_root, cut_body, cut_headline = page
    weights = TextWeights(cut_root)
    strip_invisible(cut_body, weights)
    found = cut_root.getroottree().xpath(path)
    if not isinstance(found, list) or len(found) != 1 or not isinstance(found[0], etree._Element):
        return None
    cut_start = found[0]
    # Whatever comes after the cut lands outside the start and the headline: it cannot go back into them.
    if _markup(cut_start) != start or cut_headline is None or _markup(cut_headline) != headline:
        return None
    sentinel = cut_body
    while len(sentinel):
        sentinel = sentinel[-1]
    if sentinel.tag != "b" or sentinel.text != _SENTINEL_TEXT:
        return None
    prefix_plain = weights.plain(cut_body) - weights.plain(sentinel)
    start_depth = depth(cut_start)
    # The most plain text of another element that could be chosen before the start (the sentinel's
    # ancestors may go on after the cut).
    rival = max((weights.plain(el) for el in candidates(cut_root)
                 if el is not cut_start and depth(el) >= start_depth), default=0)
    if 2 * rival + _SLOP >= prefix_plain:
        return None
    # The suffix adds at most one character of text per character; the start keeps half of the page
    # while the page has at most twice its plain text; a rival needs at least half of it.
    max_suffix = min(2 * weights.plain(cut_start) - prefix_plain - _SLOP, prefix_plain - 2 * rival - _SLOP - 1)
    return max_suffix if max_suffix >= 0 else None


@lru_cache(maxsize=1024)
def salt_tag(salt: str) -> str:
    """A short digest of what besides the page shapes its text (the extraction's revision, a source's
    ignore rules): a reach measured under other rules says nothing."""
    return hashlib.sha256(salt.encode("utf-8")).hexdigest()[:16]


def record(body: bytes, text: str, reach: PageReach | None, codec: str, salt: str) -> str:
    """The stored reach of ``body`` (decoded with ``codec`` into ``text``): salt tag, codec, bytes
    before the cut, ``max_suffix`` and the digest of those bytes; or the mark of no reach."""
    tag = salt_tag(salt)
    if reach is None:
        return f"{tag}:{_NONE}"
    end = _line_end(body, b"\n", reach.lines)
    char_end = _line_end(text, "\n", reach.lines)
    # The cut falls where the text's does: the bytes before it decode to the text before it.
    if end is None or char_end is None or \
            body[:end].decode(codec, errors="replace").removeprefix("\ufeff") != text[:char_end]:
        return f"{tag}:{_NONE}"
    digest = hashlib.sha256(body[:end]).hexdigest()[:_DIGEST_HEX]
    return f"{tag}:{codec}:{end}:{reach.max_suffix}:{digest}"


def stale(stored: str | None, salt: str) -> bool:
    """True when ``stored`` says nothing about the page as the rules of ``salt`` read it."""
    return not stored or stored.split(":", 1)[0] != salt_tag(salt)


def reaches(stored: str | None, body: bytes, codec: str, salt: str) -> bool:
    """True when ``body``, decoded with ``codec``, reads as the answer ``stored`` was measured on."""
    if not stored:
        return False
    parts = stored.split(":")
    if len(parts) != 5 or parts[1] != codec or parts[0] != salt_tag(salt):
        return False
    end, max_suffix = int(parts[2]), int(parts[3])
    return end <= len(body) <= end + max_suffix and \
        hashlib.sha256(body[:end]).hexdigest()[:_DIGEST_HEX] == parts[4]


def _line_end(text: str | bytes, newline: str | bytes, lines: int) -> int | None:
    """The index just after the ``lines``-th newline of ``text``, or None when it has fewer."""
    parts = text.split(newline, lines)  # type: ignore[arg-type]
    return len(text) - len(parts[-1]) if len(parts) > lines else None


def _markup(el: etree._Element) -> bytes:
    markup: bytes = etree.tostring(el, encoding="utf-8", with_tail=False)
    return markup
