"""Gated regexes answer exactly as the plain regex does; long fleet-like texts are handled."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.facts import dates, days, extract_facts, routes, status, times, trains
from monitor.facts.gate import Gated, gated, scope
from monitor.facts.literals import digit_opening, fold, required_literals, top_branches

GATED = [
    pytest.param(value, id=f"{module.__name__.rsplit('.', 1)[-1]}.{name}")
    for module in (status, days, dates, times, trains, routes)
    for name, value in vars(module).items()
    if isinstance(value, Gated)
]

# Words from the patterns, with the characters re.IGNORECASE folds unusually.
FRAGMENTS = [
    "could", "COULD", "coUld", "mıght", "ſuspended", "İf", "if", "resumed", "will not run", "Monday", "mon",
    "daily", "K27", "17:26", "10:12", "6 pm", "March 12", "2026-03-12", "1954", "停运", "恢复", "暂停办理",
    "每周一、三", "운행 중단", "재개", "매주 금요일", "приостановлен", "возобновится", "по средам", "пн, ср",
    "ᲀ", "Σ", "ς", "train", "trains", "ticket sales", "sold out", "via", "through", "between", "and", "—",
    "-", ",", ".", "?", " ", "  ", "\n", "(", ")", "previously", "journey takes 24 hours", "no.", "No. 5",
    "12.03.2026", "2026年3月12日", "3 марта", "12345", "x7", "٣", "1", "20",
]
texts = st.lists(st.sampled_from(FRAGMENTS), max_size=12).map(" ".join) | st.text(max_size=40)


def _same(pattern: Gated, text: str) -> None:
    plain = pattern.regex

    def spans(matches: Any) -> list[tuple[int, int, tuple[Any, ...]]]:
        return [(m.start(), m.end(), m.groups()) for m in matches]

    assert spans(pattern.finditer(text)) == spans(plain.finditer(text))
    assert spans(filter(None, [pattern.search(text)])) == spans(filter(None, [plain.search(text)]))
    assert pattern.findall(text) == plain.findall(text)
    assert pattern.sub(" ", text) == plain.sub(" ", text)
    assert pattern.split(text) == plain.split(text)
    for pos in (0, 1, len(text) // 2):
        found, expected = pattern.match(text, pos), plain.match(text, pos)
        assert (found and found.span()) == (expected and expected.span())
    found, expected = pattern.fullmatch(text), plain.fullmatch(text)
    assert (found and found.span()) == (expected and expected.span())


@pytest.mark.parametrize("pattern", GATED)
@settings(max_examples=60, deadline=None)
@given(text=texts)
def test_gated_pattern_answers_as_the_regex(pattern: Gated, text: str) -> None:
    _same(pattern, text)


@pytest.mark.parametrize("pattern", GATED)
@settings(max_examples=30, deadline=None)
@given(text=texts, cut=st.integers(min_value=0, max_value=40))
def test_gated_pattern_in_a_scope_answers_as_the_regex(pattern: Gated, text: str, cut: int) -> None:
    with scope(text):
        _same(pattern, text)
        _same(pattern, text[cut:])  # a clause of the sentence
        _same(pattern, text[:cut] + "x")  # not a part of it
        _same(pattern, text[cut:cut + 7])  # a window that may cut words


def test_a_part_that_cuts_a_word_is_looked_up_on_its_own() -> None:
    pattern = gated(r"\bcould\b|\bfrom\b", re.I)
    with scope("xcould, transfrom 17:26"):
        assert pattern.search("could")
        assert pattern.search("from 17:26")
        assert not pattern.search("xcould")


def test_unusual_case_folds_still_match() -> None:
    for pattern, text in [
        (r"\bsuspended\b", "ſuspended"), (r"\bif\b", "İf"), (r"\bmight\b", "mıght"), (r"курс", "курᲃ"),
        (r"слон", "ᲃлᲂн"), (r"\bkm\b", "\u212am"), (r"σ", "Σ"), (r"ς", "σ"),
    ]:
        assert gated(pattern, re.I).search(text), (pattern, text)
        assert re.search(pattern, text, re.I)


def test_required_literals() -> None:
    assert required_literals(r"\bcould\b|\bmight\b", re.I) == (("could", True), ("might", True))
    assert required_literals(r"[A-Z]\d{1,4}") is None
    assert required_literals(r"[KTZ]\d{1,4}") == (("K", False), ("T", False), ("Z", False))
    assert required_literals(r"\d\s*(?:일|日)") == (("日", False), ("일", False))
    assert required_literals(r"\bas\s+early\s+as\b", re.I) == (("early", True),)
    assert required_literals(r"(?:on\s+)?weekdays") == (("weekdays", False),)
    assert required_literals(r"\d\s+(?:of\s+)?(?:may|june)", re.I) == (("june", True), ("may", True))
    assert required_literals(r"\d\s+(?:of)?(?:may|june)", re.I) == (("june", False), ("may", False))
    assert required_literals(r"\bx", re.ASCII) == (("x", False),)


def test_digit_opening() -> None:
    assert digit_opening(r"(?<!\d)(\d{4})[-/.]\d") == "run"
    assert digit_opening(r"(?<![\d.])(?:19|20)\d\d") == "run"
    assert digit_opening(r"(?:(\d{4})\s*年)?(\d{1,2})\s*月") == "digit"
    assert digit_opening(r"(?P<d>\d+)\s*days|(?P<h>\d+)\s*hours") == "digit"
    assert digit_opening(r"[KT]?\d") is None
    assert digit_opening(r"\d*x") is None
    assert digit_opening(r"(?<!\d)\d", re.ASCII) is None  # other digits may precede


def test_top_branches() -> None:
    assert top_branches(re.compile(r"a|(?:b|c)|[|]|\||d")) == ["a", "(?:b|c)", "[|]", r"\|", "d"]
    assert top_branches(re.compile(r"[]|]|x")) == ["[]|]", "x"]
    assert top_branches(re.compile(r"(a)|b")) == [r"(a)|b"]  # groups keep their numbers


def test_fold_matches_the_regex_engine() -> None:
    casefix = pytest.importorskip("re._casefix")
    for lower, others in casefix._EXTRA_CASES.items():
        assert {fold(chr(c)) for c in (lower, *others)} == {fold(chr(lower))}
    word = re.compile(r"\w")
    for code in range(0x110000):
        char = chr(code)
        if not word.match(char):  # folding never joins two words into one
            assert not any(word.match(c) for c in fold(char)), hex(code)


def _fleet_text(paragraphs: int) -> str:
    body = []
    for i in range(paragraphs):
        body.append(
            f"The K{27 + i % 3} service on the Beijing-Pyongyang line will run on Monday, Wednesday and Saturday, "
            f"departing Beijing at 17:{10 + i % 40:02d} and arriving in Pyongyang at 18:07 the following day. "
            f"Tickets go on sale {i % 9 + 2} days before departure and can be bought at Dandong station. "
            "According to China Railway, through-coaches will be attached at Shenyang and detached at Sinuiju. "
            "Soft-sleeper berths cost 2367 yuan, while hard-sleeper tickets are priced at 620 yuan per person."
        )
    return "Beijing–Pyongyang timetable\n\n" + "\n\n".join(body)


def test_a_long_fleet_like_text_is_handled() -> None:
    text = _fleet_text(120)
    assert len(text) > 50_000
    facts = extract_facts(text)
    assert [f.route for f in facts] == [("Beijing", "Pyongyang")]
    (fact,) = facts
    assert fact.days == ("Mon", "Wed", "Sat")
    assert fact.departs == "17:10"
    assert fact.trains == ("K27", "K28", "K29")
    assert extract_facts(text) == facts  # remembered lookups change nothing
