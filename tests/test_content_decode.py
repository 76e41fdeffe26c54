"""Charset decoding of real GBK, Big5, EUC-KR and cp1251 bytes, declared in a header, a <meta> or nowhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.content.decode import Decoded, decode_html, python_codec

DATA: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "data" / "content" / "decode.yaml").read_text(encoding="utf-8")
)
CASES: list[dict[str, Any]] = DATA["cases"]


def _page(text: str, charset: str, declare: str) -> tuple[bytes, str | None]:
    label = "utf-8" if charset == "utf-8-sig" else charset
    head = {
        "meta": f'<meta charset="{label}">',
        "http-equiv": f'<meta http-equiv="Content-Type" content="text/html; charset={label}">',
    }.get(declare, "")
    html = f"<html><head>{head}<title>t</title></head><body><p>{text}</p></body></html>"
    if declare == "xml":
        html = f'<?xml version="1.0" encoding="{label}"?>' + html
    body = html.encode(charset)
    header = {"header": f"text/html; charset={label}", "wrong-header": None}.get(declare, "text/html")
    return body, header


@pytest.mark.parametrize(
    "case", CASES, ids=lambda c: f"{c['charset']}-{c['declare']}-{c.get('header_says', '')}"
)
def test_decode(case: dict[str, Any]) -> None:
    text = DATA["samples"][case["lang"]]
    body, header = _page(text, case["charset"], case["declare"])
    if case["declare"] == "wrong-header":
        header = f"text/html; charset={case['header_says']}"
    got = decode_html(body, header)
    assert isinstance(got, Decoded)
    assert text in got.text
    assert "\ufffd" not in got.text


def test_gbk_decodes_as_gb18030() -> None:
    body = "<p>丹东€</p>".encode("gb18030")
    assert decode_html(body, "text/html; charset=gbk").encoding == "gb18030"


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("GBK", "gb18030"),
        ("gb2312", "gb18030"),
        ("EUC-KR", "cp949"),
        ("windows-1251", "cp1251"),
        ("UTF-8", "utf-8"),
        ("bogus-charset", None),
        ("", None),
    ],
)
def test_python_codec(label: str, codec: str | None) -> None:
    assert python_codec(label) == codec


def test_bom_wins_over_header() -> None:
    body = "\ufeff<p>Пхеньян</p>".encode("utf-8")
    assert decode_html(body, "text/html; charset=windows-1251").text == "<p>Пхеньян</p>"


def test_unknown_header_charset_falls_back() -> None:
    body = "<p>平壤</p>".encode()
    assert "平壤" in decode_html(body, "text/html; charset=x-unknown").text


def test_empty_body() -> None:
    assert decode_html(b"", None).text == ""
