"""compare_facts, apply_fact and segment, driven by YAML tables where they fit."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.facts import Evidence, Fact, RouteStatus, apply_fact, compare_facts, segment

DATA = Path(__file__).parent / "data" / "facts"
T0 = datetime.datetime(2026, 3, 10, 8, 0, tzinfo=datetime.UTC)


def _fact(spec: dict[str, Any]) -> Fact:
    values = dict(spec)
    values["route"] = tuple(values["route"])
    for key in ("days", "trains"):
        values[key] = tuple(str(v) for v in values.get(key, ()))
    values["monthly"] = tuple(int(v) for v in values.get("monthly", ()))
    return Fact(**values)


def _table(name: str) -> list[Any]:
    rows = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
    return [pytest.param(row, id=row["id"]) for row in rows]


@pytest.mark.parametrize("case", _table("compare"))
def test_compare(case: dict[str, Any]) -> None:
    changes = compare_facts([_fact(f) for f in case["before"]], [_fact(f) for f in case["after"]])
    assert len(changes) == len(case["changes"]), changes
    for change, want in zip(changes, case["changes"], strict=True):
        assert change.kind == want["kind"]
        assert change.before == want["before"]
        assert change.after == want["after"]
        if "summary" in want:
            assert change.summary == want["summary"]
        assert "\n" not in change.summary


@pytest.mark.parametrize("case", _table("segments"))
def test_segments(case: dict[str, Any]) -> None:
    segments = segment(case["text"])
    assert [s.text for s in segments] == case["segments"]
    assert [s.index for s in segments] == list(range(len(segments)))


def _evidence(n: int, quote: str = "q") -> Evidence:
    return Evidence(source="cr-notices", url=f"https://example.org/{n}.html", snapshot=n, quote=quote)


def test_apply_fact_first_statement() -> None:
    fact = _fact({"route": ["Beijing", "Pyongyang"], "status": "operating",
                  "effective": datetime.date(2026, 3, 12), "days": ["Mon", "Wed", "Thu", "Sat"],
                  "trains": ["K27", "K28"], "arrives": "18:07"})
    status = apply_fact(None, fact, _evidence(58), T0)
    assert status.as_dict() == {
        "route": ["Beijing", "Pyongyang"],
        "trains": ["K27", "K28"],
        "status": "operating",
        "days": ["Mon", "Wed", "Thu", "Sat"],
        "effective": "2026-03-12",
        "departs": None,
        "arrives": "18:07",
        "duration_min": None,
        "as_of": "2026-03-10T08:00:00+00:00",
        "evidence": [
            {"source": "cr-notices", "url": "https://example.org/58.html", "snapshot": 58, "quote": "q"},
        ],
    }


def test_apply_fact_newer_wins_field_by_field() -> None:
    fact = _fact({"route": ["Beijing", "Pyongyang"], "status": "operating",
                  "days": ["Mon", "Wed", "Thu", "Sat"], "arrives": "18:07"})
    first = apply_fact(None, fact, _evidence(1), T0)
    later = T0 + datetime.timedelta(days=1)
    restated = _fact({"route": ["Pyongyang", "Beijing"], "arrives": "18:45"})
    second = apply_fact(first, restated, _evidence(2), later)
    assert second.route == ("Beijing", "Pyongyang")
    assert second.arrives == "18:45"
    assert second.days == ("Mon", "Wed", "Thu", "Sat")
    assert second.status == "operating"
    assert [e.snapshot for e in second.evidence] == [1, 2]
    assert second.as_of == later


def test_apply_fact_older_evidence_only_fills_gaps() -> None:
    suspended = _fact({"route": ["Dandong", "Sinuiju"], "status": "suspended"})
    current = apply_fact(None, suspended, _evidence(5), T0)
    older = T0 - datetime.timedelta(days=3)
    merged = apply_fact(current, _fact({"route": ["Dandong", "Sinuiju"], "status": "operating",
                                         "departs": "09:30"}), _evidence(3), older)
    assert merged.status == "suspended"
    assert merged.departs == "09:30"
    assert merged.as_of == T0
    assert len(merged.evidence) == 2


def test_apply_fact_new_status_without_date_clears_effective() -> None:
    current = apply_fact(None, _fact({"route": ["Dandong", "Sinuiju"], "status": "operating",
                                      "effective": datetime.date(2026, 6, 2)}), _evidence(1), T0)
    suspended = _fact({"route": ["Dandong", "Sinuiju"], "status": "suspended"})
    later = apply_fact(current, suspended, _evidence(2), T0 + datetime.timedelta(hours=1))
    assert later.status == "suspended"
    assert later.effective is None


def test_apply_fact_same_evidence_kept_once() -> None:
    fact = _fact({"route": ["Dandong", "Sinuiju"], "status": "operating"})
    once = apply_fact(None, fact, _evidence(1), T0)
    twice = apply_fact(once, fact, _evidence(1), T0)
    assert twice.evidence == once.evidence
    assert isinstance(twice, RouteStatus)


def test_apply_fact_one_train_of_known_pair_keeps_pair() -> None:
    current = apply_fact(None, _fact({"route": ["Beijing", "Pyongyang"], "status": "operating",
                                      "trains": ["K27", "K28"]}), _evidence(1), T0)
    sold_out = _fact({"route": ["Beijing", "Pyongyang"], "trains": ["K27"]})
    later = apply_fact(current, sold_out, _evidence(2), T0 + datetime.timedelta(hours=1))
    assert later.trains == ("K27", "K28")
    other = _fact({"route": ["Beijing", "Pyongyang"], "trains": ["K29", "K30"]})
    replaced = apply_fact(later, other, _evidence(3), T0 + datetime.timedelta(hours=2))
    assert replaced.trains == ("K29", "K30")


def test_monthly_dates_survive_storage_and_status() -> None:
    from monitor.routes import fact_from_json, fact_to_json

    fact = _fact({"route": ["Moscow", "Pyongyang"], "status": "operating", "monthly": [7, 21]})
    assert fact_from_json(fact_to_json(fact)) == fact
    plain = _fact({"route": ["Moscow", "Pyongyang"], "status": "operating"})
    assert "monthly" not in fact_to_json(plain)
    assert fact_from_json(fact_to_json(plain)) == plain
    status = apply_fact(None, fact, _evidence(1), T0)
    assert status.as_dict()["monthly"] == [7, 21]
