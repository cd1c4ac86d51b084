"""In a real browser, in Arabic: the front desk records a walk-in support request with the
applicant present (live contact lookup, checklist, typed name and a signature drawn with
the mouse) and prints the receipt with its QR code, on a 360 px phone and on a desktop."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, shoot

pytestmark = pytest.mark.browser


def _prepare(live_server) -> str:
    from helpdesk.contacts.models import Contact
    from helpdesk.extensions import db
    from helpdesk.services_catalog.services import create_service

    email = live_server.create_user("agent", "desk@example.org", "منيرة الشمري")
    with live_server.app.app_context():
        create_service({
            "key": "food_basket", "name_ar": "السلة الغذائية", "decision_window_days": 10,
            "fields": [{"name": "family_size", "type": "integer",
                        "label_ar": "عدد أفراد الأسرة", "min": 1, "max": 30}],
            "documents": [{"key": "id_copy", "label_ar": "صورة الهوية",
                           "types": ["pdf", "png"]}],
        }, actor=None)
        db.session.add(Contact(name="سارة الحربي", national_id="2345678904",
                               phone="+966551234567", kind="beneficiary"))
        db.session.commit()
    return email


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def _page_width_mm(pdf: bytes) -> float:
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", pdf)
    return float(box.group(1)) * 25.4 / 72


def _sign(page) -> None:
    pad = page.get_by_test_id("signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.15, y + h * 0.6)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(x + w * (0.15 + step * 0.035), y + h * (0.6 - 0.3 * ((step % 4) / 3)))
    page.mouse.up()


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_walk_in_support_request_with_a_drawn_signature_and_a_printed_receipt(
        page, live_server, sign_in, screen):
    email = _prepare(live_server)
    page.set_viewport_size(screen)
    sign_in(email)
    page.goto(f"{live_server.url}/tickets/new/support-request?channel=interview")
    # The contact is found as the agent types, without pressing "Find".
    page.get_by_test_id("contact-lookup").press_sequentially("2345678904", delay=20)
    results = page.get_by_test_id("contact-results")
    expect(results).to_contain_text("سارة الحربي")
    assert_no_horizontal_scroll(page)
    results.get_by_test_id("choose-contact").click()
    expect(page.get_by_test_id("picked-contact")).to_contain_text("سارة الحربي")
    page.locator("[data-service=food_basket]").click()

    form = page.get_by_test_id("application-form")
    expect(form).to_be_visible()
    expect(form.locator("#field-desk-channel")).to_have_value("interview")
    form.locator("#field-answer-family_size").fill("6")
    form.locator("#field-verify-field-family_size").check()
    form.locator("#field-verify-document-id_copy").check()
    form.locator("#field-declaration").check()
    form.locator("[id='field-declaration-name']").fill("سارة الحربي")
    _sign(page)
    signature = page.get_by_test_id("signature-value")
    expect(signature).to_have_value(re.compile(r"^data:image/png;base64,"))
    assert_no_horizontal_scroll(page)
    shoot(page, f"walk-in-form-{screen['width']}")
    page.get_by_test_id("submit-application").click()

    # The ticket page: checklist verified in person, the signature on the timeline.
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("signature-image").first).to_be_visible()
    assert page.get_by_test_id("signature-image").first.evaluate(
        "img => img.complete && img.naturalWidth > 0")
    expect(page.locator("[data-testid=checklist-item][data-key=family_size]")) \
        .to_have_attribute("data-state", "verified")
    number = page.get_by_test_id("ticket-number").first.inner_text().strip()

    page.get_by_test_id("receipt-link").click()
    receipt = page.get_by_test_id("receipt")
    expect(receipt).to_be_visible()
    expect(page.get_by_test_id("receipt-number")).to_have_text(number)
    expect(page.get_by_test_id("receipt-decision-due")).to_contain_text("هـ")
    expect(page.get_by_test_id("receipt-qr").locator("svg")).to_be_visible()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert_no_horizontal_scroll(page)
    shoot(page, f"walk-in-receipt-{screen['width']}")
    # Printed, only the receipt remains (the toolbar is for the screen).
    page.emulate_media(media="print")
    expect(page.locator(".sila-receipt-toolbar")).to_be_hidden()
    shoot(page, f"walk-in-receipt-print-{screen['width']}")
    # Chromium prints it on one A4 page (the stylesheet's @page size).
    a4 = page.pdf(prefer_css_page_size=True)
    assert a4.startswith(b"%PDF") and _pages(a4) == 1
    assert _page_width_mm(a4) == pytest.approx(210, abs=1)
    page.emulate_media(media="screen")
    page.get_by_test_id("paper-80mm").click()
    expect(page.locator("body.sila-paper-80mm")).to_be_visible()
    width = page.get_by_test_id("receipt").bounding_box()["width"]
    assert width <= 72 * 96 / 25.4 + 2   # the roll's 72 mm printable width
    shoot(page, f"walk-in-receipt-80mm-{screen['width']}")
    roll = page.pdf(prefer_css_page_size=True)
    assert _pages(roll) == 1 and _page_width_mm(roll) == pytest.approx(80, abs=1)


def test_clearing_the_signature_empties_it_and_the_form_asks_for_one(page, live_server,
                                                                     sign_in):
    email = _prepare(live_server)
    page.set_viewport_size(DESKTOP)
    sign_in(email)
    page.goto(f"{live_server.url}/tickets/new/support-request/food_basket?channel=interview")
    form = page.get_by_test_id("application-form")
    form.locator("#field-applicant-name").fill("خالد الدوسري")
    form.locator("#field-applicant-national_id").fill("1234567897")
    form.locator("#field-applicant-phone").fill("0561234567")
    form.locator("#field-declaration").check()
    form.locator("[id='field-declaration-name']").fill("خالد الدوسري")
    _sign(page)
    page.get_by_test_id("signature-clear").click()
    expect(page.get_by_test_id("signature-value")).to_have_value("")
    page.get_by_test_id("submit-application").click()
    expect(page.get_by_test_id("error-declaration-signature")).to_contain_text("التوقيع")
    expect(form.locator("#field-applicant-name")).to_have_value("خالد الدوسري")


def test_a_walk_in_inquiry_finds_the_person_attaches_a_photo_and_sends_the_receipt(
        page, live_server, sign_in, tmp_path):
    from sqlalchemy import select

    from helpdesk.extensions import db
    from helpdesk.tickets.outbox_models import OutboxMessage
    from tests.support.png import png

    email = _prepare(live_server)
    page.set_viewport_size(PHONE)
    sign_in(email)
    page.goto(f"{live_server.url}/tickets/new?channel=interview")
    page.get_by_test_id("intake-lookup-input").press_sequentially("سارة", delay=20)
    expect(page.get_by_test_id("intake-matches")).to_contain_text("سارة الحربي")
    page.get_by_test_id("use-contact").first.click()
    form = page.get_by_test_id("intake-form")
    expect(form.locator("#field-name")).to_have_value("سارة الحربي")
    expect(form.locator("#field-phone")).to_have_value("0551234567")
    form.locator("#field-summary").fill("تسأل عن موعد توزيع السلال الغذائية.")
    photo = tmp_path / "خطاب.png"
    photo.write_bytes(png())
    form.locator("#field-attachment").set_input_files(str(photo))
    form.locator("#field-send_receipt").check()
    assert_no_horizontal_scroll(page)
    shoot(page, "walk-in-intake-360")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text(re.compile(r"\d{4}-\d{6}"))
    expect(page.get_by_test_id("panel-attachments")).to_contain_text("خطاب.png")
    with live_server.app.app_context():
        [receipt] = db.session.scalars(select(OutboxMessage)).all()
        assert receipt.purpose == "receipt" and receipt.to_phone == "+966551234567"
