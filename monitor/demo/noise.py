"""The volatile parts of the replayed pages, filled afresh on every request.

A page marks them with placeholders: ``{{now}}`` (a clock, in a format picked
per request), ``{{views}}`` (a visit counter), ``{{token}}`` (a session or
cache-busting token), ``{{related}}`` (3-5 rotating headline links),
``{{ad}}`` (an advertisement) and ``{{base}}`` (the server's address, for
feeds and canonical links).  The pools are chosen by the page's script and
are kept free of rail words, so that they can never look like news.
"""

from __future__ import annotations

import random
import re
import secrets
from datetime import UTC, datetime

__all__ = ["PLACEHOLDERS", "RELATED", "detect_lang", "fill_noise", "related_page"]

PLACEHOLDERS = ("base", "now", "views", "token", "related", "ad")
_PLACEHOLDER = re.compile(r"\{\{(" + "|".join(PLACEHOLDERS) + r")\}\}")

NOW_FORMATS: dict[str, tuple[str, ...]] = {
    "en": ("%Y-%m-%d %H:%M:%S", "%d %b %Y %H:%M", "%B %d, %Y %I:%M %p", "%a, %d %b %Y %H:%M:%S GMT"),
    "zh": ("%Y-%m-%d %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y/%m/%d %H:%M"),
    "ko": ("%Y.%m.%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y년 %m월 %d일 %H:%M"),
    "ru": ("%d.%m.%Y %H:%M", "%d.%m.%Y, %H:%M:%S", "%Y-%m-%d %H:%M"),
}

RELATED: dict[str, tuple[str, ...]] = {
    "en": ("Central bank holds rates steady", "Film festival opens with record entries",
           "Grain harvest forecast revised upward", "Marathon draws 30,000 runners",
           "Museum extends evening opening hours", "Heatwave grips inland provinces",
           "University rankings released", "Panda cub makes first public appearance"),
    "zh": ("多地迎来今年首场强降雨", "一季度居民消费价格温和上涨", "国际马拉松赛鸣枪开跑",
           "春播春管工作有序推进", "文化惠民演出走进社区", "博物馆夜场开放时间延长",
           "城市更新项目集中开工", "全国中小学开展安全教育周活动"),
    "ko": ("수도권 미세먼지 주의보 발령", "한국은행 기준금리 동결", "프로야구 개막전 매진 행렬",
           "봄철 산불 위험 경보 상향", "국립중앙박물관 특별전 개막", "올해 벚꽃 개화 예년보다 빨라",
           "청년 고용률 소폭 상승", "반도체 수출 석 달 연속 증가"),
    "ru": ("В Приморье ожидается сильный ветер", "Курс рубля укрепился на торгах",
           "В Хабаровске открылся фестиваль кино", "Школьники выиграли олимпиаду по физике",
           "В городе обновят двадцать остановок", "Урожай сои превысил прогноз",
           "В парке высадили тысячу деревьев", "Синоптики обещают тёплый май"),
}

ADS: dict[str, tuple[str, ...]] = {
    "en": ('<div class="ad"><a href="/ads/click?id={tok}">Save {n}0% on winter coats</a></div>',
           '<div class="ad"><a href="/ads/click?id={tok}">Learn a language in {n} weeks</a></div>'),
    "zh": ('<div class="ad"><a href="/ads/click?id={tok}">品牌家电限时{n}折</a></div>',
           '<div class="ad"><a href="/ads/click?id={tok}">在线课程免费试听{n}天</a></div>'),
    "ko": ('<div class="ad"><a href="/ads/click?id={tok}">겨울 코트 최대 {n}0% 할인</a></div>',
           '<div class="ad"><a href="/ads/click?id={tok}">영어 회화 {n}주 완성</a></div>'),
    "ru": ('<div class="ad"><a href="/ads/click?id={tok}">Скидки до {n}0% на технику</a></div>',
           '<div class="ad"><a href="/ads/click?id={tok}">Курсы английского за {n} недель</a></div>'),
}

_SCRIPTS = {"zh": r"[\u4e00-\u9fff]", "ko": r"[\uac00-\ud7a3]", "ru": r"[\u0400-\u04ff]"}


def detect_lang(text: str) -> str:
    """``zh``, ``ko``, ``ru`` or ``en``: the script most of the page is written in."""
    counts = {lang: len(re.findall(pattern, text)) for lang, pattern in _SCRIPTS.items()}
    lang, count = max(counts.items(), key=lambda kv: kv[1])
    return lang if count > 20 else "en"


def _related(lang: str, rng: random.Random) -> str:
    picks = rng.sample(range(len(RELATED[lang])), rng.randint(3, 5))
    links = "".join(f'<li><a href="/related/{lang}-{i}.html">{RELATED[lang][i]}</a></li>' for i in picks)
    return f"<ul>{links}</ul>"


def fill_noise(text: str, base: str, *, rng: random.Random | None = None) -> str:
    """``text`` with every placeholder replaced by a fresh value."""
    rng = rng or random.Random()
    lang = detect_lang(text)

    def one(match: re.Match[str]) -> str:
        name = match[1]
        if name == "base":
            return base
        if name == "now":
            return datetime.now(UTC).strftime(rng.choice(NOW_FORMATS[lang]))
        if name == "views":
            count = rng.randint(120, 250_000)
            return rng.choice((str(count), f"{count:,}"))
        if name == "token":
            return secrets.token_hex(rng.choice((4, 8, 16)))
        if name == "related":
            return _related(lang, rng)
        return rng.choice(ADS[lang]).format(tok=secrets.token_hex(6), n=rng.randint(1, 9))

    return _PLACEHOLDER.sub(one, text)


def related_page(lang: str, index: int) -> bytes | None:
    """The page behind one rotating headline link, or None for an unknown one."""
    headlines = RELATED.get(lang, ())
    if not 0 <= index < len(headlines):
        return None
    title = headlines[index]
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><h1>{title}</h1><p>{title}.</p></body></html>").encode()
