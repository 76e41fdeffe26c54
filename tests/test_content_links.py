"""Item links of index pages and canonical URLs, from tests/data/content/links.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.content import links
from monitor.content.links import canonical_url, find_item_links

TABLE: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "data" / "content" / "links.yaml").read_text(encoding="utf-8")
)
PAGES = Path(__file__).parent / "data" / "content" / "pages"


@pytest.mark.parametrize(("url", "want"), TABLE["canonical"], ids=lambda x: str(x)[:40])
def test_canonical_url(url: str, want: str) -> None:
    assert canonical_url(url) == want
    assert canonical_url(want) == want


@pytest.mark.parametrize("case", TABLE["pages"], ids=lambda c: c["name"])
def test_find_item_links(case: dict[str, Any]) -> None:
    assert find_item_links(case["html"], case["base"], case.get("selector")) == case["want"]


@pytest.mark.parametrize(
    ("page", "base", "count", "first"),
    [
        ("zh-index.html", "http://h/kyfw/kygg/", 10, "http://h/kyfw/kygg/202603/t20260316_92188.html"),
        ("ru-index.html", "http://h/ru/press/news/", 9, "http://h/ru/press/news/69107/"),
        (
            "en-index.html",
            "http://h/eng/xw/fyrbt/lxjzh/",
            8,
            "http://h/eng/xw/fyrbt/lxjzh/202603/t20260325_11875308.html",
        ),
    ],
)
def test_heuristic_on_real_templates(page: str, base: str, count: int, first: str) -> None:
    html = (PAGES / page).read_text(encoding="utf-8")
    found = find_item_links(html, base)
    assert len(found) == count
    assert found[0] == first


def test_exports() -> None:
    assert set(links.__all__) == {"canonical_url", "find_item_links"}
