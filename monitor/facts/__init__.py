"""Facts extractor: pure functions from a document's text to route facts and changes.

`extract_facts` reads one document's main text and returns one merged `Fact` per
route it states; `compare_facts` turns two versions of those facts into change
events; `apply_fact` folds facts into the per-route service status.
"""

from __future__ import annotations

from .compare import FactChange, compare_facts
from .extract import extract_facts
from .gazetteer import Gazetteer
from .keywords import matches_keywords
from .model import DAYS, STATUSES, Fact, Segment
from .segments import segment
from .status_table import Evidence, RouteStatus, apply_fact

__all__ = [
    "DAYS",
    "STATUSES",
    "Evidence",
    "Fact",
    "FactChange",
    "Gazetteer",
    "RouteStatus",
    "Segment",
    "apply_fact",
    "compare_facts",
    "extract_facts",
    "matches_keywords",
    "segment",
]
