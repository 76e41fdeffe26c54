"""``Retry-After``: how long a server asks to be left alone, read once for every HTTP client here.

Pure and light (no Scrapy import): the crawler's retry middleware and the
webhook sender both use it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["parse_retry_after"]


def parse_retry_after(value: bytes | str | None, now: datetime | float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delay-seconds or an HTTP date); None if absent or bad.

    ``now`` (a datetime or a Unix time; default: the clock) is what an HTTP date is counted from; a
    date in the past means no wait. HTTP dates are GMT, so a date without a zone is read as UTC.
    """
    if not value:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    reference = now.timestamp() if isinstance(now, datetime) else time.time() if now is None else now
    return max(0.0, when.timestamp() - reference)
