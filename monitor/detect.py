"""Deciding which change events one fetched document yields: pure functions.

The recorder (:mod:`monitor.recorder`) reads the archive, calls these, and
writes what they return.  Nothing here does I/O.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from monitor.content import reach as page_reach
from monitor.content.decode import decode_html
from monitor.content.extract import ANCHOR_REVISION, extract_text
from monitor.content.normalize import comparison_key, normalize_text
from monitor.diff import diff_texts
from monitor.facts import matches_keywords, segment
from storage.archive import NewEvent

__all__ = ["Reading", "Unchanged", "content_event", "new_event", "read_document", "removed_event"]


@dataclass(frozen=True)
class Reading:
    """A fetched body as the detector sees it: watched text and its comparison key."""

    text: str
    key: bytes
    title: str
    encoding: str
    published: date | None
    anchor: str | None = None  # digest of what the text was extracted from (see extract_text)
    reach: str | None = None  # the stored reach that goes with the anchor (see monitor.content.reach)


@dataclass(frozen=True)
class Unchanged:
    """A fetched body whose watched text is the document's latest: what it is extracted from digests
    to the document's anchor, or it differs from the answer the document's reach was measured on
    only past that reach, so it was not extracted again (nor its publication date looked for:
    the same text keeps the date it was read with). ``reach``: a newly measured reach, if any."""

    anchor: str
    encoding: str
    reach: str | None = None


@lru_cache(maxsize=1024)
def _salt(ignore_selectors: tuple[str, ...], ignore_patterns: tuple[str, ...]) -> str:
    """What besides the page shapes its text: a source's ignore rules (the same for all its pages)."""
    return json.dumps([list(ignore_selectors), list(ignore_patterns)], ensure_ascii=False)


def read_document(body: bytes, content_type: str | None, *, url: str, select: str | None,
                  ignore_selectors: Sequence[str], ignore_patterns: Sequence[str],
                  anchor: str | None = None, reach: str | None = None) -> Reading | Unchanged:
    """The watched text of a body, or :class:`Unchanged` when it reads as the document's latest: it
    digests to ``anchor``, or differs only past ``reach`` from the answer the anchor was made from."""
    decoded = decode_html(body, content_type)
    salt = _salt(tuple(ignore_selectors), tuple(ignore_patterns))
    reach_salt = f"{ANCHOR_REVISION}\0{salt}"
    if anchor is not None and page_reach.reaches(reach, body, decoded.encoding, reach_salt):
        return Unchanged(anchor, decoded.encoding)
    reach_known = not page_reach.stale(reach, reach_salt)
    extracted = extract_text(decoded.text, url=url, select=select, ignore_selectors=ignore_selectors,
                             anchor_salt=salt, known_anchor=anchor, reach_known=reach_known)
    measured = None if extracted.anchor is None or (extracted.anchor == anchor and reach_known) else \
        page_reach.record(body, decoded.text, extracted.reach, decoded.encoding, reach_salt)
    if extracted.anchor is not None and extracted.anchor == anchor:
        return Unchanged(extracted.anchor, decoded.encoding, measured)
    text = normalize_text(extracted.text, ignore_patterns, folded=True)
    key = hashlib.sha256(comparison_key(text, normalized=True).encode("utf-8")).digest()
    return Reading(text, key, extracted.title, decoded.encoding, extracted.published, extracted.anchor, measured)


def relevant(text: str, keywords: Sequence[str]) -> bool:
    return not keywords or matches_keywords(text, keywords)


def on_topic_lines(text: str, keywords: Sequence[str]) -> set[str | None]:
    """The lines of every segment that mentions a keyword."""
    return {
        line.strip()
        for part in segment(text)
        if matches_keywords(part.text, keywords)
        for line in part.text.split("\n")
        if line.strip()
    }


def new_event(reading: Reading, keywords: Sequence[str]) -> NewEvent | None:
    """A ``new`` event for a document that appeared after the baseline, if it is on topic."""
    if not relevant(reading.title + "\n\n" + reading.text, keywords):
        return None
    title = reading.title or _first_line(reading.text)
    return NewEvent(kind="new", summary=f"New: {title}", detail={"title": title})


def content_event(before: str, after: str, keywords: Sequence[str],
                  snapshot_before: int | None) -> NewEvent | None:
    """A ``content`` event when the watched text changed in a way a reader cares about.

    Clocks, counters and tokens are masked by the diff itself.  With keywords, only
    changes inside a segment (a paragraph, or a question with its answer and
    follow-on paragraphs) that mentions one of them count.
    """
    diff = diff_texts(before, after)
    if not diff.changed:
        return None
    if keywords:
        old, new = on_topic_lines(before, keywords), on_topic_lines(after, keywords)
        if not any(block.before in old or block.after in new for block in diff.changed_blocks):
            return None
    detail: dict[str, Any] = {"added": list(diff.added[:20]), "removed": list(diff.removed[:20])}
    return NewEvent(kind="content", summary=f"Changed: {diff.summary}", snapshot_before=snapshot_before,
                    detail=detail)


def removed_event(status: int, snapshot_before: int | None) -> NewEvent:
    return NewEvent(kind="removed", summary=f"Removed: the page now answers {status}",
                    snapshot_before=snapshot_before)


def _first_line(text: str) -> str:
    line = text.strip().split("\n", 1)[0].strip()
    return line[:120] + ("…" if len(line) > 120 else "")
