"""Timetable rows: "8501 | 丹东—新义州 | 09:30 | 10:50（当地时间） | 每日"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .days import parse_days
from .gazetteer import Gazetteer
from .observation import Observation
from .routes import stations_in
from .times import find_times
from .trains import find_trains

__all__ = ["table_observations"]

_HEAD_STATION = re.compile(r"站$|站名|station|\bfrom\b|\bto\b|станци|역$|구간|区间|區間|route|маршрут", re.I)
_HEAD_DEPART = re.compile(
    r"开车|開車|发车|發車|出发|出發|开点|開點|发点|發點|depart|dep\b|leaves|отправ|출발", re.I
)
_HEAD_ARRIVE = re.compile(r"到达|到達|抵达|到点|到點|arriv|arr\b|прибыт|прибыв|도착", re.I)
_HEAD_DAYS = re.compile(r"日期|开行日|運行日|运行日|班期|days?|operat|дни|периодичн|курсир|요일|운행일", re.I)
_HEAD_TRAIN = re.compile(r"车次|車次|train|№|номер|поезд|열차|편명", re.I)
_BARE_TIME = re.compile(r"^\s*(\d{1,2})\.(\d{2})\s*(?:\(.*\)|（.*）)?\s*$")
_BARE_TRAIN = re.compile(r"^\s*([A-Z]?\d{1,5}[A-ZА-ЯЭ]?)(?:\s*次)?\s*$")


def _roles(header: tuple[str, ...]) -> dict[int, str]:
    roles: dict[int, str] = {}
    for i, cell in enumerate(header):
        if _HEAD_STATION.search(cell.strip()):
            roles[i] = "station"
        elif _HEAD_TRAIN.search(cell):
            roles[i] = "train"
        elif _HEAD_DEPART.search(cell):
            roles[i] = "departs"
        elif _HEAD_ARRIVE.search(cell):
            roles[i] = "arrives"
        elif _HEAD_DAYS.search(cell):
            roles[i] = "days"
    return roles


def table_observations(rows: tuple[tuple[str, ...], ...], position: int,
                       gazetteer: Gazetteer) -> Iterator[Observation]:
    """One observation per timetable row that names two stations."""
    roles: dict[int, str] = {}
    for n, row in enumerate(rows):
        row_times = [find_times(c) for c in row]
        if not any(row_times) and len(_roles(row)) >= 2:
            roles = _roles(row)
            continue
        joined = " | ".join(row)
        names = list(dict.fromkeys(m.name for m in stations_in(joined, gazetteer)))
        if len(names) < 2:
            continue
        trains: list[str] = []
        departs = arrives = None
        days = None
        untyped: list[str] = []
        for i, (cell, times) in enumerate(zip(row, row_times, strict=True)):
            role = roles.get(i)
            bare = _BARE_TIME.match(cell)
            if not times and bare:  # a dotted time alone in a cell: "17.26"
                times = find_times(f"{bare.group(1)}:{bare.group(2)}")
            if role == "train" or (i == 0 and _BARE_TRAIN.match(cell)):
                m = _BARE_TRAIN.match(cell)
                trains.extend([m.group(1)] if m else list(find_trains(cell)))
            elif role == "departs" and times:
                departs = departs or times[0].value
            elif role == "arrives" and times:
                arrives = arrives or times[0].value
            elif role == "days":
                days = parse_days(cell) or days
            elif times:
                untyped.extend(t.value for t in times)
            elif role != "station" and (cell_days := parse_days(cell)):
                days = cell_days
        if departs is None and arrives is None and untyped:
            departs = untyped[0]
            arrives = untyped[1] if len(untyped) > 1 else None
        yield Observation(
            route=(names[0], names[1]),
            position=position + n,
            quote=joined,
            days=days,
            departs=departs,
            arrives=arrives,
            trains=tuple(trains),
        )
