"""Rendering an element's visible text as blocks.

Paragraphs, headings, list items and other block elements each become one
block; ``<br>`` also ends a block, so ``<p>a<br>b</p>`` and
``<p>a</p><p>b</p>`` read the same. A data table gives one block per row,
cells joined by `` | ``; a layout table (cells holding paragraphs or other
tables) is read like nested ``<div>``\\s. Whitespace inside a block is folded.
"""

from __future__ import annotations

from lxml import etree

__all__ = ["CELL_SEPARATOR", "folded_length", "is_layout_table", "render_blocks"]

CELL_SEPARATOR = " | "
BLOCK_TAGS = frozenset((
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu", "nav", "ol", "p", "pre",
        "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "ul",
        "legend",
    ))
_CELL_BLOCKS = frozenset((
        "p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section",
        "article", "pre", "dl",
    ))
_LAYOUT_CELL_CHARS = 400
_SPECIAL_LEAVES = frozenset(("br", "hr", "table"))


def _fold(text: str) -> str:
    # Every whitespace character but the space is unprintable: printable text with no
    # double space is folded once it has no space at either end.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def folded_length(text: str) -> int:
    """``len(" ".join(text.split()))``, mostly without splitting."""
    if text.isprintable() and "  " not in text:
        n = len(text)
        if n and text[0] == " ":
            n -= 1
        if n and text[-1] == " ":
            n -= 1
        return n
    return len(" ".join(text.split()))


def _inline_text(el: etree._Element) -> str:
    """All text under ``el`` on one line (for table cells)."""
    if not len(el):
        return _fold(el.text or "")
    return _fold("".join(_texts(el)))


def _texts(el: etree._Element) -> list[str]:
    out: list[str] = []
    if el.text:
        out.append(el.text)
    for child in el:
        if child.tag in ("br", "hr") or child.tag in BLOCK_TAGS:
            out.append(" ")
        if isinstance(child.tag, str):
            out.extend(_texts(child))
            if child.tag in BLOCK_TAGS:
                out.append(" ")
        if child.tail:
            out.append(child.tail)
    return out


def is_layout_table(table: etree._Element) -> bool:
    """True for a table used for page layout (cells holding paragraphs or tables), not for data."""
    for cell in table.iter("td", "th"):
        if not len(cell):  # text only
            if len(cell.text or "") > _LAYOUT_CELL_CHARS:
                return True
            continue
        blocks = 0
        for node in cell.iter():
            if node is cell:
                continue
            if node.tag == "table":
                return True
            if node.tag in _CELL_BLOCKS:
                blocks += 1
                if blocks >= 2:
                    return True
        if len("".join(_texts(cell))) > _LAYOUT_CELL_CHARS:
            return True
    return False


def _rows(table: etree._Element) -> list[etree._Element]:
    rows: list[etree._Element] = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if r.tag == "tr")
    return rows


class _Writer:
    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.buf: list[str] = []

    def text(self, s: str | None) -> None:
        if s:
            self.buf.append(s)

    def emit(self, text: str) -> None:
        """Add ``text``, folded, as a block unless it is blank."""
        if not text.isspace():  # the whitespace between blocks, mostly
            block = _fold(text)
            if block:
                self.blocks.append(block)

    def flush(self) -> None:
        if self.buf:
            self.emit(self.buf[0] if len(self.buf) == 1 else "".join(self.buf))
            self.buf = []

    def block(self, s: str) -> None:
        self.flush()
        if s:
            self.blocks.append(s)

    def walk(self, el: etree._Element) -> None:
        tag = el.tag
        if not isinstance(tag, str):
            self.text(el.tail)
            return
        if not len(el) and tag not in _SPECIAL_LEAVES:  # a text-only element: the common case
            text = el.text
            if tag in BLOCK_TAGS:
                self.flush()
                if text:
                    self.emit(text)
            elif text:
                self.buf.append(text)
            tail = el.tail
            if tail:
                self.buf.append(tail)
            return
        if tag == "br" or tag == "hr":
            self.flush()
        elif tag == "table" and not is_layout_table(el):
            self.flush()
            caption = el.find("caption")
            if caption is not None:
                self.block(_inline_text(caption))
            for row in _rows(el):
                cells = [text for c in row if c.tag in ("td", "th") and (text := _inline_text(c))]
                if cells:
                    self.blocks.append(CELL_SEPARATOR.join(cells))
        else:
            is_block = tag in BLOCK_TAGS
            if is_block:
                self.flush()
            self.text(el.text)
            for child in el:
                self.walk(child)
            if is_block:
                self.flush()
        self.text(el.tail)


def render_blocks(el: etree._Element) -> list[str]:
    """The visible text of ``el`` (tail excluded) as a list of whitespace-folded blocks."""
    writer = _Writer()
    tail, el.tail = el.tail, None
    try:
        writer.walk(el)
    finally:
        el.tail = tail
    writer.flush()
    return writer.blocks
