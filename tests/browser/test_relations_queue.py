"""In Arabic, in a real browser: a support request sent from the portal for a service the
research team studies lands in the relations agent's queue, and the agent opens it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _food_basket_studied_by_research(live_server) -> None:
    from helpdesk.accounts.models import Team
    from helpdesk.extensions import db
    from helpdesk.services_catalog.services import create_service

    with live_server.app.app_context():
        research = Team(key="research", name_ar="البحث الاجتماعي", name_en="Social research")
        db.session.add(research)
        db.session.commit()
        create_service({
            "key": "food_basket", "name_ar": "السلة الغذائية", "team_id": research.id,
            "fields": [{"name": "family_size", "type": "integer",
                        "label_ar": "عدد أفراد الأسرة"}],
        }, actor=None)


def test_the_relations_agent_opens_a_portal_support_request_from_the_queue(
        browser, page, live_server, sign_in):
    _food_basket_studied_by_research(live_server)
    agent = live_server.create_user("agent", "reem@example.org", "ريم الشهري")

    person = browser.new_context(locale="ar-SA").new_page()
    person.goto(f"{live_server.url}/apply/food_basket")
    form = person.get_by_test_id("application-form")
    form.locator("#field-applicant-name").fill("نورة محمد العتيبي")
    form.locator("#field-applicant-national_id").fill("1234567897")
    form.locator("#field-applicant-phone").fill("0551234567")
    form.locator("#field-answer-family_size").fill("5")
    person.locator("#field-declaration").check()
    person.get_by_test_id("submit-application").click()
    number = person.get_by_test_id("ticket-number").inner_text().strip()
    person.context.close()

    sign_in(agent)
    page.goto(f"{live_server.url}/tickets")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    row = page.locator(f"tr[data-ticket='{number}']")
    expect(row).to_contain_text("نورة محمد العتيبي")
    row.get_by_role("link", name=number).click()
    expect(page.get_by_test_id("ticket-number")).to_have_text(number)
    expect(page.locator("h1")).to_contain_text("السلة الغذائية")
