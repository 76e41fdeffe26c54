"""Selecting elements by CSS or ``xpath:`` expressions, and sorting ``ignore`` entries.

A source's ``select``/``links`` option is CSS unless it starts with ``xpath:``
(``css:`` is accepted too). A source's ``ignore`` list mixes regexes and CSS
selectors; :func:`split_ignore` tells them apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from lxml import etree

__all__ = ["SelectorSyntaxError", "compile_selector", "select", "split_ignore"]

XPATH_PREFIX = "xpath:"
CSS_PREFIX = "css:"


class SelectorSyntaxError(ValueError):
    """A CSS or XPath expression that cannot be compiled."""


@lru_cache(maxsize=256)
def compile_selector(expr: str) -> etree.XPath:
    """Compile a CSS selector or an ``xpath:`` expression to an XPath object."""
    from lxml.cssselect import CSSSelector, SelectorError  # imports cssselect, needed only here

    expr = expr.strip()
    try:
        if expr.startswith(XPATH_PREFIX):
            return etree.XPath(expr[len(XPATH_PREFIX) :].strip())
        if expr.startswith(CSS_PREFIX):
            expr = expr[len(CSS_PREFIX) :].strip()
        return CSSSelector(expr, translator="html")
    except (SelectorError, etree.XPathSyntaxError, etree.XPathEvalError) as exc:
        raise SelectorSyntaxError(f"invalid selector {expr!r}: {exc}") from exc


def select(root: etree._Element, expr: str) -> list[object]:
    """Evaluate ``expr`` on ``root``: elements, or strings for XPath attribute/text results."""
    result = compile_selector(expr)(root)
    if isinstance(result, list):
        return list(result)
    return [result]


_SELECTOR_START = re.compile(
    r"^(?:[.#][A-Za-z_-]|\[[A-Za-z_-]|([a-z][a-z0-9]*)(?:[.#\[:][A-Za-z_-]|\s*[>+~,]|\s+[a-z.#\[]|$))"
)
_HTML_TAGS = frozenset((
        "a", "abbr", "address", "article", "aside", "b", "blockquote", "body", "br", "button",
        "caption", "cite", "code", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "embed",
        "figcaption", "figure", "font", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "i", "iframe", "img", "input", "ins", "label", "legend", "li", "main", "mark", "menu",
        "nav", "noscript", "object", "ol", "p", "pre", "q", "s", "samp", "section", "select", "small",
        "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "textarea", "tfoot", "th",
        "thead", "time", "tr", "u", "ul", "video",
    ))
_REGEX_HINT = re.compile(r"\\[dDwWsSbB.]|[()?*+^$]|\{\d")


def _looks_like_selector(entry: str) -> bool:
    if entry.startswith((XPATH_PREFIX, CSS_PREFIX)):
        return True
    if _REGEX_HINT.search(entry) and not entry.startswith(("#", ".", "[")):
        return False
    match = _SELECTOR_START.match(entry)
    if match is None or (match.group(1) is not None and match.group(1) not in _HTML_TAGS):
        return False
    try:
        compile_selector(entry)
    except SelectorSyntaxError:
        return False
    return True


def split_ignore(entries: Iterable[str]) -> tuple[Sequence[str], Sequence[str]]:
    """Split ``ignore`` entries into (regexes, selectors).

    Selectors are entries starting with ``.``, ``#``, ``[``, ``xpath:``/``css:`` or a
    tag name followed by selector syntax (``div.ad``, ``aside``); everything else
    is a regex matched against the normalised text.
    """
    regexes: list[str] = []
    selectors: list[str] = []
    for entry in entries:
        (selectors if _looks_like_selector(entry.strip()) else regexes).append(entry)
    return tuple(regexes), tuple(selectors)
