"""Normalisation and the comparison key, from the YAML table in tests/data/content/normalize.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.content import normalize, volatile
from monitor.content.normalize import comparison_key, normalize_text
from monitor.content.volatile import mask_volatile

TABLE: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "data" / "content" / "normalize.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", TABLE["normalize"], ids=lambda c: c["in"][:30])
def test_normalize(case: dict[str, str]) -> None:
    assert normalize_text(case["in"]) == case["out"]


@pytest.mark.parametrize("case", TABLE["normalize"], ids=lambda c: c["in"][:30])
def test_normalize_is_idempotent(case: dict[str, str]) -> None:
    once = normalize_text(case["in"])
    assert normalize_text(once) == once


@pytest.mark.parametrize("case", TABLE["ignore"], ids=lambda c: c["in"][:30])
def test_ignore_patterns(case: dict[str, Any]) -> None:
    assert normalize_text(case["in"], case["patterns"]) == case["out"]


@pytest.mark.parametrize("case", TABLE["mask"], ids=lambda c: c["in"][:30])
def test_mask(case: dict[str, str]) -> None:
    assert mask_volatile(normalize_text(case["in"])) == normalize_text(case["out"])


@pytest.mark.parametrize("pair", TABLE["same_key"], ids=lambda p: p[0][:30])
def test_same_key(pair: list[str]) -> None:
    assert comparison_key(pair[0]) == comparison_key(pair[1])


@pytest.mark.parametrize("pair", TABLE["different_key"], ids=lambda p: p[0][:30])
def test_different_key(pair: list[str]) -> None:
    assert comparison_key(pair[0]) != comparison_key(pair[1])


def test_key_keeps_blocks_and_words_apart() -> None:
    key = comparison_key("The  K27 train\n\n\n浏览量：12\n\n丹东 - 新义州")
    assert key == "The K27 train\n⟨counter⟩\n丹东-新义州"


def test_key_of_normalised_text_is_the_key_of_the_text() -> None:
    raw = "Trains\u00a0run  daily \u2014 浏览量：12"
    assert comparison_key(normalize_text(raw)) == comparison_key(raw)


@pytest.mark.parametrize(
    ("raw", "patterns"),
    [
        ("Trains\u00a0run  daily \u2014 浏览量：12", []),
        ("e\u200b\u0301 at 10:00 on 2026-04-18", []),  # dropping the zero-width space leaves a composable pair
        ("Train № 652\r\nruns", []),
        ("ﬁrst train 10:00, 2026-04-18 X\u0301", ["X"]),  # the ignore pattern leaves a lone combining accent
    ],
)
def test_key_of_normalised_text_skips_nothing(raw: str, patterns: list[str]) -> None:
    once = normalize_text(raw, patterns)
    assert comparison_key(once, normalized=True) == comparison_key(once)


@pytest.mark.parametrize(
    "blocks",
    [
        ["The K27 train", "runs daily"],
        ["Dandong \u2014 Sinuiju", "\u201cdaily\u201d"],
        ["a \u200b b", "\u200bc"],  # dropping the zero-width space leaves two spaces, and one at the start
        ["ｆｕｌｌ ｗｉｄｔｈ", "x \u00a8 y"],  # compatibility forms, one decomposing into a space
        ["№ 652", "line\rbreak"],
        [],
    ],
)
def test_folded_text_normalises_the_same(blocks: list[str]) -> None:
    text = "\n\n".join(blocks)
    assert normalize_text(text, folded=True) == normalize_text(text)
    assert normalize_text(text, ["K27"], folded=True) == normalize_text(text, ["K27"])


def test_bad_ignore_pattern_raises() -> None:
    with pytest.raises(Exception, match=r"unterminated|missing"):
        normalize_text("x", ["(unclosed"])


@pytest.mark.parametrize("module", [normalize, volatile])
def test_exports(module: object) -> None:
    public = {n for n in vars(module) if not n.startswith("_") and callable(getattr(module, n))}
    defined_here = {n for n in public if getattr(getattr(module, n), "__module__", None) == module.__name__}  # type: ignore[attr-defined]
    assert defined_here <= set(module.__all__)  # type: ignore[attr-defined]
