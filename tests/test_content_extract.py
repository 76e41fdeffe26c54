"""Main-text extraction, from the YAML table in tests/data/content/extract.yaml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor import content
from monitor.content import extract
from monitor.content.extract import extract_text
from monitor.content.normalize import normalize_text
from monitor.content.select import SelectorSyntaxError, split_ignore

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "content" / "extract.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_extract(case: dict[str, Any]) -> None:
    got = extract_text(case["html"], select=case.get("select"), ignore_selectors=case.get("ignore", ()))
    if "text" in case:
        assert normalize_text(got.text) == normalize_text(case["text"])
    for fragment in case.get("has", ()):
        assert fragment in got.text
    for fragment in case.get("lacks", ()):
        assert fragment not in got.text
    for field in ("title", "lang"):
        if field in case:
            assert getattr(got, field) == case[field]
    if "published" in case:
        want = case["published"]
        assert got.published == (
            want if isinstance(want, dt.date) or want is None else dt.date.fromisoformat(want)
        )


def test_blocks_are_separated_by_blank_lines() -> None:
    got = extract_text(
        "<html><body><article><h1>A</h1><p>one two</p><ul><li>x</li><li>y</li></ul></article></body></html>"
    )
    assert got.text == "A\n\none two\n\nx\n\ny"


def test_bad_selector_is_reported() -> None:
    with pytest.raises(SelectorSyntaxError):
        extract_text("<p>x</p>", select="div[")


@pytest.mark.parametrize(
    ("entries", "regexes", "selectors"),
    [
        (["\\d+ views", ".ad-banner"], ["\\d+ views"], [".ad-banner"]),
        (["aside", "div.x > p", "xpath://p", "#id"], [], ["aside", "div.x > p", "xpath://p", "#id"]),
        (
            ["copyright", "Просмотров: \\d+", "views today"],
            ["copyright", "Просмотров: \\d+", "views today"],
            [],
        ),
    ],
)
def test_split_ignore(entries: list[str], regexes: list[str], selectors: list[str]) -> None:
    assert split_ignore(entries) == (tuple(regexes), tuple(selectors))


def test_exports() -> None:
    assert set(extract.__all__) == {"Extracted", "extract_text", "parse_html"}


def test_package_exports() -> None:
    assert set(content.__all__) == {
        "Decoded", "Extracted", "SelectorSyntaxError", "canonical_url", "comparison_key", "decode_html",
        "extract_text", "find_item_links", "normalize_text", "split_ignore",
    }
    assert all(hasattr(content, name) for name in content.__all__)


@pytest.mark.parametrize(
    "text",
    ["", " ", "a", " a ", "a  b", "a\u00a0b", "a\tb\n", "\u3000x\u3000", "a \x1c b", "plain words, one space each"],
)
def test_folded_length_is_the_length_of_the_folded_text(text: str) -> None:
    from monitor.content.blocks import folded_length

    assert folded_length(text) == len(" ".join(text.split()))


def test_extracted_text_is_folded_blocks() -> None:
    html = (
        "<html><body><article><h1> A\u00a0title </h1>"
        "<p>one\n two\u3000 three</p><p> </p><p>four</p></article></body></html>"
    )
    got = extract_text(html).text
    assert normalize_text(got, folded=True) == normalize_text(got)
    assert got == "A title\n\none two three\n\nfour"


def test_main_role_is_found_whatever_the_attribute_case() -> None:
    body = "".join(f"<p>Filler paragraph {i} about nothing in particular at all.</p>" for i in range(6))
    notice = "".join(f"<p>The K27 train runs on Mondays and Fridays, notice {i}.</p>" for i in range(12))
    html = f"<html><body><div>{body}</div><DIV ROLE='main'><div>{notice}</div></DIV></body></html>"
    got = extract_text(html).text
    assert "notice 11" in got
    assert "Filler" not in got


def test_boilerplate_nested_in_boilerplate_goes_with_it() -> None:
    nav = "<nav><ul class='menu'><li><div class='share'>Share</div>Home</li></ul><p>Advertisement</p></nav>"
    article = "".join(f"<p>The K27 train runs on Mondays, paragraph {i}.</p>" for i in range(8))
    html = f"<html><body>{nav}<article>{article}</article><div class='sidebar'>Popular</div>tail</body></html>"
    got = extract_text(html).text
    assert "paragraph 7" in got
    assert not any(word in got for word in ("Share", "Home", "Advertisement", "Popular"))
