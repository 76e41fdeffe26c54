"""Bytes to text: the charset of an HTML response, judged the way browsers do.

Order: byte-order mark, HTTP ``Content-Type`` charset, ``<meta charset>`` /
``<meta http-equiv>``, XML declaration, then detection (strict UTF-8 first,
then charset-normalizer). A declared charset that turns the bytes into
garbage (a UTF-8 header over GBK bytes, a single-byte label over valid
UTF-8) is distrusted and the next source is tried.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

__all__ = ["Decoded", "decode_html", "python_codec"]

# Supersets browsers use in place of the labels pages declare.
_SUPERSETS = {
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "gb18030": "gb18030",
    "big5": "cp950",
    "big5hkscs": "big5hkscs",
    "cp950": "cp950",
    "euc_kr": "cp949",
    "cp949": "cp949",
    "ascii": "cp1252",
    "latin_1": "cp1252",
    "iso8859_1": "cp1252",
    "shift_jis": "cp932",
    "utf_8": "utf-8",
}
_MAX_ERROR_SHARE = 0.002  # share of undecodable bytes a declared multi-byte charset may have
_DETECT_LIMIT = 64 * 1024  # bytes handed to the statistical detector


@dataclass(frozen=True)
class Decoded:
    """Decoded text and the Python codec name that produced it."""

    text: str
    encoding: str


def python_codec(label: str | None) -> str | None:
    """The Python codec for a charset label, widened to the superset browsers use; None if unknown."""
    if not label:
        return None
    resolved = resolve_encoding(label.strip().strip("\"'")) or None
    if resolved is None:
        try:
            resolved = codecs.lookup(label.strip()).name
        except LookupError:
            return None
    name = codecs.lookup(resolved).name.replace("-", "_")
    if name in ("utf_8", "utf_8_sig"):
        return "utf-8"
    return _SUPERSETS.get(name, name)


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _tolerable(body: bytes, codec: str) -> str | None:
    """Decode with replacement when only a few bytes are bad (a truncated or slightly broken page)."""
    text = _strict(body, codec)
    if text is not None:
        return text
    try:
        text = body.decode(codec, errors="replace")
    except LookupError:
        return None
    bad = text.count("\ufffd")
    return text if bad <= max(2, len(body) * _MAX_ERROR_SHARE) else None


def _looks_utf8(body: bytes) -> bool:
    """Valid UTF-8 that uses multi-byte sequences: never an accident in another charset."""
    return not body.isascii() and _strict(body, "utf-8") is not None


def _accept(body: bytes, codec: str) -> str | None:
    """Decode ``body`` with a declared ``codec`` unless the result is evidently garbage."""
    if codec != "utf-8" and _looks_utf8(body):
        return None  # long valid UTF-8 is never an accident in another charset: the label is wrong
    return _tolerable(body, codec)


def _detect(body: bytes) -> Decoded:
    text = _strict(body, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8")
    import charset_normalizer  # a heavy import, needed only when no declared charset will do

    best = charset_normalizer.from_bytes(body[:_DETECT_LIMIT]).best()
    codec = python_codec(best.encoding) if best is not None else None
    if codec:
        text = _tolerable(body, codec)
        if text is not None:
            return Decoded(text, codec)
    return Decoded(body.decode("utf-8", errors="replace"), "utf-8")


def _declared_labels(body: bytes, content_type: str | None) -> Iterator[str | None]:
    """The charsets the header and then the markup declare (the markup is read only if needed)."""
    yield http_content_type_encoding(content_type or "")
    yield html_body_declared_encoding(body)


def decode_html(body: bytes, content_type: str | None) -> Decoded:
    """Decode an HTML (or XML) body given its ``Content-Type`` header value, if any."""
    bom_codec, bom = read_bom(body)
    if bom_codec and bom:
        codec = python_codec(bom_codec) or bom_codec
        return Decoded(body[len(bom) :].decode(codec, errors="replace"), codec)
    for label in _declared_labels(body, content_type):
        declared_codec = python_codec(label)
        if declared_codec is None:
            continue
        text = _accept(body, declared_codec)
        if text is not None:
            return Decoded(text, declared_codec)
    return _detect(body)
