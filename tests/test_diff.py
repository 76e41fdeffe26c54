"""The text diff, from the YAML table in tests/data/content/diff.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from monitor import diff
from monitor.diff import BlockChange, diff_texts, unified

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "content" / "diff.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_diff(case: dict[str, Any]) -> None:
    got = diff_texts(case["before"], case["after"])
    assert got.summary == case["summary"]
    assert len(got.changed_blocks) == case["blocks"]
    assert got.changed == bool(case["blocks"])


def test_changed_blocks_keep_the_original_text() -> None:
    got = diff_texts("Keep.\n\nViews 12. K27 runs Friday.", "Keep.\n\nViews 99. K27 runs Sunday.")
    assert got.changed_blocks == (BlockChange("Views 12. K27 runs Friday.", "Views 99. K27 runs Sunday."),)
    assert got.added == ("Sunday",)
    assert got.removed == ("Friday",)


def test_long_runs_are_truncated() -> None:
    after = "Intro.\n\n" + "word " * 100
    got = diff_texts("Intro.", after)
    assert "…" in got.summary
    assert len(got.summary) < 120


def test_many_edits_are_counted() -> None:
    before = "\n\n".join(f"Paragraph {i} says Monday." for i in range(8))
    after = "\n\n".join(f"Paragraph {i} says Tuesday." for i in range(8))
    assert diff_texts(before, after).summary.endswith("and 4 more")


def test_volatile_can_be_compared() -> None:
    assert diff_texts("12 views", "13 views", ignore_volatile=False).changed


def test_unified() -> None:
    text = unified("a\n\nb\n\nc", "a\n\nB\n\nc", context=1)
    assert text.splitlines() == ["--- before", "+++ after", "@@ -1,3 +1,3 @@", " a", "-b", "+B", " c"]
    assert unified("same", "same") == ""


_WORDS = st.lists(
    st.sampled_from(["train", "列车", "열차", "поезд", "K27", "09:30", "Friday", "每周一"]), max_size=12
)


@given(_WORDS, _WORDS)
def test_diff_is_empty_exactly_when_texts_match(a: list[str], b: list[str]) -> None:
    before, after = " ".join(a), " ".join(b)
    got = diff_texts(before, after)
    assert got.changed == (before.split() != after.split())


def test_exports() -> None:
    assert set(diff.__all__) == {"BlockChange", "TextDiff", "diff_texts", "split_blocks", "unified"}
