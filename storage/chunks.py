"""Long lists of values in slices a statement can bind."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

__all__ = ["in_chunks"]

T = TypeVar("T")


def in_chunks(values: Sequence[T], size: int = 500) -> list[Sequence[T]]:
    """``values`` in slices small enough for an ``IN (...)`` under any database's limit on bound parameters."""
    return [values[at : at + size] for at in range(0, len(values), size)]
