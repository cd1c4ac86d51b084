"""In a real browser, in Arabic, on a 360-pixel phone: staff read the development inbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from helpdesk.outbox.dev_inbox import FILENAME, DevInboxSender
from helpdesk.plugin_api import OutboundMessage

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def test_an_agent_opens_the_development_inbox_in_arabic_on_a_phone(page, live_server,
                                                                   sign_in):
    live_server.app.config["DEV_INBOX"] = True
    inbox = Path(live_server.app.config["INSTANCE_PATH"]) / FILENAME
    DevInboxSender(inbox, "sms").send(OutboundMessage(
        idempotency_key="k-sms", ticket_number="2026-000001", to_phone="+966512345678",
        body="تم استلام طلبكم رقم 2026-000001، وسنتواصل معكم قريبًا."))
    DevInboxSender(inbox, "email").send(OutboundMessage(
        idempotency_key="k-mail", ticket_number="2026-000002",
        to_email="a.very.long.address.for.a.small.screen@example.org",
        subject="طلبكم رقم 2026-000002", body="نرحب بكم في الجمعية."))
    email = live_server.create_user("agent", "agent@example.org", "نورة القحطاني")
    page.set_viewport_size(PHONE)
    sign_in(email)

    page.goto(f"{live_server.url}/dev/inbox")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name="صندوق التطوير")).to_be_visible()
    messages = page.get_by_test_id("dev-inbox-message")
    expect(messages).to_have_count(2)
    expect(messages.first).to_contain_text("البريد الإلكتروني")  # newest first
    expect(messages.last).to_contain_text("رسالة نصية")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert "/dev/inbox" in page.locator("[data-testid=main-nav]").inner_html()
