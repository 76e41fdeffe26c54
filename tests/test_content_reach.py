"""A page's reach: answers that differ from the last one only after its content read unchanged unparsed.

The promise: whenever an answer reads as unchanged by its reach, reading it in full
gives the same text and title. Everything else reads as before.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import monitor.detect
from monitor.content.reach import prefix_safe
from monitor.detect import Reading, Unchanged, read_document

UTF8 = "text/html; charset=utf-8"
ARTICLE = (
    "<p>From 12 March the K27 leaves Beijing at 17:26 on {days} and reaches Pyongyang the next morning.</p>\n"
    "<p>Tickets are sold at the stations of Beijing and Dandong and by the railway's own website only.</p>\n"
    "<p>Passengers need a valid visa; the train stops at Dandong for border formalities on both sides.</p>\n"
    "<p>The through coaches of the K27 are attached to the Dandong train at Beijing and run on alone.</p>\n"
    "<p>Soft-sleeper berths are sold first; hard-sleeper berths only once the soft ones are gone.</p>\n"
    "<p>The return train, the K28, leaves Pyongyang in the morning and reaches Beijing the next day.</p>\n"
)
PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>K27 timetable - China Railway</title></head>
<body>
<header><nav><a href="/">Home</a> <a href="/news">News</a></nav>{header}</header>
<main><article><h1>K27 timetable</h1>
{article}</article></main>
<aside class="related"><ul>{related}</ul></aside>
<footer>Page generated {stamp} · visits {visits}</footer>
</body></html>
"""


def page(*, days: str = "Mondays and Thursdays", header: str = "", related: int = 1, stamp: str = "08:00:01",
         visits: int = 10, after: str = "", article: str = ARTICLE) -> bytes:
    items = "".join(f'<li><a href="/r/{related + i}">Related story {related + i}</a></li>' for i in range(3))
    html = PAGE.format(days=days, header=header, related=items, stamp=stamp, visits=visits,
                       article=article.format(days=days))
    return html.replace("</body>", after + "</body>").encode("utf-8")


def read(body: bytes, latest: Reading | Unchanged | None = None, *, content_type: str = UTF8,
         ignore: tuple[str, ...] = ()) -> Reading | Unchanged:
    """``body`` read against the latest reading (its anchor and stored reach), as the recorder does."""
    return read_document(body, content_type, url="https://example.org/k27", select=None,
                         ignore_selectors=ignore, ignore_patterns=(),
                         anchor=latest.anchor if latest else None, reach=latest.reach if latest else None)


@pytest.fixture
def unparsed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the pages parsed by read_document (the reach spares the others)."""
    calls: list[int] = []
    extract = monitor.detect.extract_text

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return extract(*args, **kwargs)

    monkeypatch.setattr(monitor.detect, "extract_text", counting)
    return calls


def test_a_change_after_the_content_reads_unchanged_without_parsing(unparsed: list[int]) -> None:
    first = read(page())
    assert isinstance(first, Reading) and first.anchor and first.reach and first.reach.count(":") == 4
    unparsed.clear()
    again = read(page(related=7, stamp="09:13:44", visits=99), first)
    assert again == Unchanged(first.anchor, "utf-8") and not unparsed  # the document keeps its reach


@pytest.mark.parametrize("edit", [{"days": "Saturdays"}, {"header": "<p>Updated 09:00</p>"}])
def test_a_change_before_the_content_ends_is_parsed(edit: dict[str, str], unparsed: list[int]) -> None:
    first = read(page())
    assert isinstance(first, Reading)
    unparsed.clear()
    again = read(page(**edit), first)
    assert unparsed == [1]
    if "days" in edit:
        assert isinstance(again, Reading) and "Saturdays" in again.text
    else:  # the header is not the content: the anchor still says unchanged
        assert isinstance(again, Unchanged) and again.anchor == first.anchor


def test_a_page_grown_past_its_reach_is_parsed_and_read_anew(unparsed: list[int]) -> None:
    """Enough text after the article, and the article no longer holds half the page."""
    first = read(page())
    assert isinstance(first, Reading)
    comments = "<div>" + "<p>Reader comment: the K27 was late again at Dandong last week.</p>\n" * 60 + "</div>"
    unparsed.clear()
    grown = read(page(after=comments), first)
    assert unparsed == [1] and isinstance(grown, Reading) and grown.text != first.text


def test_other_ignore_rules_or_another_charset_are_parsed(unparsed: list[int]) -> None:
    ascii_only = page().replace("·".encode(), b"-")  # so that a single-byte label is believed
    first = read(ascii_only)
    assert isinstance(first, Reading)
    noisy = ascii_only.replace(b"08:00:01", b"10:00:00")
    unparsed.clear()
    assert isinstance(read(noisy, first, ignore=(".related",)), Reading)  # another anchor: read in full
    assert read(noisy, first, content_type="text/html; charset=windows-1252") == Unchanged(
        first.anchor or "", "cp1252")  # read again: the same text, by its anchor
    assert unparsed == [1, 1]


def test_a_page_in_gbk_has_a_reach_too(unparsed: list[int]) -> None:
    gbk = "text/html; charset=gbk"
    zh = ARTICLE.replace("From 12 March the K27 leaves Beijing", "自3月12日起，K27次列车从北京开出")

    def body(stamp: str) -> bytes:
        return page(article=zh, stamp=stamp).decode("utf-8").replace('charset="utf-8"', 'charset="gbk"') \
            .encode("gbk")

    first = read(body("08:00:01"), content_type=gbk)
    assert isinstance(first, Reading) and "K27次列车" in first.text and ":gb18030:" in (first.reach or "")
    unparsed.clear()
    assert isinstance(read(body("08:30:00"), first, content_type=gbk), Unchanged) and not unparsed


def test_the_cut_never_falls_inside_a_comment() -> None:
    """The line before the one after the article ends inside a comment: the page is cut a line later."""
    body = page().replace(b"</article></main>\n<aside", b"</article></main><!-- sponsored\nslot 7 --><aside")
    first = read(body)
    assert isinstance(first, Reading) and first.reach is not None and not first.reach.endswith(":-")
    cut = int(first.reach.split(":")[2])
    assert body.index(b"-->") < cut and body[cut - 1:cut] == b"\n"
    assert isinstance(read(body.replace(b"08:00:01", b"08:00:02"), first), Unchanged)


@pytest.mark.parametrize("html", [
    # no <h1>: the title comes from <title> or <meta>, which a later element may override
    page().replace(b"<h1>K27 timetable</h1>", b""),
    # everything on one line: nothing to cut before the end
    page().replace(b"\n", b" "),
])
def test_pages_without_a_reach_say_so(html: bytes) -> None:
    first = read(html)
    assert isinstance(first, Reading) and first.anchor and first.reach and first.reach.endswith(":-")
    assert isinstance(read(html.replace(b"08:00:01", b"08:00:02"), first), Unchanged)  # by anchor


def test_ignore_rules_that_may_look_ahead_give_no_reach() -> None:
    assert prefix_safe([".ad", "nav > ul", "css:div.share"])
    assert not prefix_safe(["li:last-child"]) and not prefix_safe(["xpath://div[following::aside]"])
    first = read(page(), ignore=("p:last-child",))
    assert isinstance(first, Reading) and first.reach is not None and first.reach.endswith(":-")


# Markup added after the article: text that outweighs it, new containers, markup left open.
AFTER = st.lists(st.sampled_from([
    "<p>" + "Plain text of some length about trains to Pyongyang. " * 12 + "</p>\n",
    "<article><p>" + "A related story with a long teaser about the Dandong bridge. " * 10 + "</p></article>\n",
    "<main><article><h1>Another headline</h1><p>" + "Short. " * 30 + "</p></article></main>\n",
    '<meta property="og:title" content="Overridden"><h1>Late headline</h1>\n',
    '<a href="/x">an open link swallowing what follows\n', "<!-- an open comment\n", "<script>var x = 1;\n",
    "</main></article>\n", "<ul><li><a href='/y'>Link</a></li></ul>\n", "</body></html>\n", "<div><div><div>\n",
]), max_size=6).map("".join)


# The article as it is, or with an inner container that holds about half of the page as well.
_PARAGRAPHS = ARTICLE.splitlines(keepends=True)
NESTED = "".join(_PARAGRAPHS[:2]) + '<section><article class="inner">\n' + "".join(_PARAGRAPHS[2:]) + \
    "</article></section>\n"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=AFTER, after=AFTER, days=st.sampled_from(["Mondays", "Mondays and Thursdays"]),
       article=st.sampled_from([ARTICLE, NESTED]))
def test_unchanged_by_reach_means_unchanged_when_read_in_full(before: str, after: str, days: str,
                                                              article: str) -> None:
    first = read(page(after=before, days=days, article=article))
    second_body = page(after=after, days=days, stamp="23:59:59", article=article)
    by_reach = read(second_body, first)
    if isinstance(by_reach, Unchanged) and isinstance(first, Reading):
        in_full = read(second_body)
        assert isinstance(in_full, Reading)
        # (the anchor may differ: it names the start by its place, which an element of the same
        # name added after it numbers)
        assert in_full.text == first.text and in_full.title == first.title


def _corpus_versions() -> list[tuple[str, list[Path]]]:
    """Each page of the detection corpus (RAILWATCH_EVAL_DIR) in its successive versions."""
    from test_content_anchor import _eval_steps

    return _eval_steps()


@pytest.mark.skipif(not _corpus_versions(), reason="RAILWATCH_EVAL_DIR not set")
@pytest.mark.parametrize(("name", "files"), _corpus_versions() or [("none", [])], ids=lambda x: str(x)[:60])
def test_the_corpus_reads_the_same_by_reach_as_in_full(name: str, files: list[Path]) -> None:
    """Each version of a page, with fresh noise, read against the one before it as the recorder does."""
    from test_content_pages import fill_noise

    now = datetime(2026, 11, 21, 14, 3, 22)
    bodies = [fill_noise(f.read_text(encoding="utf-8"), random.Random(n), now + timedelta(hours=n)).encode()
              for n, f in enumerate(f for f in files for _ in range(2))]  # each version twice: noise alone
    latest = read(bodies[0], content_type="text/html")
    for body in bodies[1:]:
        got = read(body, latest, content_type="text/html")
        in_full = read(body, content_type="text/html")
        assert isinstance(in_full, Reading)
        if isinstance(got, Unchanged):
            assert isinstance(latest, Reading) and in_full.text == latest.text, name
            latest = replace(latest, reach=got.reach or latest.reach)  # as the document keeps it
        else:
            assert got.text == in_full.text, name
            latest = got
