"""Document-level extraction tables, one YAML file per language."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.facts import Fact, extract_facts
from monitor.facts.extract import QUOTE_JOINER

DATA = Path(__file__).parent / "data" / "facts"
LANGUAGES = ("en", "zh", "ko", "ru")


def _cases() -> list[Any]:
    params = []
    for lang in LANGUAGES:
        for case in yaml.safe_load((DATA / f"facts_{lang}.yaml").read_text(encoding="utf-8")) or []:
            params.append(pytest.param(case, id=f"{lang}:{case['id']}"))
    return params


def _actual(fact: Fact, key: str) -> Any:
    value = getattr(fact, key)
    if key in ("route", "days", "trains", "monthly"):
        return list(value)
    return value


def _expected(key: str, value: Any) -> Any:
    if key == "effective" and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    if key == "trains":
        return [str(v) for v in value]
    return value


@pytest.mark.parametrize("case", _cases())
def test_document(case: dict[str, Any]) -> None:
    published = case.get("published")
    facts = extract_facts(case["text"], published=published)
    expected = case["facts"]
    assert len(facts) == len(expected), [(f.route, f.status, f.days) for f in facts]
    for fact, want in zip(facts, expected, strict=True):
        for key, value in want.items():
            assert _actual(fact, key) == _expected(key, value), (key, fact)


@pytest.mark.parametrize("case", _cases())
def test_quote_is_verbatim(case: dict[str, Any]) -> None:
    for fact in extract_facts(case["text"], published=case.get("published")):
        assert fact.quote
        for sentence in fact.quote.split(QUOTE_JOINER):
            assert sentence in case["text"]


def test_languages_are_covered() -> None:
    for lang in LANGUAGES:
        assert len(yaml.safe_load((DATA / f"facts_{lang}.yaml").read_text(encoding="utf-8"))) >= 10
