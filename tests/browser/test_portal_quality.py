"""The portal on a 360-pixel phone: every page under 150 KB on a first visit (the bytes that
actually cross the network, compression counted), and no serious or critical accessibility
violation found by axe-core, in Arabic and in English, error states included."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from helpdesk.config import PROJECT_ROOT

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
PAGE_BUDGET = 150 * 1024
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


@pytest.fixture
def tickets(live_server) -> dict[str, str]:
    """Tracking tokens: an open request with a conversation, and a closed one."""
    from helpdesk.accounts.services import create_user
    from helpdesk.contacts.models import Contact
    from helpdesk.extensions import db
    from helpdesk.services_catalog.services import create_service
    from helpdesk.tickets import services
    from helpdesk.tickets.tracking_links import tracking_token
    from tests.conftest import PASSWORD

    with live_server.app.app_context():
        staff = create_user(email="agent@example.org", name="خالد", role="manager",
                            password=PASSWORD)
        contact = Contact(name="أم عبدالله", phone="+966551234567")
        db.session.add(contact)
        db.session.commit()
        open_one = services.open_ticket(channel_key="phone", kind="support_request",
                                        contact=contact, subject="طلب دعم إيجار",
                                        body="تأخر سداد الإيجار أربعة أشهر")
        services.start(open_one.number, actor=staff, expected_version=None)
        services.reply(open_one.number, actor=staff, expected_version=None,
                       body="نرجو إرفاق عقد الإيجار")
        services.send_to_committee(open_one.number, actor=staff, expected_version=None)
        closed = services.open_ticket(channel_key="phone", kind="inquiry", contact=contact,
                                      subject="استفسار", body="ما مواعيد العمل؟")
        for action in ("start", "resolve"):
            getattr(services, action)(closed.number, actor=staff, expected_version=None)
        services.close(closed.number, actor=staff, expected_version=None,
                       resolution_code="answered", resolution_note="أجبنا")
        create_service({
            "key": "rent_support", "name_ar": "دعم الإيجار", "name_en": "Rent support",
            "fields": [
                {"name": "monthly_income", "type": "number", "label_ar": "دخل الأسرة الشهري",
                 "label_en": "Monthly family income"},
                {"name": "family_size", "type": "integer", "label_ar": "عدد أفراد الأسرة",
                 "label_en": "Family size"}],
            "documents": [{"key": "lease", "label_ar": "عقد الإيجار", "label_en": "Lease"}],
            "rules": [{"type": "max_per_member", "field": "monthly_income",
                       "per": "family_size", "value": 1500}],
        }, actor=None)
        return {"open": tracking_token(db.session.get(type(open_one), open_one.id)),
                "closed": tracking_token(db.session.get(type(closed), closed.id)),
                "number": open_one.number}


def _new_phone(browser, **options):
    context = browser.new_context(viewport=PHONE, **options)
    return context, context.new_page()


# ---------------------------------------------------------------------------------------
# Page weight

def _first_load_bytes(browser, url: str) -> tuple[int, dict[str, int], set[str]]:
    """(bytes received for the page and everything it loads, per URL, encodings seen)."""
    context, page = _new_phone(browser)
    try:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        finished = []
        page.on("requestfinished", lambda request: finished.append(request))
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status == 200, url
        page.evaluate("document.fonts.ready.then(() => true)")
        page.wait_for_load_state("networkidle")
        sizes = {request.url: request.sizes()["responseBodySize"] for request in finished}
        encodings = {(request.response().headers.get("content-encoding") or "")
                     for request in finished if "/bootstrap" in request.url}
        return sum(sizes.values()), sizes, encodings
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/contact", "/track", "/policy", "ticket",
                                  "received", "/apply", "/apply/rent_support",
                                  "/eligibility?service=rent_support", "/volunteer"])
def test_every_portal_page_weighs_under_150_kb_on_a_first_visit(browser, live_server,
                                                                tickets, path):
    if path == "ticket":
        path = f"/t/{tickets['open']}"
    elif path == "received":
        path = f"/contact/received/{tickets['open']}"
    total, sizes, encodings = _first_load_bytes(browser, live_server.url + path)
    assert any(url.endswith(".woff2") for url in sizes), "the Arabic type is loaded"
    assert encodings == {"gzip"}, "Bootstrap's stylesheet travels compressed"
    assert not any("bootstrap-icons" in url for url in sizes)
    assert total <= PAGE_BUDGET, sorted(sizes.items(), key=lambda item: -item[1])


# ---------------------------------------------------------------------------------------
# Accessibility

def _serious_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations
            .filter(v => ["serious", "critical"].includes(v.impact))
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
    }""")


def _visit_contact_with_errors(page, base: str) -> None:
    page.goto(f"{base}/contact")
    page.locator("#field-phone").fill("12")
    page.get_by_test_id("contact-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("error-phone")).to_be_visible()


def _visit_track_failed(page, base: str) -> None:
    page.goto(f"{base}/track")
    page.locator("#field-number").fill("2026-999999")
    page.locator("#field-phone").fill("0500000000")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("lookup-failed")).to_be_visible()


def _visit_rating_with_error(page, base: str, token: str) -> None:
    page.goto(f"{base}/t/{token}")
    page.get_by_test_id("portal-rating").locator("button[type=submit]").click()
    expect(page.get_by_test_id("error-stars")).to_be_visible()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_no_portal_page_has_a_serious_accessibility_violation(browser, live_server, tickets,
                                                              language):
    base = live_server.url
    live_server.app.config["PORTAL_CONTACT_MIN_SECONDS"] = 0
    # axe is injected as an inline script, which the site's CSP rightly forbids.
    context, page = _new_phone(browser, bypass_csp=True)
    try:
        page.goto(f"{base}/portal")
        if language == "en":
            page.get_by_test_id("switch-locale").click()
        expect(page.locator("html")).to_have_attribute("lang", language if language == "ar"
                                                       else "en")
        expect(page.locator("html")).to_have_attribute("dir",
                                                       "rtl" if language == "ar" else "ltr")
        visits = {
            "home": lambda: page.goto(f"{base}/portal"),
            "contact": lambda: page.goto(f"{base}/contact"),
            "contact with errors": lambda: _visit_contact_with_errors(page, base),
            "track": lambda: page.goto(f"{base}/track"),
            "track failed": lambda: _visit_track_failed(page, base),
            "ticket": lambda: page.goto(f"{base}/t/{tickets['open']}"),
            "rate": lambda: page.goto(f"{base}/t/{tickets['closed']}"),
            "rate with errors": lambda: _visit_rating_with_error(page, base,
                                                                 tickets["closed"]),
            "receipt": lambda: page.goto(f"{base}/contact/received/{tickets['open']}"),
            "policy": lambda: page.goto(f"{base}/policy"),
            "services to apply for": lambda: page.goto(f"{base}/apply"),
            "application form": lambda: page.goto(f"{base}/apply/rent_support"),
            "eligibility": lambda: page.goto(f"{base}/eligibility?service=rent_support"),
            "volunteer form": lambda: page.goto(f"{base}/volunteer"),
        }
        found = {}
        for name, visit in visits.items():
            visit()
            violations = _serious_violations(page)
            if violations:
                found[name] = violations
        assert not found, json.dumps(found, indent=1, ensure_ascii=False)
    finally:
        context.close()
