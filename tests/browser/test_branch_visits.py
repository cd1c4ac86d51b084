"""A branch representative on a 360-pixel phone types a visit with a photo while the network
is cut; the visit waits on the phone and is delivered once when the connection returns."""

from __future__ import annotations

import struct
import zlib

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.support.browser import PHONE, assert_no_horizontal_scroll, shoot

pytestmark = pytest.mark.browser


def png(width: int = 64, height: int = 48) -> bytes:
    """A real picture (the phone decodes and re-draws it), made here."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 4 % 256, y * 5 % 256, 120)) for x in range(width))
        for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                             0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture
def representative(live_server):
    from helpdesk.accounts.models import Branch, User
    from helpdesk.extensions import db

    email = live_server.create_user("branch_rep", "rep@example.org", "سلمان القرني")
    with live_server.app.app_context():
        branch = Branch(code="abha", name_ar="فرع أبها", name_en="Abha branch")
        db.session.add(branch)
        db.session.flush()
        db.session.scalar(select(User).filter_by(email=email)).branch_id = branch.id
        db.session.commit()
        db.session.remove()
    return email


def visits_and_photos(live_server) -> tuple[int, list[str]]:
    from helpdesk.extensions import db
    from helpdesk.tickets.models import Attachment, Ticket

    with live_server.app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Ticket))
        types = list(db.session.scalars(select(Attachment.content_type)))
        db.session.remove()
    return count, types


def test_a_visit_typed_offline_is_kept_on_the_phone_and_sent_once_when_back_online(
        page, context, live_server, sign_in, representative):
    page.set_viewport_size(PHONE)
    sign_in(representative)
    page.goto(f"{live_server.url}/channels/branch_visits/")
    expect(page.get_by_role("heading", name="زياراتي الميدانية")).to_be_visible()
    assert_no_horizontal_scroll(page)
    save = page.get_by_test_id("save-visit")
    assert save.bounding_box()["height"] >= 44   # a large touch target

    context.set_offline(True)
    expect(page.get_by_test_id("offline-banner")).to_be_visible()
    page.locator("#field-name").fill("أم خالد")
    page.locator("#field-phone").fill("0551234567")
    page.locator("#field-purpose").fill("متابعة حالة الأسرة")
    page.locator("#field-findings").fill("السقف يحتاج إلى ترميم عاجل.")
    page.locator("#field-needs").fill("سلة غذائية شهرية")
    page.locator("#field-photos").set_input_files(files=[{
        "name": "البيت.png", "mimeType": "image/png", "buffer": png()}])
    save.dblclick()   # a double tap
    expect(page.get_by_test_id("visit-status")).to_contain_text("حُفظت الزيارة على هذا الجوال")
    pending = page.get_by_test_id("pending-visit")
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text("أم خالد")
    expect(pending).to_contain_text("هـ")   # the Hijri date beside the Gregorian one
    expect(page.locator("#field-name")).to_have_value("")   # ready for the next visit
    assert_no_horizontal_scroll(page)
    shoot(page, "branch-visit-waiting-360")
    assert visits_and_photos(live_server) == (0, [])

    context.set_offline(False)
    expect(page.get_by_test_id("pending")).to_be_hidden()
    expect(page.get_by_test_id("visit-status")).to_contain_text("أُرسلت زيارة كانت محفوظة")
    shoot(page, "branch-visit-sent-360")
    # One visit, and its photo was made smaller on the phone (re-drawn as JPEG).
    assert visits_and_photos(live_server) == (1, ["image/jpeg"])

    page.reload()
    expect(page.get_by_test_id("today-visits")).to_contain_text("أم خالد")
    expect(page.get_by_test_id("pending")).to_be_hidden()
    assert visits_and_photos(live_server)[0] == 1


def test_bad_input_is_shown_at_its_field_and_a_good_visit_is_sent_at_once(
        page, live_server, sign_in, representative):
    page.set_viewport_size(PHONE)
    sign_in(representative)
    page.goto(f"{live_server.url}/channels/branch_visits/")
    page.locator("#field-name").fill("أبو سلمان")
    page.locator("#field-national_id").fill("1234567890")
    page.locator("#field-purpose").fill("دراسة حالة")
    page.locator("#field-findings").fill("الأسرة من ستة أفراد.")
    page.get_by_test_id("save-visit").click()
    expect(page.get_by_test_id("error-national_id")).to_be_visible()
    expect(page.locator("#field-name")).to_have_value("أبو سلمان")
    assert_no_horizontal_scroll(page)
    shoot(page, "branch-visit-error-360")
    page.locator("#field-national_id").fill("1234567897")
    page.get_by_test_id("save-visit").click()
    expect(page.get_by_test_id("visit-status")).to_contain_text("سُجّلت الزيارة")
    assert visits_and_photos(live_server)[0] == 1


def test_a_manager_plans_a_visit_on_a_desktop_and_the_representative_sees_it(
        browser, new_context, live_server, representative):
    from plugins.branch_visits.visits import today

    manager_email = live_server.create_user("manager", "boss@example.org", "نورة")
    manager = new_context(viewport={"width": 1366, "height": 768}).new_page()
    manager.goto(f"{live_server.url}/login")
    manager.locator("#field-email").fill(manager_email)
    manager.locator("#field-password").fill("correct horse battery")
    manager.locator("main form button[type=submit]").click()
    manager.goto(f"{live_server.url}/channels/branch_visits/manage")
    form = manager.get_by_test_id("plan-form")
    form.locator("#field-representative_id").select_option(label="سلمان القرني")
    with live_server.app.app_context():
        day = today().isoformat()
    form.locator("#field-planned_on").fill(day)
    form.locator("#field-person_name").fill("أبو فيصل")
    form.locator("#field-address").fill("حي المنسك")
    form.locator("#field-purpose").fill("تسليم سلة غذائية")
    form.locator("button[type=submit]").click()
    expect(manager.get_by_test_id("plans-list")).to_contain_text("أبو فيصل")
    shoot(manager, "branch-visits-manage-desktop")

    rep = new_context(viewport=PHONE).new_page()
    rep.goto(f"{live_server.url}/login")
    rep.locator("#field-email").fill(representative)
    rep.locator("#field-password").fill("correct horse battery")
    rep.locator("main form button[type=submit]").click()
    rep.goto(f"{live_server.url}/channels/branch_visits/")
    expect(rep.get_by_test_id("plans")).to_contain_text("أبو فيصل")
    rep.get_by_text("سجّل هذه الزيارة").click()
    expect(rep.locator("#field-name")).to_have_value("أبو فيصل")
    rep.locator("#field-findings").fill("سُلّمت السلة.")
    rep.get_by_test_id("save-visit").click()
    expect(rep.get_by_test_id("visit-status")).to_contain_text("سُجّلت الزيارة")
    shoot(rep, "branch-visits-day-360")


def test_once_visited_the_page_opens_without_a_connection_and_still_queues_a_visit(
        page, context, live_server, sign_in, representative):
    page.set_viewport_size(PHONE)
    sign_in(representative)
    url = f"{live_server.url}/channels/branch_visits/"
    page.goto(url)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()   # now under the service worker, which keeps a copy of the page
    page.wait_for_function(
        "async () => navigator.serviceWorker.controller !== null"
        " && !!(await caches.match(location.href))")

    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="زياراتي الميدانية")).to_be_visible()
    expect(page.get_by_test_id("offline-banner")).to_be_visible()
    page.locator("#field-name").fill("أبو ناصر")
    page.locator("#field-purpose").fill("زيارة متابعة")
    page.locator("#field-findings").fill("الأسرة بخير.")
    page.get_by_test_id("save-visit").click()
    expect(page.get_by_test_id("pending-visit")).to_have_count(1)
    shoot(page, "branch-visit-opened-offline-360")

    context.set_offline(False)
    expect(page.get_by_test_id("pending")).to_be_hidden()
    assert visits_and_photos(live_server) == (1, [])


def test_the_phone_number_finds_a_known_person_and_the_visit_joins_their_ticket(
        page, live_server, sign_in, representative):
    from helpdesk.accounts.models import User
    from helpdesk.contacts.models import Contact
    from helpdesk.extensions import db
    from helpdesk.tickets.services import open_ticket

    with live_server.app.app_context():
        branch_id = db.session.scalar(select(User.branch_id).filter_by(email=representative))
        person = Contact(kind="beneficiary", name="أم خالد", phone="+966551234567", data={},
                         branch_id=branch_id)
        db.session.add(person)
        db.session.commit()
        number = open_ticket(channel_key="phone", kind="support_request", contact=person,
                             subject="طلب ترميم", branch_id=branch_id).number
        db.session.remove()
    page.set_viewport_size(PHONE)
    sign_in(representative)
    page.goto(f"{live_server.url}/channels/branch_visits/")
    page.locator("#field-phone").fill("0551234567")
    found = page.get_by_test_id("person-found")
    expect(found).to_contain_text("أم خالد")
    expect(page.locator("#field-name")).to_have_value("أم خالد")
    found.locator(f"[data-ticket='{number}']").click()
    expect(page.locator("#field-ticket")).to_have_value(number)
    page.locator("#field-purpose").fill("متابعة الترميم")
    page.locator("#field-findings").fill("بدأ العمل في السقف.")
    assert_no_horizontal_scroll(page)
    page.get_by_test_id("save-visit").click()
    expect(page.get_by_test_id("visit-status")).to_contain_text(
        f"أُضيفت الزيارة إلى التذكرة {number}")
    assert visits_and_photos(live_server)[0] == 1
