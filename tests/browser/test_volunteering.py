"""In Arabic, in a real browser: a person applies to volunteer from a 360-pixel phone with
scripts off; the volunteer coordinator invites them to an interview, accepts and activates
them, adds a need, matches the volunteer to it and logs the hours served. The coordinator's
steps go through htmx: the page is never reloaded between the status changes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.support.browser import assert_not_reloaded, mark

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="ar-SA")
    page = context.new_page()
    yield page
    context.close()


def _today(live_server):
    from helpdesk.tickets.services import riyadh_today

    with live_server.app.app_context():
        return riyadh_today()


def test_a_volunteer_applies_from_a_phone_and_the_coordinator_takes_them_to_their_first_hours(
        phone_page, page, live_server, sign_in):
    coordinator = live_server.create_user("volunteer_coordinator", "hayfa@example.org",
                                          "هيفاء الزهراني")

    # The person, on a phone without scripts.
    phone_page.goto(f"{live_server.url}/volunteer")
    expect(phone_page.locator("html")).to_have_attribute("lang", re.compile(r"^ar"))
    expect(phone_page.locator("html")).to_have_attribute("dir", "rtl")
    form = phone_page.get_by_test_id("volunteer-form")
    form.locator("#field-name").fill("سلمان بن فهد العتيبي")
    form.locator("#field-phone").fill("0551234567")
    for box in ("#field-skills-driving", "#field-days-sat", "#field-days-sun",
                "#field-time_slots-evening", "#field-interests-field_visits"):
        form.locator(box).check()
    form.locator("#field-experience").fill("تطوعت في توزيع السلال الغذائية في رمضان الماضي.")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    form.locator("button[type=submit]").click()
    expect(phone_page.get_by_test_id("application-received")).to_be_visible()
    number = phone_page.get_by_test_id("application-number").inner_text()
    assert number.startswith(str(_today(live_server).year))
    expect(phone_page.get_by_test_id("tracking-link")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The coordinator finds the application in the volunteers' queue.
    sign_in(coordinator)
    page.goto(f"{live_server.url}/volunteers")
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^ar"))
    page.get_by_role("link", name="سلمان بن فهد العتيبي").click()
    expect(page.get_by_test_id("volunteer-name")).to_have_text("سلمان بن فهد العتيبي")
    badge = page.locator("#volunteer-status [data-testid=volunteer-status]")
    expect(badge).to_have_attribute("data-status", "received")
    mark(page)

    interview = (_today(live_server) + timedelta(days=2)).isoformat()
    invite = page.get_by_test_id("status-invite")
    invite.locator("#field-interview_on").fill(interview)
    invite.locator("button[type=submit]").click()
    expect(badge).to_have_attribute("data-status", "interview")
    expect(page.get_by_test_id("interview-date")).to_be_visible()

    page.get_by_test_id("status-accept").locator("button[type=submit]").click()
    expect(badge).to_have_attribute("data-status", "accepted")
    page.get_by_test_id("status-activate").locator("button[type=submit]").click()
    expect(badge).to_have_attribute("data-status", "active")
    assert_not_reloaded(page)
    volunteer_url = page.url

    # A field visit that needs a driver on a Saturday.
    today = _today(live_server)
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    page.goto(f"{live_server.url}/volunteers/needs")
    mark(page)
    need_form = page.get_by_test_id("need-form")
    need_form.locator("#field-title").fill("زيارة ميدانية لأسر حي النسيم")
    need_form.locator("#field-needed_on").fill(saturday.isoformat())
    need_form.locator("#field-skills-driving").check()
    need_form.locator("#field-needed_count").fill("1")
    need_form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("needs-alert")).to_be_visible()
    assert_not_reloaded(page)
    page.get_by_role("link", name="زيارة ميدانية لأسر حي النسيم").click()

    suggestion = page.get_by_test_id("suggestion").filter(has_text="سلمان بن فهد العتيبي")
    expect(suggestion.get_by_test_id("score")).to_have_text("5")  # the skill and the day
    mark(page)
    suggestion.locator("button[type=submit]").click()
    expect(page.get_by_test_id("need-status")).to_have_attribute("data-status", "filled")
    expect(page.get_by_test_id("matched-list")).to_contain_text("سلمان بن فهد العتيبي")
    assert_not_reloaded(page)

    # Back on the volunteer's page: the match, and the hours served.
    page.goto(volunteer_url)
    expect(page.get_by_test_id("volunteer-matches")).to_contain_text(
        "زيارة ميدانية لأسر حي النسيم")
    mark(page)
    hours = page.get_by_test_id("log-hours")
    hours.locator("#field-served_on").fill(today.isoformat())
    hours.locator("#field-hours").fill("3.5")
    hours.locator("#field-assignment_id").select_option(label="زيارة ميدانية لأسر حي النسيم")
    hours.locator("button[type=submit]").click()
    expect(page.get_by_test_id("hours-total")).to_have_text("3.5")
    assert_not_reloaded(page)
