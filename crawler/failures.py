"""Turn what went wrong with a request into words a user can act on."""

from __future__ import annotations

from http import HTTPStatus

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet import error as tx_error

from crawler.exceptions import CrawlerError

__all__ = ["describe_exception", "describe_status"]


def describe_status(status: int, retries: int = 0) -> str:
    """``HTTP 503 Service Unavailable (after 2 retries)``."""
    try:
        phrase = f" {HTTPStatus(status).phrase}"
    except ValueError:
        phrase = ""
    after = f" (after {retries} retr{'y' if retries == 1 else 'ies'})" if retries else ""
    return f"HTTP {status}{phrase}{after}"


def describe_exception(exc: BaseException, *, timeout: float, max_bytes: int, max_redirects: int) -> str:
    """A one-line description of a download failure."""
    text = str(exc).strip()
    if isinstance(exc, CrawlerError):
        return text
    if isinstance(exc, IgnoreRequest):
        if "robots.txt" in text:
            return "robots.txt forbids this URL"
        if "redirections" in text:
            return f"too many redirects (more than {max_redirects}), or a redirect loop"
        if "DOWNLOAD_MAXSIZE" in text:
            return f"response too large: more than {max_bytes} bytes once decompressed"
        return f"request dropped: {text}"
    if isinstance(exc, DownloadCancelledError):  # only the size limit cancels a download
        return f"response too large: more than {max_bytes} bytes"
    if isinstance(exc, DownloadTimeoutError | tx_error.TimeoutError):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, CannotResolveHostError | tx_error.DNSLookupError):
        return f"DNS lookup failed: {text}"
    if isinstance(exc, DownloadConnectionRefusedError | tx_error.ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ResponseDataLossError | DownloadFailedError | tx_error.ConnectionLost):
        return f"connection lost before the response was complete: {text or type(exc).__name__}"
    name = type(exc).__name__
    return f"{name}: {text}" if text else name
