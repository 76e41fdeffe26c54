"""What to fetch for one source in one crawl: the source, its validators and its known items."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from monitor.config import SourceConfig

__all__ = ["SourcePlan", "Validators"]


@dataclass(frozen=True, slots=True)
class Validators:
    """The cache validators of the last stored response, sent back as conditional headers."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        """``If-None-Match`` / ``If-Modified-Since`` for the validators that are known."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True, slots=True)
class SourcePlan:
    """One source to crawl.

    ``validators`` are keyed by canonical URL. ``known_items`` are item URLs
    (index and feed sources) re-checked even when the listing no longer shows
    them, so that a withdrawn notice is seen answering 404.
    """

    source: SourceConfig
    validators: Mapping[str, Validators] = field(default_factory=dict)
    known_items: tuple[str, ...] = ()
