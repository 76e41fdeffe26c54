"""Webhook delivery against a real receiver that verifies every Standard Webhooks signature."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from notifypeers import Answer, WebhookReceiver

from monitor.config import WebhookNotify
from monitor.notify.base import CHANGE, SOURCE_FAILING, Message
from monitor.notify.webhook import WebhookSender, parse_retry_after

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def change(number: int, **data: Any) -> Message:
    event = {"id": number, "source": "cr-notices", "url": f"https://example.org/n/{number}.html",
             "detected_at": "2026-03-10T08:00:03+00:00", "kind": "status",
             "summary": f"Beijing–Pyongyang: suspended → operating ({number})", "route": ["Beijing", "Pyongyang"],
             "before": {"status": "suspended"}, "after": {"status": "operating"},
             "snapshot_before": 41, "snapshot_after": 58, **data}
    return Message(number, f"msg_e{number}_0123456789abcdef0123", CHANGE, event, event["summary"],
                   {"quote": "K27/K28 resume on 12 March"})


def webhook(url: str, **fields: Any) -> WebhookNotify:
    return WebhookNotify.model_validate({"url": url, "secret": SECRET, **fields})


@pytest.fixture
def hooks() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(SECRET) as receiver:
        yield receiver


def test_each_message_is_one_signed_post_of_type_and_data(hooks: WebhookReceiver) -> None:
    messages = [change(1), change(2, summary="Dandong–Sinuiju: 直通列车 resumes")]
    results = WebhookSender(webhook(hooks.url())).send(messages)
    assert [result.ok for result in results] == [True, True]
    assert hooks.bad_signatures == []
    assert [request.id for request in hooks.received] == [messages[0].id, messages[1].id]
    for request, message in zip(hooks.received, messages, strict=True):
        assert request.json == {"type": "railwatch.change", "data": message.data}
        assert request.headers["content-type"] == "application/json"
        assert request.headers["user-agent"].startswith("railwatch")
        assert request.headers["webhook-signature"].startswith("v1,")
    assert "直通列车" in hooks.received[1].body.decode("utf-8")


def test_a_source_notice_has_its_own_type(hooks: WebhookReceiver) -> None:
    notice = Message(7, "msg_s1-failing_abc", SOURCE_FAILING,
                     {"source": "mfa", "url": "https://example.org/", "consecutive_failures": 3,
                      "last_error": "HTTP 503"}, "Source mfa failing")
    [result] = WebhookSender(webhook(hooks.url())).send([notice])
    assert result.ok
    assert hooks.received[0].json["type"] == "railwatch.source.failing"
    assert hooks.received[0].json["data"]["consecutive_failures"] == 3


def test_one_failing_message_does_not_stop_the_batch(hooks: WebhookReceiver) -> None:
    hooks.answer(Answer(500), Answer(200), Answer(400))
    results = WebhookSender(webhook(hooks.url())).send([change(1), change(2), change(3)])
    assert [(result.ok, result.permanent) for result in results] == [(False, False), (True, False), (False, True)]
    assert len(hooks.received) == 3 and hooks.bad_signatures == []


@pytest.mark.parametrize(("answer", "ok", "permanent", "retry_after", "said"), [
    (Answer(200), True, False, None, None),
    (Answer(202), True, False, None, None),
    (Answer(204), True, False, None, None),
    (Answer(500), False, False, None, "HTTP 500"),
    (Answer(502), False, False, None, "HTTP 502"),
    (Answer(503, {"Retry-After": "120"}), False, False, 120.0, "HTTP 503"),
    (Answer(429, {"Retry-After": "30"}), False, False, 30.0, "HTTP 429"),
    (Answer(408), False, False, None, "HTTP 408"),
    (Answer(400), False, True, None, "planned failure"),
    (Answer(401), False, True, None, "HTTP 401"),
    (Answer(404), False, True, None, "HTTP 404"),
    (Answer(410), False, True, None, "HTTP 410"),
])
def test_answers_are_classified(hooks: WebhookReceiver, answer: Answer, ok: bool, permanent: bool,
                                retry_after: float | None, said: str | None) -> None:
    hooks.answer(answer)
    [result] = WebhookSender(webhook(hooks.url())).send([change(1)])
    assert (result.ok, result.permanent, result.retry_after) == (ok, permanent, retry_after)
    if said:
        assert result.error is not None and said in result.error
    else:
        assert result.error is None


def test_retry_after_as_an_http_date(hooks: WebhookReceiver) -> None:
    later = datetime.now(UTC) + timedelta(hours=1)
    hooks.answer(Answer(503, {"Retry-After": format_datetime(later, usegmt=True)}))
    [result] = WebhookSender(webhook(hooks.url())).send([change(1)])
    assert not result.ok and not result.permanent
    assert result.retry_after is not None and 3000 < result.retry_after <= 3600


@pytest.mark.parametrize(("header", "seconds"), [
    (None, None), ("", None), ("0", 0.0), ("120", 120.0), (" 7 ", 7.0), ("soon", None), ("-5", None),
    ("Tue, 10 Mar 2026 08:01:00 GMT", 60.0), ("Tue, 10 Mar 2026 07:00:00 GMT", 0.0),
])
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, datetime(2026, 3, 10, 8, 0, tzinfo=UTC)) == seconds


def test_a_redirect_is_not_followed_and_names_its_location(hooks: WebhookReceiver) -> None:
    hooks.answer(Answer(301, {"Location": hooks.url("/elsewhere")}), Answer(307, {"Location": "/moved"}))
    results = WebhookSender(webhook(hooks.url())).send([change(1), change(2)])
    assert [result.ok for result in results] == [False, False]
    assert results[0].error is not None and hooks.url("/elsewhere") in results[0].error
    assert results[1].error is not None and "/moved" in results[1].error
    assert not any(result.permanent for result in results)
    assert [request.path for request in hooks.received] == ["/hook", "/hook"]


def test_a_receiver_slower_than_the_timeout_is_retried(hooks: WebhookReceiver) -> None:
    hooks.answer(Answer(hang=True))
    results = WebhookSender(webhook(hooks.url(), timeout="0.5s")).send([change(1), change(2)])
    assert not results[0].ok and not results[0].permanent
    assert results[0].error == "no answer within 0.5s"
    assert results[1].ok                       # the next message still went


def test_an_unreachable_receiver_is_retried_and_the_secret_is_never_said() -> None:
    results = WebhookSender(webhook("http://127.0.0.1:9/hook")).send([change(1)])
    assert not results[0].ok and not results[0].permanent
    assert results[0].error and SECRET not in results[0].error
    assert SECRET.removeprefix("whsec_") not in results[0].error


def test_the_id_is_the_same_at_every_attempt_and_the_timestamp_is_fresh(hooks: WebhookReceiver) -> None:
    hooks.answer(Answer(500))
    sender = WebhookSender(webhook(hooks.url()))
    message = change(5)
    assert not sender.send([message])[0].ok
    assert sender.send([message])[0].ok
    first, second = hooks.received
    assert first.id == second.id == message.id
    assert first.body == second.body
    assert hooks.bad_signatures == []
