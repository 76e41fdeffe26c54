"""Facts about routes from the main text of one document."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .dates import DateMention, find_dates, reference_date
from .days import parse_days
from .gate import scope
from .gazetteer import Gazetteer
from .model import Fact
from .monthly import monthly_span, parse_monthly
from .observation import Observation
from .routes import RoutePart, split_routes, stations_in
from .segments import paragraphs
from .status import (
    clause_status,
    has_service_cue,
    is_before_era,
    is_hearsay,
    is_historical,
    is_other_mode,
    is_past_context,
    is_resumption,
    is_special_train,
    opens_in_past,
    tickets,
)
from .tables import table_observations
from .text import clauses, clean_units, mask, sentences, strip_formerly
from .times import find_times, parse_duration
from .trains import find_trains, sort_trains

__all__ = ["QUOTE_JOINER", "extract_facts", "observations"]

# Separates the verbatim sentences of a quote that rests on several sentences.
QUOTE_JOINER = " … "

_STATUS_PREFERENCE = ("resumed", "suspended", "cancelled", "planned", "operating")
# Sentences recur (a site's boilerplate, a page read again after a change): what a text
# states is remembered, by text and by reference date where that matters.
_REMEMBERED = 8192


@dataclass
class _Context:
    # The routes named so far, by their stations, the one named last at the end.
    routes: dict[frozenset[str], tuple[str, str]] = field(default_factory=dict)
    first_seen: dict[frozenset[str], tuple[int, tuple[str, str]]] = field(default_factory=dict)
    # Whether the last sentence that named a route was rejected (rumour, history, special
    # train): a station-less sentence after it continues that rejected statement.
    rejected: bool = False
    rejected_routes: set[frozenset[str]] = field(default_factory=set)

    def remember(self, route: tuple[str, str], position: int | None = None) -> None:
        key = frozenset(route)
        self.routes.pop(key, None)
        self.routes[key] = route
        if position is not None:
            self.first_seen.setdefault(key, (position, route))

    def with_station(self, name: str) -> tuple[str, str] | None:
        return next((r for r in reversed(self.routes.values()) if name in r), None)

    def last(self) -> tuple[str, str] | None:
        return next(reversed(self.routes.values()), None)


def _sentence_status(text: str, dates: Sequence[DateMention], published: datetime.date | None,
                     ) -> tuple[str | None, datetime.date | None]:
    """The status a sentence states and the date its status clause carries."""
    found: list[tuple[str, datetime.date | None]] = []
    for clause, start in clauses(text):
        in_clause = [d for d in dates if start <= d.start < start + len(clause)]
        status = clause_status(clause, dated=bool(in_clause) or any(d.marked_from for d in dates))
        if status is None:
            continue
        masked = mask(clause, [(d.start - start, d.end - start) for d in dates])
        if is_historical(masked, published):
            continue
        if status == "suspended" and is_past_context(clause):
            continue
        ranked = sorted(in_clause, key=lambda d: (not d.named, d.start))
        when = ranked[0].date if ranked else None
        label = "resumed" if status == "operating" and is_resumption(clause) else status
        found.append((label, when))
    if not found:
        return None, None
    dated = [f for f in found if f[1] is not None]
    if dated:
        label, when = max(dated, key=lambda f: f[1] or datetime.date.min)
    else:
        label, when = min(found, key=lambda f: _STATUS_PREFERENCE.index(f[0]))
    return ("operating" if label == "resumed" else label), when


def _effective(dates: Sequence[DateMention], status_date: datetime.date | None) -> datetime.date | None:
    marked = [d.date for d in dates if d.marked_from]
    if marked:
        return max(marked)
    return status_date


def _route_for(part: RoutePart, sentence: str, ctx: _Context) -> tuple[str, str] | None:
    if part.pair is not None:
        return part.pair
    if len(part.stations) == 1:
        return ctx.with_station(part.stations[0])
    if not part.stations and not ctx.rejected and _has_cue(sentence):
        return ctx.last()
    return None


@lru_cache(maxsize=_REMEMBERED)
def _has_cue(sentence: str) -> bool:
    """Whether a sentence without stations speaks of the service (or its tickets)."""
    return has_service_cue(sentence) or tickets(sentence) is not None


def _sentence_observations(sentence: str, position: int, ctx: _Context, gazetteer: Gazetteer,
                           published: datetime.date | None) -> list[Observation]:
    """What one sentence says about each route it names (or the route it continues)."""
    text = strip_formerly(sentence)
    parts = split_routes(text, gazetteer)
    routes = [_route_for(part, text, ctx) for part in parts]
    if all(route is None for route in routes):
        return []
    with scope(sentence):
        if _vetoed(sentence, published):
            if any(part.stations for part in parts):
                ctx.rejected = True
                ctx.rejected_routes.update(frozenset(r) for r in routes if r is not None)
            return []
        if any(part.stations for part in parts):
            ctx.rejected = False
        return list(_stated(parts, routes, sentence, position, ctx, published))


_VETOES = (is_hearsay, is_special_train, is_other_mode, is_before_era)


@lru_cache(maxsize=_REMEMBERED)
def _vetoed(sentence: str, published: datetime.date | None) -> bool:
    """Rumour, a special train, another mode, the past: the sentence states no fact."""
    return any(veto(sentence) for veto in _VETOES) or opens_in_past(sentence, published)


_DatedStatus = tuple[tuple[DateMention, ...], str | None, datetime.date | None]


@lru_cache(maxsize=_REMEMBERED)
def _dated_status(text: str, published: datetime.date | None) -> _DatedStatus:
    """A route part's dates, and the status it states with that status's date."""
    dates = find_dates(text, published)
    span = monthly_span(text)
    if span is not None:  # 每月3日和17日: days of every month, not a date
        dates = [d for d in dates if not span[0] <= d.start < span[1]]
    return (tuple(dates), *_sentence_status(text, dates, published))


@dataclass(frozen=True)
class _Details:
    """What a route part states besides its dates and status."""

    days: tuple[str, ...] | None
    departs: str | None
    arrives: str | None
    duration_min: int | None
    trains: tuple[str, ...]
    tickets: str | None
    monthly: tuple[int, ...] | None


@lru_cache(maxsize=_REMEMBERED)
def _details(text: str) -> _Details:
    times = find_times(text)
    return _Details(
        days=parse_days(text),
        departs=next((t.value for t in times if t.role == "departs"), None),
        arrives=next((t.value for t in times if t.role == "arrives"), None),
        duration_min=parse_duration(text),
        trains=find_trains(text),
        tickets=tickets(text),
        monthly=parse_monthly(text),
    )


def _stated(parts: list[RoutePart], routes: list[tuple[str, str] | None], sentence: str, position: int,
            ctx: _Context, published: datetime.date | None) -> Iterator[Observation]:
    found = [_dated_status(part.text, published) for part in parts]
    # "北京至平壤、丹东至平壤两条线路将恢复开行": the one verb serves every route named.
    shared = next((status for _, status, _ in found if status is not None), None)
    for part, route, (dates, status, status_date) in zip(parts, routes, found, strict=True):
        if route is None:
            continue
        ctx.remember(route, position)
        if status is None and len(parts) > 1:
            status = shared
        details = _details(part.text)
        obs = Observation(
            route=route,
            position=position,
            quote=sentence.strip(),
            effective=_effective(dates, status_date),
            status=status,
            days=details.days,
            departs=details.departs,
            arrives=details.arrives,
            duration_min=details.duration_min,
            trains=details.trains,
            tickets=details.tickets,
            monthly=details.monthly,
        )
        if obs.states_service() or obs.trains or obs.tickets:
            yield obs


def observations(text: str, *, published: datetime.date | None = None,
                 gazetteer: Gazetteer | None = None) -> list[Observation]:
    """Every sentence-level statement about a route, in document order."""
    return _observe(text, published, gazetteer)[0]


def _observe(text: str, published: datetime.date | None, gazetteer: Gazetteer | None,
             ) -> tuple[list[Observation], dict[frozenset[str], tuple[int, tuple[str, str]]]]:
    """Observations, and where the document first names each route."""
    gz = gazetteer or Gazetteer.default()
    published = reference_date(text, published)
    ctx = _Context()
    out: list[Observation] = []
    position = 0
    answered = [p for p in paragraphs(text) if p.role != "question"]
    for unit in clean_units(p.text for p in answered):
        if unit.table:
            for obs in table_observations(unit.table, position, gz):
                ctx.remember(obs.route, obs.position)
                out.append(obs)
                position += 1
            continue
        lines = sentences(unit.text)
        for i, sentence in enumerate(lines):
            _pair_across(sentence, lines[i + 1] if i + 1 < len(lines) else "", ctx, gz)
            out.extend(_sentence_observations(sentence, position, ctx, gz, published))
            position += 1
    return _without_bare_headline(out, ctx.rejected_routes), ctx.first_seen


def _without_bare_headline(found: list[Observation], rejected: set[frozenset[str]]) -> list[Observation]:
    """A headline that only names a route ("Rason–Vladivostok train: when to expect it") states
    nothing when every sentence of the body about that route was rejected."""
    head = [o for o in found if o.position == 0 and o.effective is None and o.key in rejected]
    if not head:
        return found
    keys = {o.key for o in head} - {o.key for o in found if o.position != 0}
    return [o for o in found if not (o.position == 0 and o.key in keys and o.effective is None)]


def _pair_across(sentence: str, following: str, ctx: _Context, gazetteer: Gazetteer) -> None:
    """"The K27 leaves Beijing at 17:26. It arrives in Pyongyang at 18:07.": one route."""
    here = {m.name for m in stations_in(sentence, gazetteer)}
    if len(here) != 1 or not following:
        return
    (name,) = here
    there = {m.name for m in stations_in(following, gazetteer)} - here
    known = [r for r in ctx.routes.values() if name in r and set(r) - {name} <= there]
    if known:
        # The two sentences name both ends of a route already stated: continue that one
        # rather than another route through the same station.
        ctx.remember(known[-1])
        return
    if ctx.with_station(name) is not None:
        return
    if len(there) == 1 and has_service_cue(sentence):
        ctx.remember((name, there.pop()))


def _later(new: Observation, old: Observation) -> bool:
    """A later statement replaces an earlier one only when it is dated later."""
    return new.effective is not None and (old.effective is None or new.effective > old.effective)


def _merge(group: list[Observation], route: tuple[str, str]) -> Fact | None:
    chosen: dict[str, Observation] = {}
    for obs in group:
        for name in ("status", "days", "departs", "arrives", "duration_min", "tickets", "monthly"):
            if getattr(obs, name) is None:
                continue
            if name not in chosen or _later(obs, chosen[name]):
                chosen[name] = obs
    # A duration, train number, ticket note or a lone clock time ("the train arrived at
    # 10:12") does not make a route fact; a timetable gives both ends or the days.
    timetable = "departs" in chosen and "arrives" in chosen
    if not ("status" in chosen or "days" in chosen or "monthly" in chosen or timetable):
        return None
    used = {id(o) for o in chosen.values()}
    dated = [o.effective for o in group
             if o.effective is not None and (id(o) in used or not o.states_service())]
    quotes = list(dict.fromkeys(o.quote for o in group if id(o) in used))
    none = Observation(route=route, position=-1, quote="")
    return Fact(
        route=route,
        status=chosen.get("status", none).status,
        trains=sort_trains([t for obs in group for t in obs.trains]),
        days=chosen.get("days", none).days or (),
        effective=max(dated) if dated else None,
        departs=chosen.get("departs", none).departs,
        arrives=chosen.get("arrives", none).arrives,
        duration_min=chosen.get("duration_min", none).duration_min,
        tickets=chosen.get("tickets", none).tickets,
        monthly=chosen.get("monthly", none).monthly or (),
        quote=QUOTE_JOINER.join(quotes),
    )


def extract_facts(text: str, *, published: datetime.date | None = None,
                  gazetteer: Gazetteer | None = None) -> list[Fact]:
    """One merged fact per route the document states, in document order.

    Sentences about the same route (in either direction) merge field by field: the first
    statement of a field holds unless a later one is dated later ("from 2026-07-11
    departures move to Saturdays").
    """
    found, first_seen = _observe(text, published, gazetteer)
    groups: dict[frozenset[str], list[Observation]] = {}
    for obs in found:
        groups.setdefault(obs.key, []).append(obs)
    facts = []
    for key in sorted(groups, key=lambda k: first_seen.get(k, (groups[k][0].position, groups[k][0].route))):
        group = groups[key]
        fact = _merge(group, first_seen.get(key, (0, group[0].route))[1])
        if fact is not None:
            facts.append(fact)
    return facts

