"""Change events between two versions of a document's facts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import Fact

__all__ = ["SCHEDULE_FIELDS", "FactChange", "compare_facts", "fact_fields", "route_label"]

SCHEDULE_FIELDS: tuple[str, ...] = ("trains", "days", "monthly", "departs", "arrives", "duration_min", "effective")


@dataclass(frozen=True)
class FactChange:
    """A route's status or schedule changed (or was first stated)."""

    kind: str  # "status" or "schedule"
    route: tuple[str, str]
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    summary: str = ""


def fact_fields(fact: Fact) -> dict[str, Any]:
    """A fact's stated fields under SPEC keys (unstated fields left out)."""
    out: dict[str, Any] = {}
    if fact.status is not None:
        out["status"] = fact.status
    if fact.effective is not None:
        out["effective"] = fact.effective.isoformat()
    if fact.days:
        out["days"] = list(fact.days)
    if fact.trains:
        out["trains"] = list(fact.trains)
    if fact.monthly:
        out["monthly"] = list(fact.monthly)
    for name in ("departs", "arrives", "duration_min"):
        value = getattr(fact, name)
        if value is not None:
            out[name] = value
    return out


def route_label(route: Sequence[str], trains: Sequence[str] = ()) -> str:
    """"Beijing–Pyongyang K27/K28"."""
    label = "–".join(route)
    return f"{label} {'/'.join(trains)}" if trains else label


def _show(name: str, value: Any) -> str:
    if value is None:
        return "?"
    if name in ("days", "trains"):
        return "/".join(value) if value else "?"
    if name == "monthly":
        return "/".join(_ordinal(d) for d in value) + " of each month"
    if name == "duration_min":
        return f"{value // 60}h{value % 60:02d}"
    return str(value)


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _same_duration(a: Any, b: Any) -> bool:
    # Wall-clock and elapsed durations differ by the one-hour time-zone gap: not a change.
    return a is not None and b is not None and abs(int(a) - int(b)) in (0, 60)


def _schedule_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    changed = []
    for name in SCHEDULE_FIELDS:
        if name not in new:
            continue
        if name == "duration_min" and _same_duration(old.get(name), new[name]):
            continue
        if name == "monthly" and name not in old:
            continue  # a route's status holds no monthly dates: only a changed pattern counts
        if name == "trains" and old.get(name) and set(new[name]) <= set(old[name]):
            continue  # "K27 sold out" names one train of the known pair K27/K28
        if old.get(name) != new[name]:
            changed.append(name)
    return changed


def _status_summary(label: str, old: dict[str, Any], new: dict[str, Any]) -> str:
    head = f"{old['status']} → {new['status']}" if old.get("status") else str(new["status"])
    tail = f" from {new['effective']}" if "effective" in new else ""
    days = f", {_show('days', new['days'])}" if "days" in new else ""
    return f"{label}: {head}{tail}{days}"


def _schedule_summary(label: str, old: dict[str, Any], new: dict[str, Any], changed: list[str]) -> str:
    words = {"departs": "departs ", "arrives": "arrives ", "duration_min": "journey ", "trains": "trains "}
    bits = []
    for name in changed:
        if name == "effective":
            continue
        prefix = words.get(name, "")
        if name == "monthly" and name in old:
            bits.append(f"{_show('trains', [_ordinal(d) for d in old[name]])} → {_show(name, new[name])}")
        elif name in old:
            bits.append(f"{prefix}{_show(name, old[name])} → {_show(name, new[name])}")
        else:
            bits.append(f"{prefix}{_show(name, new[name])}")
    if "effective" in new:
        if "effective" in changed and "effective" in old:
            bits.append(f"from {old['effective']} → {new['effective']}")
        else:
            bits.append(f"from {new['effective']}")
    return f"{label}: {', '.join(bits)}" if bits else f"{label}: schedule restated"


def _timetable_returns(new: dict[str, Any]) -> bool:
    """A service that (re)starts with its timetable restated: that timetable holds from the new date."""
    return new.get("status") == "operating" and any(k in new for k in ("days", "monthly", "departs", "arrives"))


def compare_facts(before: Sequence[Fact], after: Sequence[Fact]) -> list[FactChange]:
    """Status and schedule changes from one version of a document's facts to the next.

    Routes compare as unordered pairs. A status that changes or is stated for the first
    time is a "status" change; trains, days, times or the effective date changing or
    first stated is a "schedule" change. A route the new version no longer mentions
    yields nothing.
    """
    old_by_route = {frozenset(f.route): f for f in before}
    changes: list[FactChange] = []
    for fact in after:
        previous = old_by_route.get(frozenset(fact.route))
        old = fact_fields(previous) if previous else {}
        new = fact_fields(fact)
        label = route_label(fact.route, fact.trains or (previous.trains if previous else ()))
        if "status" in new and old.get("status") != new["status"]:
            after_status: dict[str, Any] = {k: new[k] for k in ("status", "effective") if k in new}
            before_status: dict[str, Any] = {"status": old["status"]} if "status" in old else {}
            changes.append(FactChange("status", fact.route, before_status, after_status,
                                      _status_summary(label, old, new)))
        changed = _schedule_changes(old, new)
        if changed == ["effective"] and changes and changes[-1].route == fact.route and changes[-1].kind == "status" \
                and not _timetable_returns(new):
            changed = []  # the new date belongs to the status change just reported
        if changed:
            keys = [*changed, "effective"] if "effective" in new else changed
            changes.append(FactChange(
                "schedule",
                fact.route,
                {k: old[k] for k in dict.fromkeys(keys) if k in old},
                {k: new[k] for k in dict.fromkeys(keys) if k in new},
                _schedule_summary(label, old, new, changed),
            ))
    return changes
