"""In Arabic, on a phone and a desktop: the portal's home tells its two forms apart and each
channel tile is a way to reach the association, not a button that goes nowhere."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import (
    DESKTOP,
    PHONE,
    assert_no_horizontal_scroll,
    shoot,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def association(live_server):
    from helpdesk.accounts.models import Branch, User
    from helpdesk.admin.services import update_association
    from helpdesk.extensions import db

    email = live_server.create_user("admin", "admin@example.org", "مدير النظام")
    with live_server.app.app_context():
        admin = db.session.scalar(db.select(User).filter_by(email=email))
        update_association({"name_ar": "جمعية البر الخيرية بحي النسيم", "phone": "0112345678",
                            "whatsapp_number": "0512345678",
                            "address": "حي النسيم، شارع الأمير سعود بن محمد"}, admin)
        db.session.add(Branch(code="north", name_ar="فرع الشمال", name_en="North",
                              city="الرياض"))
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_portal_home_offers_two_distinct_forms_and_usable_channel_tiles(
        page, live_server, association, viewport):
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/portal")
    support = page.get_by_test_id("apply-for-support")
    message = page.get_by_test_id("write-to-us")
    expect(support).to_contain_text("طلب مساعدة (دعم)")
    expect(message).to_contain_text("راسلنا")
    colours = [element.evaluate("e => getComputedStyle(e).backgroundColor")
               for element in (support, message)]
    assert colours[0] != colours[1]
    tiles = page.get_by_test_id("enabled-channels")
    expect(tiles.locator("[data-channel=phone] a")).to_have_attribute("href", "tel:+966112345678")
    expect(tiles.locator("[data-channel=social] a")).to_have_attribute(
        "href", "https://wa.me/966512345678")
    expect(tiles.locator("[data-channel=letters]")).to_contain_text("لم نُعلن العنوان البريدي بعد")
    expect(tiles.locator("[data-channel=interview]")).to_contain_text("فرع الشمال — الرياض")
    shoot(page, f"portal-home-{'phone' if viewport == PHONE else 'desktop'}")
    assert_no_horizontal_scroll(page)
    tiles.locator("[data-channel=help_requests] a").click()
    page.wait_for_url(f"{live_server.url}/apply")
