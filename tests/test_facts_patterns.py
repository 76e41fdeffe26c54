"""Phrase-pattern tables: days, times, durations, dates, trains, stations, keywords."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.facts import Gazetteer, matches_keywords
from monitor.facts.dates import find_dates
from monitor.facts.days import parse_days
from monitor.facts.times import find_times, parse_duration
from monitor.facts.trains import find_trains

DATA = Path(__file__).parent / "data" / "facts"


def _table(name: str) -> list[Any]:
    rows = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
    return [pytest.param(row, id=str(row["text"])[:40]) for row in rows]


@pytest.mark.parametrize("row", _table("days"))
def test_days(row: dict[str, Any]) -> None:
    expected = tuple(row["days"]) if row["days"] is not None else None
    assert parse_days(row["text"]) == expected


@pytest.mark.parametrize("row", _table("times"))
def test_times(row: dict[str, Any]) -> None:
    assert [[t.value, t.role] for t in find_times(row["text"])] == row["times"]


@pytest.mark.parametrize("row", _table("durations"))
def test_durations(row: dict[str, Any]) -> None:
    assert parse_duration(row["text"]) == row["minutes"]


@pytest.mark.parametrize("row", _table("dates"))
def test_dates(row: dict[str, Any]) -> None:
    published = row["published"]
    assert published is None or isinstance(published, datetime.date)
    found = [[d.date.isoformat(), d.marked_from] for d in find_dates(row["text"], published)]
    assert found == row["dates"]


@pytest.mark.parametrize("row", _table("trains"))
def test_trains(row: dict[str, Any]) -> None:
    assert list(find_trains(row["text"])) == [str(t) for t in row["trains"]]


@pytest.mark.parametrize("row", _table("gazetteer"))
def test_stations(row: dict[str, Any]) -> None:
    assert [m.name for m in Gazetteer.default().find(row["text"])] == row["stations"]


@pytest.mark.parametrize("row", _table("keywords"))
def test_keywords(row: dict[str, Any]) -> None:
    assert matches_keywords(row["text"], row["keywords"]) is row["match"]


def test_gazetteer_extended_from_config() -> None:
    gz = Gazetteer.default().extended({"Hamhung": ["Хамхын", "함흥"], "Pyongyang": ["Phenian"]})
    assert [m.name for m in gz.find("Phenian — Хамхына, 함흥")] == ["Pyongyang", "Hamhung", "Hamhung"]
    assert gz.canonical("Phenian") == "Pyongyang"
    assert Gazetteer.default().canonical("Phenian") is None


def test_gazetteer_extension_is_used_by_the_extractor() -> None:
    from monitor.facts import extract_facts

    gz = Gazetteer.default().extended({"Chongjin": ["청진", "Чхонджин"]})
    facts = extract_facts("Поезд Чхонджин — Туманган курсирует ежедневно.", gazetteer=gz)
    assert [f.route for f in facts] == [("Chongjin", "Tumangang")]
    assert extract_facts("Поезд Чхонджин — Туманган курсирует ежедневно.") == []
