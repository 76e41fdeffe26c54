"""Clock times with their role (departure/arrival) and journey durations."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .gate import Gated, gated

__all__ = ["TimeMention", "find_times", "parse_duration"]

_TIME_PATTERNS: list[Gated] = [
    # 오후 6시 7분, 오전 9시
    gated(r"(?P<ampm_ko>오전|오후|새벽|밤|저녁|아침)?\s*(?P<h>\d{1,2})\s*시(?:\s*(?P<m>\d{1,2})\s*분|\s*(?P<half>반))?"),
    # 17时26分, 17時, 下午5点26分
    gated(r"(?P<ampm_zh>上午|早上|早晨|凌晨|下午|晚上|傍晚|夜间|夜間)?\s*(?P<h>\d{1,2})\s*[时時点點]"
               r"(?:\s*(?P<m>\d{1,2})\s*分?|(?P<half>半))?"),
    # 6:07 p.m., 6.07pm, 18:07, 6 pm
    gated(
        r"(?<![\d.:])(?P<h>\d{1,2})(?:[:：](?P<m>\d{2})|\.(?P<m2>\d{2})(?=\s*(?:[ap]\.?\s?m\b|по\s|час|ч\b)))"
        r"(?:\s*(?P<ampm>[ap])\.?\s?m\.?)?(?![\d:.]\d)",
        re.I,
    ),
    gated(r"(?<![\d.:])(?P<h>\d{1,2})\s*(?P<ampm>[ap])\.?\s?m\.?(?![a-z])", re.I),
    # в 17.26 (Russian: a dotted time after "в")
    gated(r"(?<![а-яё])в\s+(?P<h>\d{1,2})[.:](?P<m>\d{2})(?![\d.]\d)", re.I),
]

_DEPART = gated(
    r"(?:leav|depart|\bdep\b|set(?:s|ting)?\s+off|\bfrom\b|开|開|发|發|始发|驶出|駛出|驶离|駛離|출발|떠나|отправ|отбыва|выезжа"
    r"|\bиз\s)",
    re.I,
)
_ARRIVE = gated(
    r"(?:arriv|\barr\b|reach|get(?:s)?\s+(?:in|to)|\bdue\s+(?:in|at)|pulls?\s+into|到|抵|도착|прибыва|прибыт|прибуд)",
    re.I,
)
# Chinese and Korean put the verb after the time: 10:00开, 17:56到, 6시 7분 평양에 도착
_DEPART_AFTER = gated(
    r"^[^,，;；。.]{0,12}?(?:开|開|发车|發車|出发|出發|驶出|駛出|驶离|駛離|출발|떠나)"
)
_ARRIVE_AFTER = gated(r"^[^,，;；。.]{0,12}?(?:到达|到達|抵达|抵達|到|도착)")
_DEPART_AFTER_FAR = gated(r"开出|開出|发车|發車|出发|出發|驶出|駛出|驶离|駛離|출발")
_ARRIVE_AFTER_FAR = gated(r"到达|到達|抵达|抵達|驶入|駛入|도착")
_DIGIT = re.compile(r"\d")
_RANGE_JOIN = gated(r"\s*(?:-|–|—|~|至|到|to|до)\s*")


@dataclass(frozen=True)
class TimeMention:
    """A clock time, "HH:MM", with the role the text gives it ("departs", "arrives" or None)."""

    start: int
    end: int
    value: str
    role: str | None


def _hhmm(m: re.Match[str]) -> str | None:
    d = m.groupdict()
    hour = int(d["h"])
    minute_text = d.get("m") or d.get("m2")
    minute = int(minute_text) if minute_text else (30 if d.get("half") else 0)
    ampm = (d.get("ampm") or "").lower()
    ampm_ko = d.get("ampm_ko") or d.get("ampm_zh") or ""
    if ampm == "p" or ampm_ko in ("오후", "저녁", "밤", "下午", "晚上", "傍晚", "夜间", "夜間"):
        if hour < 12:
            hour += 12
    elif (ampm == "a" or ampm_ko in ("오전", "새벽", "아침", "上午", "早上", "早晨", "凌晨")) and hour == 12:
        hour = 0
    if hour > 24 or minute > 59:
        return None
    return f"{hour % 24:02d}:{minute:02d}"


def _role(text: str, start: int, end: int, floor: int) -> str | None:
    """Departure or arrival, from the words nearest the time in its clause."""
    after = text[end:end + 16]
    dep_after = _DEPART_AFTER.match(after)
    arr_after = _ARRIVE_AFTER.match(after)
    if dep_after or arr_after:
        if dep_after and arr_after:
            return "departs" if dep_after.end() < arr_after.end() else "arrives"
        return "departs" if dep_after else "arrives"
    before = re.split(r"[;；。]", text[max(floor, start - 60):start])[-1]
    dep = max((m.start() for m in _DEPART.finditer(before)), default=-1)
    arr = max((m.start() for m in _ARRIVE.finditer(before)), default=-1)
    if dep != -1 or arr != -1:
        return "departs" if dep > arr else "arrives"
    # 下午5点26分，K27次列车从北京站缓缓驶出: the verb comes later in the sentence
    ahead = re.split(r"[;；。.]|\d{1,2}\s*[:：时時点點시]", text[end:end + 40])[0]
    dep = min((m.start() for m in _DEPART_AFTER_FAR.finditer(ahead)), default=-1)
    arr = min((m.start() for m in _ARRIVE_AFTER_FAR.finditer(ahead)), default=-1)
    if dep == arr == -1:
        return None
    if dep == -1 or arr == -1:
        return "departs" if dep != -1 else "arrives"
    return "departs" if dep < arr else "arrives"


def find_times(text: str) -> list[TimeMention]:
    """Clock times in text order; ranges such as opening hours ("8:30—16:30") are skipped."""
    if not _DIGIT.search(text):  # every time pattern has its hour in digits
        return []
    spans: list[tuple[int, int, str]] = []
    for regex in _TIME_PATTERNS:
        for m in regex.finditer(text):
            if any(m.start() < e and s < m.end() for s, e, _ in spans):
                continue
            value = _hhmm(m)
            if value is not None:
                spans.append((m.start(), m.end(), value))
    spans.sort()
    out: list[TimeMention] = []
    floor = 0
    for i, (start, end, value) in enumerate(spans):
        joined_next = i + 1 < len(spans) and _RANGE_JOIN.fullmatch(text[end:spans[i + 1][0]])
        joined_prev = i > 0 and _RANGE_JOIN.fullmatch(text[spans[i - 1][1]:start])
        if joined_next or joined_prev:
            continue
        role = _role(text, start, end, floor)
        if role is None and out and re.fullmatch(r"\s*(?:,|and|и|和|及)\s*", text[out[-1].end:start]):
            role = out[-1].role
        out.append(TimeMention(start, end, value, role))
        floor = end
    return out


_DURATION_CONTEXT = gated(
    r"journey|trip|ride|travel|takes?|took|lasts?|in\s+transit|about|around|approximately|历时|歷時|全程|运行|運行"
    r"|行程|耗时|需时|用时|单程|單程|소요|걸리|걸린|걸려|편도|в\s+пути|займ[её]т|длится|продолжительн|поездка",
    re.I,
)
_DURATION = gated(
    r"(?P<days>\d+)\s*(?:days?|суток|сутки|дн(?:я|ей)|天|日|일)(?![\d월])"
    r"|(?P<hours>\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h\b|小时|小時|个小时|時間|시간|час(?:а|ов)?)"
    r"(?:\s*(?:and\s+)?(?P<mins>\d+)\s*(?:minutes?|mins?|分钟|分鐘|分|분|минут[уы]?))?"
    r"|(?P<only_mins>\d+)\s*(?:minutes?|mins?|分钟|分鐘|분|минут[уы]?)",
    re.I,
)


def parse_duration(text: str) -> int | None:
    """Journey time in minutes ("24 hours and 41 minutes", 历时24小时41分, 8 суток), or None."""
    if not _DIGIT.search(text):
        return None
    for m in _DURATION.finditer(text):
        window = text[max(0, m.start() - 30):m.end() + 12]
        if not (m.group("mins") or _DURATION_CONTEXT.search(window)):
            continue
        if m.group("days"):
            return int(m.group("days")) * 24 * 60
        if m.group("hours"):
            return round(float(m.group("hours")) * 60) + int(m.group("mins") or 0)
        return int(m.group("only_mins"))
    return None
