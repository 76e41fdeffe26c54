"""The content layer: pure functions from fetched bytes to the text that is watched.

``decode`` turns bytes into text, ``extract`` finds the main content,
``normalize`` gives the canonical text and the comparison key, ``links``
finds the item links of index pages. None of them does any I/O.
"""

from monitor.content.decode import Decoded, decode_html
from monitor.content.extract import Extracted, extract_text
from monitor.content.links import canonical_url, find_item_links
from monitor.content.normalize import comparison_key, normalize_text
from monitor.content.select import SelectorSyntaxError, split_ignore

__all__ = [
    "Decoded",
    "Extracted",
    "SelectorSyntaxError",
    "canonical_url",
    "comparison_key",
    "decode_html",
    "extract_text",
    "find_item_links",
    "normalize_text",
    "split_ignore",
]
