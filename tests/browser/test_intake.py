"""In a real browser at phone width: a branch representative records a field visit."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import wait_until_settled

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def test_a_branch_representative_records_a_visit_on_a_360_pixel_phone(page, live_server,
                                                                       sign_in):
    email = live_server.create_user("branch_rep", "rep@example.org", "سلمان القرني")
    page.set_viewport_size(PHONE)
    sign_in(email)
    page.goto(f"{live_server.url}/tickets/new")
    page.locator("[data-testid=intake-channels] [data-channel=branch_visits]").click()
    form = page.get_by_test_id("intake-form")
    expect(form).to_be_visible()
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for field in form.locator("input:visible, select, textarea").all():
        box = field.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    form.locator("#field-kind").select_option("support_request")
    form.locator("#field-name").fill("أبو سلمان")
    form.locator("#field-phone").fill("0551234567")
    form.locator("#field-summary").fill("أسرة من سبعة أفراد تحتاج ترميم سقف المنزل.")
    form.locator("button[type=submit]").click()
    # The visit date was left empty: the form comes back with everything typed.
    expect(page.get_by_test_id("error-visit_date")).to_be_visible()
    expect(form.locator("#field-name")).to_have_value("أبو سلمان")
    expect(form.locator("#field-summary")).to_have_value(
        "أسرة من سبعة أفراد تحتاج ترميم سقف المنزل.")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    form.locator("#field-visit_date").fill("2026-11-20")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text(re.compile(r"\d{4}-\d{6}"))


def test_a_representative_s_visit_reaches_their_team_and_they_add_a_photo_and_a_reply(
        page, live_server, sign_in):
    from helpdesk.accounts.models import Branch, Team, User
    from helpdesk.extensions import db

    email = live_server.create_user("branch_rep", "rep@example.org", "سلمان القرني")
    with live_server.app.app_context():
        branch = Branch(code="abha", name_ar="فرع أبها", name_en="Abha branch")
        team = Team(key="branch_offices", name_ar="المكاتب الفرعية", name_en="Branch offices")
        rep = db.session.scalar(db.select(User).filter_by(email=email))
        team.members.append(rep)
        db.session.add_all([branch, team])
        db.session.flush()
        rep.branch_id = branch.id
        db.session.commit()
        db.session.remove()
    page.set_viewport_size(PHONE)
    sign_in(email)
    page.goto(f"{live_server.url}/tickets/new?channel=branch_visits")
    form = page.get_by_test_id("intake-form")
    form.locator("#field-kind").select_option("support_request")
    form.locator("#field-name").fill("أبو سلمان")
    form.locator("#field-visit_date").fill("2026-11-20")
    form.locator("#field-summary").fill("أسرة من سبعة أفراد تحتاج ترميم سقف المنزل.")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("assignee")).to_contain_text("المكاتب الفرعية")
    expect(page.get_by_test_id("follow-up-hint")).to_be_visible()

    page.get_by_test_id("tab-internal").click()
    page.locator("#field-reply-body").fill("السقف متصدع في غرفتين.")
    page.locator("#field-reply-file").set_input_files(files=[{
        "name": "سقف الغرفة.png", "mimeType": "image/png",
        "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64}])
    page.get_by_test_id("submit-reply").click()
    note = page.locator("#ticket-timeline li[data-event-type=note]")
    expect(note).to_contain_text("السقف متصدع في غرفتين.")
    expect(note).to_contain_text("سقف الغرفة.png")
    expect(page.get_by_test_id("panel-attachments")).to_contain_text("سقف الغرفة.png")

    wait_until_settled(page)
    page.get_by_test_id("tab-public").click()
    page.locator("#field-reply-body").fill("سنتواصل معكم لتحديد موعد الترميم.")
    page.get_by_test_id("submit-reply").click()
    expect(page.locator("#ticket-timeline li[data-event-type=message_out]")).to_contain_text(
        "سنتواصل معكم لتحديد موعد الترميم.")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
