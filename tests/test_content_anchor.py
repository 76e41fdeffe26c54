"""Extraction anchors: an answer whose anchor equals the document's reads as its latest text.

The promise tested everywhere: equal anchors, equal texts. A page that changes
only outside its content element keeps its anchor (and is not extracted again);
any change to what the text is made from gives another anchor.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import etree

from monitor.content.extract import extract_text, parse_html
from monitor.detect import Reading, Unchanged, read_document

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "content" / "extract.yaml").read_text(encoding="utf-8")
)
SALT = "[[], []]"

PAGE = """<html><head><title>{title} - China Railway</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<div class="main"><article><h1>{title}</h1>
<p>From 12 March the K27 leaves Beijing at 17:26 on {days} and reaches Pyongyang the next morning.</p>
<p>Tickets are sold at the stations of Beijing and Dandong and by the railway's own website only.</p>
<p>Passengers need a valid visa; the train stops at Dandong for border formalities on both sides.</p>
</article></div>
<aside class="related"><ul><li><a href="/r/{related}">Related story number {related}</a></li></ul></aside>
<footer>Page generated {stamp} · visits {visits}</footer>
</body></html>"""


def page(*, title: str = "K27 timetable", days: str = "Mondays and Thursdays", related: int = 1,
         stamp: str = "2026-03-01 08:00:01", visits: int = 10) -> str:
    return PAGE.format(title=title, days=days, related=related, stamp=stamp, visits=visits)


def anchored(html: str, known: str | None = None, salt: str = SALT) -> tuple[str | None, str]:
    got = extract_text(html, anchor_salt=salt, known_anchor=known)
    return got.anchor, got.text


def test_noise_outside_the_content_keeps_the_anchor_and_the_text() -> None:
    first, text = anchored(page())
    again, same = anchored(page(related=7, stamp="2026-03-02 09:13:44", visits=99))
    assert first is not None and again == first
    assert same == text and "K27 leaves Beijing" in text


def test_a_new_text_read_against_an_old_anchor_keeps_its_date() -> None:
    """The date is looked for in the page as served, before invisible elements (such as a
    microdata ``<meta>`` in the body) are taken out, whether or not an anchor was known."""
    dated = page(days="Fridays").replace("<h1>", '<meta itemprop="datePublished" content="2026-02-27"><h1>')
    old, _ = anchored(page())
    plain = extract_text(dated, anchor_salt=SALT)
    against_old = extract_text(dated, anchor_salt=SALT, known_anchor=old)
    assert against_old.anchor != old and "Fridays" in against_old.text
    assert plain.published == against_old.published == date(2026, 2, 27)


def test_a_known_anchor_is_not_extracted_again() -> None:
    first, _ = anchored(page())
    anchor, text = anchored(page(related=3), known=first)
    assert anchor == first and text == ""  # the caller keeps the text it has


@pytest.mark.parametrize("edit", [
    {"days": "Mondays, Wednesdays and Saturdays"},  # the content itself
    {"title": "K27 timetable from March"},  # the title, which the text opens with
])
def test_what_the_text_is_made_from_changes_the_anchor(edit: dict[str, str]) -> None:
    first, text = anchored(page())
    other, changed = anchored(page(**edit), known=first)
    assert other != first and changed != text and changed  # extracted in full


def test_other_ignore_rules_give_another_anchor() -> None:
    assert anchored(page())[0] != anchored(page(), salt='[[], ["K27"]]')[0]


def test_no_anchor_without_a_salt_or_when_the_content_is_the_whole_body() -> None:
    assert extract_text(page()).anchor is None
    bare = "<html><body><p>" + "The K27 runs on Mondays and Thursdays. " * 5 + "</p></body></html>"
    assert extract_text(bare, anchor_salt=SALT).anchor is None


def test_read_document_says_unchanged_for_the_latest_anchor() -> None:
    def read(html: str, anchor: str | None = None) -> Reading | Unchanged:
        return read_document(html.encode(), "text/html; charset=utf-8", url="https://example.org/k27",
                             select=None, ignore_selectors=(), ignore_patterns=(), anchor=anchor)

    first = read(page())
    assert isinstance(first, Reading) and first.anchor is not None
    assert isinstance(read(page(visits=11), first.anchor), Unchanged)
    assert isinstance(read(page(days="Saturdays"), first.anchor), Reading)


def _outside_noise(html: str) -> str | None:
    """``html`` with a new element added next to every semantic container and at the end of the body."""
    root = parse_html(html)
    body = root.find("body") if root is not None else None
    if body is None:
        return None
    for el in list(body.iter("article", "main")):
        parent = el.getparent()
        if parent is not None:
            parent.insert(parent.index(el) + 1, etree.fromstring('<div class="ad">Sponsored: 42 offers</div>'))
    body.append(etree.fromstring("<p>Rendered in 0.0137 s for visitor 5521</p>"))
    return etree.tostring(root, encoding="unicode", method="html")


# A `select` region carries no anchor, and a page with no body has nowhere to put noise.
ANCHORED = [c for c in CASES if not c.get("select") and _outside_noise(c["html"]) is not None]


@pytest.mark.parametrize("case", ANCHORED, ids=lambda c: c["name"])
def test_equal_anchors_mean_equal_texts(case: dict[str, Any]) -> None:
    ignore = case.get("ignore", ())
    noisy = _outside_noise(case["html"])
    assert noisy is not None
    first = extract_text(case["html"], ignore_selectors=ignore, anchor_salt=SALT)
    second = extract_text(noisy, ignore_selectors=ignore, anchor_salt=SALT)
    if first.anchor is not None and first.anchor == second.anchor:
        assert second.text == first.text and second.title == first.title


def _eval_steps() -> list[tuple[str, list[Path]]]:
    """Each page of the detection corpus (RAILWATCH_EVAL_DIR) in its successive versions."""
    from test_content_pages import _eval_pages

    versions: dict[str, list[Path]] = {}
    for step, files in _eval_pages():  # steps in order; a file's place in its step names the page
        case = step.split("/")[0]
        for f in files:
            parts = f.parts
            within = "/".join(parts[parts.index("site") + 2:])
            versions.setdefault(f"{case}/{within}", []).append(f)
    return sorted((name, files) for name, files in versions.items() if len(files) > 1)


@pytest.mark.skipif(not _eval_steps(), reason="RAILWATCH_EVAL_DIR not set")
@pytest.mark.parametrize(("name", "files"), _eval_steps() or [("none", [])], ids=lambda x: str(x)[:60])
def test_equal_anchors_mean_equal_texts_across_a_sites_versions(name: str, files: list[Path]) -> None:
    read = [extract_text(f.read_text(encoding="utf-8"), anchor_salt=SALT) for f in files]
    for before, after in pairwise(read):
        if before.anchor is not None and before.anchor == after.anchor:
            assert after.text == before.text and after.title == before.title, name
