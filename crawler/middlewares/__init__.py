"""Downloader middlewares of the crawler, one per file; wired in :mod:`crawler.settings`."""

__all__: list[str] = []
