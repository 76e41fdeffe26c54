"""E-mail delivery to a real SMTP server (aiosmtpd): plain, STARTTLS and implicit TLS, with a login."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from notifypeers import MailServer, self_signed

from monitor.config import EmailNotify
from monitor.notify.base import CHANGE, SOURCE_FAILING, SOURCE_RECOVERED, Message
from monitor.notify.email import EmailSender, SmtpTarget

QUOTE = "自2026年3月12日起恢复开行北京至平壤K27/K28次国际旅客列车 <script>alert(1)</script>"


def change(number: int, **data: Any) -> Message:
    event = {"id": number, "source": "cr-notices", "url": f"https://example.org/n/{number}.html?a=1&b=2",
             "detected_at": "2026-03-10T08:00:03+00:00", "kind": "status",
             "summary": f"Beijing–Pyongyang: suspended → operating from 2026-03-12 (#{number})",
             "route": ["Beijing", "Pyongyang"], "before": {"status": "suspended"},
             "after": {"status": "operating"}, "snapshot_before": 41, "snapshot_after": 58, **data}
    detail = {"quote": QUOTE, "added": ["Trains run on Mondays & Fridays."], "removed": ["Trains are suspended."]}
    return Message(number, f"msg_e{number}_0123456789abcdef0123", CHANGE, event, event["summary"], detail)


def endpoint(smtp: str, **fields: Any) -> EmailNotify:
    return EmailNotify.model_validate({"smtp": smtp, "from": "railwatch@example.org",
                                       "to": ["desk@example.org", "night@example.org"], **fields})


def subject(mail: EmailMessage) -> str:
    """The subject as a mail client shows it (the parser keeps the space of a folded first line)."""
    return str(mail["Subject"]).strip()


def parts(mail: EmailMessage) -> tuple[str, str]:
    text, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def trusted(cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The client trusts the test server's certificate through the standard SSL_CERT_FILE variable."""
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))


@pytest.fixture
def plain() -> Iterator[MailServer]:
    with MailServer() as server:
        yield server


def test_one_mail_per_event_states_the_change_quote_links_and_diff(plain: MailServer) -> None:
    messages = [change(1), change(2)]
    results = EmailSender(endpoint(f"smtp://127.0.0.1:{plain.port}")).send(messages)
    assert [result.ok for result in results] == [True, True]
    assert len(plain.mails) == 2
    mail = plain.mails[0]
    assert subject(mail) == "[railwatch] Beijing–Pyongyang: suspended → operating from 2026-03-12 (#1)"
    assert mail["From"] == "railwatch@example.org"
    assert mail["To"] == "desk@example.org, night@example.org"
    assert mail["Message-ID"] == "<msg_e1_0123456789abcdef0123@example.org>"
    assert plain.envelopes[0][1] == ["desk@example.org", "night@example.org"]
    text, html = parts(mail)
    assert "Beijing–Pyongyang: suspended → operating" in text
    assert QUOTE in text
    assert "- Trains are suspended." in text and "+ Trains run on Mondays & Fridays." in text
    assert "https://example.org/n/1.html?a=1&b=2" in text
    assert "railwatch show 58" in text and "railwatch diff 41 58" in text
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Mondays &amp; Fridays" in html
    assert 'href="https://example.org/n/1.html?a=1&amp;b=2"' in html
    assert "自2026年3月12日起恢复开行" in html


def test_a_repeat_carries_the_same_message_id(plain: MailServer) -> None:
    sender = EmailSender(endpoint(f"smtp://127.0.0.1:{plain.port}"))
    sender.send([change(3)])
    sender.send([change(3)])
    assert plain.mails[0]["Message-ID"] == plain.mails[1]["Message-ID"]


def test_a_digest_is_one_mail_for_all_the_events(plain: MailServer) -> None:
    messages = [change(1), change(2), change(3)]
    results = EmailSender(endpoint(f"smtp://127.0.0.1:{plain.port}", digest=True)).send(messages)
    assert [result.ok for result in results] == [True, True, True]
    [mail] = plain.mails
    assert subject(mail) == "[railwatch] 3 changes"
    text, html = parts(mail)
    for message in messages:
        assert message.summary in text
    assert text.count(QUOTE) == 3
    assert html.count("<li>") == 3


def test_source_health_notices_read_well(plain: MailServer) -> None:
    data = {"source": "mfa-press", "url": "https://example.org/press/", "consecutive_failures": 3,
            "last_error": "https://example.org/press/: HTTP 503", "since": "2026-03-09T08:00:00+00:00"}
    failing = Message(1, "msg_s1-failing_x", SOURCE_FAILING, data,
                      "Source mfa-press failing: 3 checks in a row failed (HTTP 503)")
    recovered = Message(2, "msg_s1-recovered_x", SOURCE_RECOVERED, {**data, "last_error": None},
                        "Source mfa-press recovered after 3 failed checks")
    EmailSender(endpoint(f"smtp://127.0.0.1:{plain.port}")).send([failing, recovered])
    first, second = plain.mails
    assert subject(first) == "[railwatch] Source mfa-press failing: 3 checks in a row failed (HTTP 503)"
    text, _ = parts(first)
    assert "Last error: https://example.org/press/: HTTP 503" in text
    assert "Last success: 2026-03-09" in text
    assert subject(second) == "[railwatch] Source mfa-press recovered after 3 failed checks"


def test_a_refused_recipient_is_permanent_and_the_other_mails_still_go(plain: MailServer) -> None:
    plain.refuse = {"desk@example.org", "night@example.org"}
    sender = EmailSender(endpoint(f"smtp://127.0.0.1:{plain.port}"))
    [result] = sender.send([change(1)])
    assert not result.ok and result.permanent
    assert result.error is not None and "550" in result.error
    plain.refuse = {"night@example.org"}      # one of two: the mail is delivered to the other
    assert sender.send([change(2)])[0].ok
    assert plain.envelopes[-1][1] == ["desk@example.org"]


def test_no_server_is_retried() -> None:
    results = EmailSender(endpoint("smtp://127.0.0.1:9")).send([change(1), change(2)])
    assert [(result.ok, result.permanent) for result in results] == [(False, False), (False, False)]
    assert results[0].error is not None and "connecting" in results[0].error


@pytest.mark.usefixtures("trusted")
def test_starttls_with_a_login(cert: tuple[Path, Path]) -> None:
    with MailServer(tls="starttls", cert=cert, login=("rail", "p@ss word")) as server:
        [result] = EmailSender(endpoint(f"smtp+starttls://rail:p%40ss%20word@127.0.0.1:{server.port}")).send(
            [change(1)])
        assert result.ok, result.error
        assert server.logins == [("rail", True)]
        assert server.envelopes[0][2] is True          # authenticated, and only after STARTTLS
        assert len(server.mails) == 1


@pytest.mark.usefixtures("trusted")
def test_implicit_tls_with_a_login(cert: tuple[Path, Path]) -> None:
    with MailServer(tls="implicit", cert=cert, login=("rail", "secret")) as server:
        [result] = EmailSender(endpoint(f"smtps://rail:secret@127.0.0.1:{server.port}")).send([change(1)])
        assert result.ok, result.error
        assert server.logins == [("rail", True)]
        assert len(server.mails) == 1


@pytest.mark.usefixtures("trusted")
def test_a_refused_login_is_retried_not_given_up(cert: tuple[Path, Path]) -> None:
    with MailServer(tls="starttls", cert=cert, login=("rail", "secret")) as server:
        [result] = EmailSender(endpoint(f"smtp+starttls://rail:wrong@127.0.0.1:{server.port}")).send([change(1)])
        assert not result.ok and not result.permanent
        assert result.error is not None and "login refused" in result.error and "wrong" not in result.error
        assert server.mails == []


def test_an_untrusted_certificate_is_refused(cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with MailServer(tls="implicit", cert=cert) as server:
        [result] = EmailSender(endpoint(f"smtps://127.0.0.1:{server.port}")).send([change(1)])
        assert not result.ok and not result.permanent
        assert result.error is not None and "CERTIFICATE_VERIFY_FAILED" in result.error
        assert server.mails == []


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://mail.example.org", SmtpTarget("smtp", "mail.example.org", 25, None, None)),
    ("smtp+starttls://u:p@mail.example.org", SmtpTarget("smtp+starttls", "mail.example.org", 587, "u", "p")),
    ("smtps://u%40x.org:p%3Aq@mail.example.org", SmtpTarget("smtps", "mail.example.org", 465, "u@x.org", "p:q")),
    ("smtp://mail.example.org:2525", SmtpTarget("smtp", "mail.example.org", 2525, None, None)),
])
def test_smtp_urls(url: str, expected: SmtpTarget) -> None:
    assert SmtpTarget.parse(url) == expected
