"""Station and city names in English, Chinese, Korean and Russian."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

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

# Words that follow a name when it denotes a river, a region or a clock ("Beijing time",
# 北京时间, 평양시간), not a station.
_NOT_STATION_AFTER = re.compile(
    r"\s*(?:River|river|Bridge|bridge|[Tt]ime\b|江|철교|다리|대교|大桥|大橋|时间|時間|시간|Oblast|область|мост)"
)

# Texts whose mentions a gazetteer keeps (a sentence is looked up several times).
_MAX_REMEMBERED = 4096
_RU_VOWELS = "аеёиоуыэюя"
_ALPHABETIC = re.compile("[A-Za-zА-Яа-яЁё]")
# Words of alphabetic scripts (apostrophes and breves belong to the word: P'yongyang, Sinŭiju).
_WORD = re.compile(r"[A-Za-zÀ-ɏ][A-Za-zÀ-ɏ'’]*|[А-Яа-яЁё]+")


def _russian_forms(word: str) -> list[str]:
    """A Russian noun in every case (Москва, Москвы, Москве, Москвой…)."""
    low = word.lower()
    if low.endswith("а"):
        return [low[:-1] + e for e in ("а", "ы", "е", "у", "ой", "ою")]
    if low.endswith("ь"):
        return [low[:-1] + e for e in ("ь", "я", "ю", "ем", "е")]
    if low[-1] in _RU_VOWELS:
        return [low]
    return [low + e for e in ("", "а", "у", "ом", "е")]


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
    _words: dict[tuple[str, ...], str] = field(init=False, repr=False, compare=False)
    _longest: int = field(init=False, repr=False, compare=False)
    _substrings: tuple[tuple[str, str], ...] = field(init=False, repr=False, compare=False)
    _first_words: frozenset[str] = field(init=False, repr=False, compare=False)
    _first_chars: frozenset[str] = field(init=False, repr=False, compare=False)
    _found: dict[str, tuple[Mention, ...]] = field(init=False, repr=False, compare=False)
    _memos: dict[str, dict[str, Any]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        words: dict[tuple[str, ...], str] = {}
        substrings: dict[str, str] = {}
        for canonical, spellings in self.names.items():
            for spelling in (canonical, *spellings):
                if not _ALPHABETIC.search(spelling):
                    substrings.setdefault(spelling, canonical)
                    continue
                tokens = [t.lower() for t in _WORD.findall(spelling)]
                if not tokens:
                    continue
                last = _russian_forms(tokens[-1]) if re.search("[а-яё]", tokens[-1]) else [tokens[-1]]
                for form in last:
                    words.setdefault((*tokens[:-1], form), canonical)
        object.__setattr__(self, "_words", words)
        object.__setattr__(self, "_longest", max((len(k) for k in words), default=1))
        ordered = sorted(substrings.items(), key=lambda kv: -len(kv[0]))
        object.__setattr__(self, "_substrings", tuple(ordered))
        # Cheap tests first: a text with none of these holds no name of that kind.
        object.__setattr__(self, "_first_words", frozenset(k[0] for k in words))
        object.__setattr__(self, "_first_chars", frozenset(s[0] for s, _ in ordered if s))
        object.__setattr__(self, "_found", {})
        object.__setattr__(self, "_memos", {})

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
        text = spelling.strip()
        found = self.find(text)
        if len(found) == 1 and found[0].start == 0 and found[0].end == len(text):
            return found[0].name
        return None

    def memo(self, name: str) -> dict[str, Any]:
        """A cache, by text, of what ``name`` derives from a text with this gazetteer.

        A sentence is looked at several times (as the sentence after one, as itself, for its
        route parts). The caller clears it when it grows past its own bound.
        """
        found = self._memos.get(name)
        if found is None:
            found = self._memos[name] = {}
        return found

    def _word_mentions(self, text: str) -> list[Mention]:
        lowered = [word.lower() for word in _WORD.findall(text)]
        if self._first_words.isdisjoint(lowered):  # many sentences name no station
            return []
        tokens = list(_WORD.finditer(text))
        out = []
        after = 0  # the first word a mention may open at (words of the last one are taken)
        for i, word in enumerate(lowered):
            if i < after or word not in self._first_words:
                continue
            for size in range(min(self._longest, len(tokens) - i), 0, -1):
                name = self._words.get(tuple(lowered[i:i + size]))
                if name is not None:
                    out.append(Mention(tokens[i].start(), tokens[i + size - 1].end(), name))
                    after = i + size
                    break
        return out

    def _substring_mentions(self, text: str) -> list[Mention]:
        out: list[Mention] = []
        if self._first_chars.isdisjoint(text):
            return out
        for spelling, canonical in self._substrings:
            start = text.find(spelling)
            while start != -1:
                out.append(Mention(start, start + len(spelling), canonical))
                start = text.find(spelling, start + 1)
        return out

    def find(self, text: str) -> list[Mention]:
        """Station mentions in text order (the longest spelling wins; rivers and bridges are skipped)."""
        found = self._found.get(text)
        if found is None:
            if len(self._found) >= _MAX_REMEMBERED:
                self._found.clear()
            found = self._found[text] = tuple(self._find(text))
        return list(found)

    def _find(self, text: str) -> list[Mention]:
        candidates = self._word_mentions(text) + self._substring_mentions(text)
        candidates.sort(key=lambda m: (m.start, -(m.end - m.start)))
        out: list[Mention] = []
        end = -1
        for m in candidates:
            if m.start < end:
                continue  # 义州 inside 新义州
            end = m.end
            if not _NOT_STATION_AFTER.match(text, m.end):
                out.append(m)
        return out


_DEFAULT = Gazetteer(BUILTIN)
