"""The located fast path of read_document: on a page whose article did not change it gives
exactly what the full extraction gives; a real change falls back to the full extraction."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.content.extract import extract_located, extract_text
from monitor.detect import Reading, read_document

OPTIONS = {"url": "https://example.org/n/1.html", "select": None, "ignore_selectors": (), "ignore_patterns": ()}
CTYPE = "text/html; charset=utf-8"

ARTICLE = (
    "<h1>Train K27 to run four times a week</h1>"
    "<p class='byline'>Published 18 April 2026</p>"
    "<p>The K27 service on the Beijing–Pyongyang line will run on Monday, Wednesday, Thursday and"
    " Saturday, departing Beijing at 17:27 and arriving in Pyongyang at 19:25 the following day.</p>"
    "<div class='share'><a href='/s'>Share</a> <a href='/t'>Tweet</a></div>"
    "<p>Passengers holding reservations for 24 March are advised to contact the ticket office at"
    " Dandong station before travelling. Soft-sleeper berths cost 1,200 yuan.</p>"
    "<div class='ad'>Advertisement</div>"
    "<ul><li>Sleeping cars run through to Pyongyang.</li><li>Meals are served between Beijing and Dandong.</li></ul>"
)


def page(article: str = ARTICLE, *, sidebar: int = 3, clock: str = "12:00", counter: int = 7,
         wrapper: str = "main", container: str = "<article class='story'>{}</article>") -> bytes:
    """A news page: the article among rotating noise (menus, related list, footer clock)."""
    related = "".join(f"<li><a href='/r/{i}'>Related story number {i} about trains</a></li>" for i in range(sidebar))
    filler = "".join(f"<div class='promo'>Promo {i}</div>" for i in range(counter % 4))
    html = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>K27 | Rail News</title>"
        "<style>.a{color:red}</style></head><body>"
        "<div class='logo'>Rail News</div>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/t'>Timetables</a></li></ul></nav>"
        f"{filler}<div class='sidebar'><h3>Related</h3><ul>{related}</ul></div>"
        f"<{wrapper}>{container.format(article)}</{wrapper}>"
        f"<footer><p>Page generated at {clock} UTC, {counter} readers online</p></footer>"
        "<script>var t = 1;</script></body></html>"
    )
    return html.encode("utf-8")


def full(body: bytes) -> Reading:
    return read_document(body, CTYPE, **OPTIONS)


def fast(body: bytes, before: Reading) -> Reading:
    return read_document(body, CTYPE, **OPTIONS, locator=before.locator, expected_key=before.key)


def test_a_full_extraction_records_where_the_article_is() -> None:
    reading = full(page())
    assert reading.locator is not None
    assert json.loads(reading.locator) == {"id": None, "path": [["main", None], ["article", "story"]]}


def test_the_locator_prefers_an_id_to_positions() -> None:
    body = page(wrapper="div id='content'", container="<div class='text'>{}</div>")
    body = body.replace(b"</div id='content'>", b"</div>")
    reading = full(body)
    assert reading.locator is not None
    assert json.loads(reading.locator) == {"id": "content", "path": [["div", "text"]]}


NOISE = st.fixed_dictionaries({
    "sidebar": st.integers(0, 8),
    "clock": st.sampled_from(["00:00", "09:41", "23:59"]),
    "counter": st.integers(0, 40),
})


@settings(max_examples=60, deadline=None)
@given(before=NOISE, after=NOISE)
def test_noise_outside_the_article_gives_the_full_reading(before: dict[str, object],
                                                          after: dict[str, object]) -> None:
    first = full(page(**before))  # type: ignore[arg-type]
    again = page(**after)  # type: ignore[arg-type]
    assert fast(again, first) == full(again)
    located = extract_located(again.decode("utf-8"), str(first.locator))
    assert located is not None
    assert replace(located, lang=None) == replace(extract_text(again.decode("utf-8")), lang=None)


EDITS = [
    ("paragraph", "Soft-sleeper berths cost 1,200 yuan.", "Soft-sleeper berths cost 1,450 yuan."),
    ("list item", "Meals are served between Beijing and Dandong.", "No meals are served on board."),
    ("headline", "Train K27 to run four times a week", "Train K27 to run daily"),
    ("date", "Published 18 April 2026", "Published 19 April 2026"),
]


@pytest.mark.parametrize(("name", "old", "new"), EDITS, ids=[e[0] for e in EDITS])
def test_an_edit_inside_the_article_is_read_in_full(name: str, old: str, new: str) -> None:
    first = full(page())
    edited = page(ARTICLE.replace(old, new), sidebar=5, clock="13:00")
    got = fast(edited, first)
    assert got == full(edited)
    assert got.key != first.key or got.published != first.published
    assert new in got.title + got.text or got.published != first.published


def test_a_moved_article_is_read_in_full() -> None:
    first = full(page())
    moved = page(wrapper="section", container="<div class='body'>{}</div>")
    assert extract_located(moved.decode("utf-8"), str(first.locator)) is None
    assert fast(moved, first) == full(moved)


def test_an_ambiguous_locator_finds_nothing() -> None:
    first = full(page())
    twice = page().replace(b"<footer>", b"<main><article class='story'><p>x</p></article></main><footer>")
    assert extract_located(twice.decode("utf-8"), str(first.locator)) is None
    assert fast(twice, first) == full(twice)


@pytest.mark.parametrize("locator", ["", "not json", "[1, 2]", '{"id": null, "path": [["div"]]}'])
def test_a_broken_locator_finds_nothing(locator: str) -> None:
    assert extract_located(page().decode("utf-8"), locator) is None
    first = full(page())
    assert read_document(page(), CTYPE, **OPTIONS, locator=locator, expected_key=first.key) == first


def test_a_select_reading_has_no_locator() -> None:
    options = {**OPTIONS, "select": "article"}
    assert read_document(page(), CTYPE, **options).locator is None  # type: ignore[arg-type]


def test_without_a_previous_key_the_page_is_read_in_full() -> None:
    first = full(page())
    assert read_document(page(clock="01:00"), CTYPE, **OPTIONS, locator=first.locator) == full(page(clock="01:00"))
