"""Crash safety: railwatch killed (SIGKILL) at random moments loses no event and repeats none under a new id."""

from __future__ import annotations

from pathlib import Path

import pytest
from crashrun import SECRET, crash_run, verify
from livesite import LiveSite
from notifypeers import WebhookReceiver

pytestmark = pytest.mark.slow


def test_random_kills_lose_no_event_and_repeats_keep_their_webhook_id(tmp_path: Path, database_url: str) -> None:
    with LiveSite() as site, WebhookReceiver(SECRET) as hooks:
        cli, report = crash_run(tmp_path, database_url, kills=20, check_kills=6, seed=20261121,
                                site=site, hooks=hooks)
        verify(cli, database_url, hooks, report)
    print(report.line())
    assert report.kills == 26
    assert report.listed and report.events >= len(report.listed)   # there was work to lose
