"""Station and city names in English, Chinese, Korean and Russian."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["BUILTIN", "Gazetteer", "Mention"]

# canonical -> spellings (en, zh simplified/traditional, ko South/North, ru nominative)
BUILTIN: dict[str, tuple[str, ...]] = {
    "Beijing": ("Beijing", "Peking", "北京", "베이징", "북경", "Пекин"),
    "Pyongyang": ("Pyongyang", "P'yongyang", "Pyeongyang", "平壤", "평양", "Пхеньян"),
    "Dandong": ("Dandong", "丹东", "丹東", "단둥", "단동", "Даньдун", "Дандун"),
    "Sinuiju": ("Sinuiju", "Sinŭiju", "Shinuiju", "新义州", "新義州", "신의주", "Синыйджу", "Синычжу"),
    "Shenyang": ("Shenyang", "沈阳", "瀋陽", "沈陽", "선양", "심양", "Шэньян", "Шеньян"),
    "Dalian": ("Dalian", "大连", "大連", "다롄", "대련", "Далянь"),
    "Nampo": ("Nampo", "Namp'o", "Nampho", "南浦", "남포", "Нампхо"),
    "Hunchun": ("Hunchun", "珲春", "琿春", "훈춘", "Хуньчунь"),
    "Tumen": ("Tumen", "图们", "圖們", "투먼", "도문", "Тумэнь", "Тумынь"),
    "Namyang": ("Namyang", "南阳", "南陽", "남양", "Намъян", "Намян"),
    "Rason": ("Rason", "Rajin", "罗先", "羅先", "罗津", "羅津", "라선", "나선", "Расон", "Раджин"),
    "Tumangang": ("Tumangang", "豆满江", "豆滿江", "두만강", "Туманган"),
    "Khasan": ("Khasan", "Hasan", "哈桑", "하산", "Хасан"),
    "Ussuriysk": ("Ussuriysk", "Ussuriisk", "乌苏里斯克", "烏蘇里斯克", "우수리스크", "Уссурийск"),
    "Vladivostok": ("Vladivostok", "符拉迪沃斯托克", "海参崴", "海參崴", "블라디보스토크", "Владивосток"),
    "Moscow": ("Moscow", "莫斯科", "모스크바", "Москва"),
    "Manpo": ("Manpo", "Manp'o", "满浦", "滿浦", "만포", "Манпхо"),
    "Ji'an": ("Ji'an", "Jian", "集安", "지안", "Цзиань"),
    "Uiju": ("Uiju", "义州", "義州", "의주", "Ыйджу"),
}

# Words that follow a name when it denotes a river or a region, not a station.
_NOT_STATION_AFTER = re.compile(
    r"\s*(?:River|river|Bridge|bridge|江|철교|다리|대교|大桥|大橋|Oblast|область|мост)"
)

_RU_VOWELS = "аеёиоуыэюя"


def _russian_forms(word: str) -> str:
    """A regex for a Russian noun in any case (Москва, Москвы, Москве, Москвой…)."""
    low = word.lower()
    if low.endswith("а"):
        return re.escape(word[:-1]) + "(?:а|ы|е|у|ой|ою)"
    if low.endswith("ь"):
        return re.escape(word[:-1]) + "(?:ь|я|ю|ем|е)"
    if low[-1] in _RU_VOWELS:
        return re.escape(word)
    return re.escape(word) + "(?:а|у|ом|е)?"


def _pattern(spelling: str) -> str:
    if re.search("[а-яА-ЯёЁ]", spelling):
        return r"(?<![а-яА-ЯёЁ])" + _russian_forms(spelling) + r"(?![а-яА-ЯёЁ])"
    if re.search("[A-Za-z]", spelling):
        return r"(?<![A-Za-z])" + re.escape(spelling) + r"(?![A-Za-z])"
    return re.escape(spelling)


@dataclass(frozen=True)
class Mention:
    """A station name found in a text."""

    start: int
    end: int
    name: str


@dataclass(frozen=True)
class Gazetteer:
    """Canonical station names with their spellings; finds them in text."""

    names: Mapping[str, tuple[str, ...]]
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        pairs: list[tuple[str, str]] = []
        for canonical, spellings in self.names.items():
            for spelling in (canonical, *spellings):
                pairs.append((spelling, canonical))
        pairs.sort(key=lambda p: -len(p[0]))
        parts = []
        for i, (spelling, canonical) in enumerate(pairs):
            lookup[f"g{i}"] = canonical
            parts.append(f"(?P<g{i}>{_pattern(spelling)})")
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_regex", re.compile("|".join(parts), re.IGNORECASE))

    @classmethod
    def default(cls) -> Gazetteer:
        """The built-in table."""
        return _DEFAULT

    def extended(self, extra: Mapping[str, Iterable[str]]) -> Gazetteer:
        """A copy with more canonical names or spellings (e.g. from the configuration)."""
        merged = {k: tuple(v) for k, v in self.names.items()}
        for canonical, spellings in extra.items():
            merged[canonical] = tuple(dict.fromkeys((*merged.get(canonical, ()), *spellings)))
        return Gazetteer(merged)

    def canonical(self, spelling: str) -> str | None:
        """The canonical name of one spelling, or None."""
        found = self.find(spelling.strip())
        if len(found) == 1 and found[0].start == 0 and found[0].end == len(spelling.strip()):
            return found[0].name
        return None

    def find(self, text: str) -> list[Mention]:
        """Station mentions in text order (longest spelling wins; rivers are skipped)."""
        out = []
        for m in self._regex.finditer(text):
            if _NOT_STATION_AFTER.match(text, m.end()):
                continue
            group = m.lastgroup
            if group is not None:
                out.append(Mention(m.start(), m.end(), self._lookup[group]))
        return out


_DEFAULT = Gazetteer(BUILTIN)
