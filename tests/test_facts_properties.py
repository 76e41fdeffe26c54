"""Property tests for the facts extractor."""

from __future__ import annotations

import datetime
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.facts import DAYS, STATUSES, compare_facts, extract_facts
from monitor.facts.dates import find_dates
from monitor.facts.days import parse_days
from monitor.facts.text import _CLAUSE_BREAK, _SENTENCE_BREAK
from monitor.facts.times import find_times

EN = {"Mon": "Monday", "Tue": "Tuesday", "Wed": "Wednesday", "Thu": "Thursday", "Fri": "Friday",
      "Sat": "Saturday", "Sun": "Sunday"}
ZH = {"Mon": "一", "Tue": "二", "Wed": "三", "Thu": "四", "Fri": "五", "Sat": "六", "Sun": "日"}
KO = {"Mon": "월", "Tue": "화", "Wed": "수", "Thu": "목", "Fri": "금", "Sat": "토", "Sun": "일"}
RU = {"Mon": "понедельникам", "Tue": "вторникам", "Wed": "средам", "Thu": "четвергам", "Fri": "пятницам",
      "Sat": "субботам", "Sun": "воскресеньям"}

day_lists = st.lists(st.sampled_from(DAYS), min_size=1, max_size=6, unique=True)


def _join(words: list[str], last: str) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {last} " + words[-1]


@given(day_lists)
def test_english_days_any_order(days: list[str]) -> None:
    text = "The train runs on " + _join([EN[d] + "s" for d in days], "and") + "."
    assert parse_days(text) == tuple(d for d in DAYS if d in days)


@given(day_lists)
def test_chinese_days_any_order(days: list[str]) -> None:
    text = "每周" + "、".join(ZH[d] for d in days) + "开行"
    assert parse_days(text) == tuple(d for d in DAYS if d in days)


@given(day_lists)
def test_korean_days_any_order(days: list[str]) -> None:
    text = "매주 " + "·".join(KO[d] for d in days) + "요일 운행"
    assert parse_days(text) == tuple(d for d in DAYS if d in days)


@given(day_lists)
def test_russian_days_any_order(days: list[str]) -> None:
    text = "курсирует по " + _join([RU[d] for d in days], "и")
    assert parse_days(text) == tuple(d for d in DAYS if d in days)


@given(st.integers(0, 23), st.integers(0, 59))
def test_clock_formats_agree(hour: int, minute: int) -> None:
    expected = f"{hour:02d}:{minute:02d}"
    twelve = hour % 12 or 12
    suffix = "p.m." if hour >= 12 else "a.m."
    texts = [
        f"leaves at {expected}",
        f"leaves at {twelve}:{minute:02d} {suffix}",
        f"{hour}时{minute:02d}分开",
        f"{'오후' if hour >= 12 else '오전'} {twelve}시 {minute}분 출발",
        f"отправляется в {hour}.{minute:02d} по местному времени",
    ]
    for text in texts:
        found = find_times(text)
        assert [(t.value, t.role) for t in found] == [(expected, "departs")], text


@given(st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31)))
def test_full_dates_round_trip(day: datetime.date) -> None:
    texts = [
        f"from {day.isoformat()}",
        f"自{day.year}年{day.month}月{day.day}日起",
        f"{day.year}년 {day.month}월 {day.day}일부터",
        f"from {day.strftime('%B')} {day.day}, {day.year}",
    ]
    for text in texts:
        found = find_dates(text, None)
        assert [(d.date, d.marked_from) for d in found] == [(day, True)], text


@settings(max_examples=200)
@given(st.text(max_size=400))
def test_extractor_total_on_any_text(text: str) -> None:
    for fact in extract_facts(text, published=datetime.date(2026, 3, 10)):
        assert fact.status is None or fact.status in STATUSES
        assert list(fact.days) == [d for d in DAYS if d in fact.days]
        for value in (fact.departs, fact.arrives):
            assert value is None or re.fullmatch(r"\d\d:\d\d", value)


STATIONS = ["Beijing", "Pyongyang", "Dandong", "Sinuiju", "Vladivostok", "Tumangang", "Khasan", "Moscow"]


@given(st.sampled_from(STATIONS), st.sampled_from(STATIONS), day_lists)
def test_direction_does_not_change_the_route(a: str, b: str, days: list[str]) -> None:
    if a == b:
        return
    week = _join([EN[d] + "s" for d in days], "and")
    forward = extract_facts(f"The {a}-{b} train runs on {week}.")
    backward = extract_facts(f"The {b}-{a} train runs on {week}.")
    assert [f.route for f in forward] == [(a, b)]
    assert [f.route for f in backward] == [(b, a)]
    assert compare_facts(forward, backward) == []


@given(st.sampled_from(STATIONS), st.sampled_from(STATIONS))
def test_speculation_never_states_a_fact(a: str, b: str) -> None:
    if a == b:
        return
    for text in (
        f"The {a}-{b} train could resume as early as August.",
        f"Rumours say the {a}-{b} service may restart soon.",
        f"The {a}-{b} train first ran in 1954.",
        f"A trial run between {a} and {b} was completed on Friday.",
        f"The leader's armoured train left {a} for {b} on Sunday.",
    ):
        assert extract_facts(text, published=datetime.date(2026, 3, 10)) == [], text


_DAYISH = st.text(alphabet=st.sampled_from(list("monTUEWdnsayhrfiſKkıİᲀвтоникрсдчепя ,-/&и")) | st.characters(),
                  max_size=60)


@settings(max_examples=300)
@given(_DAYISH)
def test_parse_days_never_raises(text: str) -> None:
    days = parse_days(text)
    assert days is None or set(days) <= set(DAYS)


def test_parse_days_case_folding_look_alikes() -> None:
    assert parse_days("wedneſdays and ſaturdays") == ("Wed", "Sat")
    assert parse_days("ſun-mon") == ("Mon", "Sun")


_PLAIN_CLAUSE_BREAK = re.compile(r"[,，;；…]|\s[—–]\s|\bbut\b|\bwhile\b|\bwhereas\b|(?<=[며고])\s")
clause_texts = st.text(alphabet=list(",，;；… \t\n—–butwhileras며고가xB.W"), max_size=30)


@settings(max_examples=500)
@given(clause_texts)
def test_clause_breaks_are_those_of_the_plain_alternation(text: str) -> None:
    assert [m.span() for m in _CLAUSE_BREAK.finditer(text)] == [m.span() for m in _PLAIN_CLAUSE_BREAK.finditer(text)]


# Sentences split where this lookbehind alternation matches (the break itself is dropped).
_PLAIN_SENTENCE_SPLIT = re.compile(
    r"(?<=[。！？!?])\s*|(?<=[.…])\s+(?=[\"“«(A-ZА-ЯЁ0-9\uac00-\ud7a3\u4e00-\u9fff])"
)
sentence_texts = st.text(alphabet=list("。！？!?.… \t\n\u3000\"“«(AaZ9Ё가中x"), max_size=30)


@settings(max_examples=500)
@given(sentence_texts)
def test_sentence_breaks_are_those_of_the_lookbehind_split(text: str) -> None:
    ends = [(m.start() + 1, m.end()) for m in _SENTENCE_BREAK.finditer(text)]
    assert ends == [m.span() for m in _PLAIN_SENTENCE_SPLIT.finditer(text)]
