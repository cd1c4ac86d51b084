"""The website channel answers by email with its own SMTP settings (a local SMTP server)."""

from __future__ import annotations

import pytest

from helpdesk.plugin_api import OutboundMessage
from plugins.website.channel import WebsiteChannel
from tests.support.smtp_server import SmtpTestServer


@pytest.fixture
def smtp():
    server = SmtpTestServer().start()
    yield server
    server.stop()


def settings_for(smtp: SmtpTestServer):
    return {"smtp_host": smtp.host, "smtp_port": str(smtp.port),
            "from_address": "info@albir.org.sa"}


def reply(to_email: str | None = "noura@example.org") -> OutboundMessage:
    return OutboundMessage(idempotency_key="abc123", ticket_number="2026-000007",
                           body="شكرًا لتواصلكم، طلبكم قيد الدراسة.", to_email=to_email,
                           subject="طلبكم رقم 2026-000007", thread_id="<form-77@albir.org.sa>")


def test_a_reply_is_sent_by_email_with_a_stable_message_id(smtp):
    result = WebsiteChannel().send(reply(), settings_for(smtp))

    assert result.ok and result.provider_id == "<abc123@albir.org.sa>"
    [mail] = smtp.messages()
    assert mail.recipients == ["noura@example.org"]
    assert mail.message["Subject"] == "طلبكم رقم 2026-000007"
    assert mail.message["Message-ID"] == "<abc123@albir.org.sa>"
    assert mail.message["In-Reply-To"] == "<form-77@albir.org.sa>"
    assert mail.message.get_content().strip() == "شكرًا لتواصلكم، طلبكم قيد الدراسة."


def test_a_refused_recipient_is_not_retried(smtp):
    result = WebsiteChannel().send(reply("refuse@example.org"), settings_for(smtp))
    assert not result.ok and not result.retryable and smtp.messages() == []


def test_without_smtp_settings_the_message_waits_for_them():
    result = WebsiteChannel().send(reply(), {})
    assert not result.ok and result.retryable and "SMTP" in result.error


def test_a_person_without_an_email_address_cannot_be_answered(smtp):
    result = WebsiteChannel().send(reply(to_email=None), settings_for(smtp))
    assert not result.ok and not result.retryable and smtp.messages() == []
