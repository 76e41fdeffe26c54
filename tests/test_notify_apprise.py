"""Apprise delivery through its json:// plugin, to a real local HTTP receiver."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from notifypeers import Answer, WebhookReceiver

from monitor.config import AppriseNotify
from monitor.notify.apprise_sender import AppriseSender
from monitor.notify.base import CHANGE, Message

MESSAGE = Message(1, "msg_e1_x", CHANGE,
                  {"id": 1, "source": "cr-notices", "url": "https://example.org/n/1.html", "kind": "status"},
                  "Beijing–Pyongyang: suspended → operating", {"quote": "K27/K28 恢复开行"})


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as peer:
        yield peer


def apprise_endpoint(receiver: WebhookReceiver) -> AppriseNotify:
    return AppriseNotify(urls=(receiver.url("/apprise").replace("http://", "json://"),))


def test_title_and_body_arrive(receiver: WebhookReceiver) -> None:
    [result] = AppriseSender(apprise_endpoint(receiver)).send([MESSAGE])
    assert result.ok
    [request] = receiver.at("/apprise")
    payload = request.json
    assert payload["title"] == "Beijing–Pyongyang: suspended → operating"
    assert "Beijing–Pyongyang: suspended → operating" in payload["message"]
    assert "K27/K28 恢复开行" in payload["message"]
    assert "https://example.org/n/1.html" in payload["message"]


def test_a_failure_is_retried(receiver: WebhookReceiver) -> None:
    receiver.answer(Answer(500))
    results = AppriseSender(apprise_endpoint(receiver)).send([MESSAGE, MESSAGE])
    assert [(result.ok, result.permanent, result.retry_after) for result in results] == [
        (False, False, None), (True, False, None)]
    assert results[0].error is not None and "Apprise" in results[0].error
