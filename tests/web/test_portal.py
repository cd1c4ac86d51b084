"""The beneficiary portal: track a request by number and phone or by a signed link, reply,
attach a document, rate the service, read the policy; enumeration is refused."""

from __future__ import annotations

import io
import re
import time
from datetime import date

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from helpdesk.extensions import db, limiter
from helpdesk.portal import services as portal
from helpdesk.tickets import services as tickets
from helpdesk.tickets.actions import perform
from helpdesk.tickets.errors import PermissionDenied, TicketNotFound
from helpdesk.tickets.models import Attachment, Event, Rating, Ticket
from helpdesk.tickets.tracking_links import SALT, ticket_for_token, tracking_token
from tests.support.pages import without_csrf_tokens

PDF = b"%PDF-1.7\n% a scanned salary certificate\n"
PHONE = "+966512345678"


@pytest.fixture
def filed(make_contact, make_ticket):
    """A ticket filed with the phone 0512345678."""
    return make_ticket(contact=make_contact(phone=PHONE), kind="support_request",
                       body="أرغب في التسجيل في برنامج السلال الغذائية")


def html(response) -> str:
    """The page, its CSRF tokens masked (they carry their signing time)."""
    return without_csrf_tokens(response.get_data(as_text=True))


def fresh(ticket: Ticket) -> Ticket:
    return db.session.get(Ticket, ticket.id, populate_existing=True)


# ---------------------------------------------------------------------------------------
# Finding a request

def test_a_person_finds_their_request_by_number_and_the_phone_as_they_type_it(client, filed):
    response = client.post("/track", data={"number": filed.number, "phone": "٠٥١٢٣٤٥٦٧٨"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/t/")
    page = html(client.get(response.headers["Location"]))
    assert filed.number in page
    assert 'data-status="new"' in page
    assert "أرغب في التسجيل في برنامج السلال الغذائية" in page


def test_the_track_page_works_as_a_plain_form_without_scripts(client):
    page = html(client.get("/track"))
    assert 'method="post"' in page and 'action="/track"' in page
    assert "<script" not in page


def test_a_wrong_phone_and_an_unknown_number_get_the_same_answer(client, filed):
    wrong_phone = client.post("/track", data={"number": filed.number, "phone": "0598765432"})
    unknown = "2026-999999"
    no_ticket = client.post("/track", data={"number": unknown, "phone": "0598765432"})
    assert wrong_phone.status_code == no_ticket.status_code == 404
    # Identical but for the number the person typed, which the form keeps.
    assert html(wrong_phone).replace(filed.number, "N") == html(no_ticket).replace(unknown, "N")
    assert 'data-testid="lookup-failed"' in html(no_ticket)


def test_a_phone_that_cannot_be_a_phone_is_refused_beside_the_field(client, filed):
    response = client.post("/track", data={"number": filed.number, "phone": "12"})
    assert response.status_code == 422
    assert 'data-testid="error-phone"' in html(response)
    assert f'value="{filed.number}"' in html(response)


def test_repeated_wrong_guesses_on_one_number_from_one_address_are_refused(
        make_app, make_contact, make_ticket):
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_NUMBER_RATE_LIMIT="3 per hour",
                   PORTAL_LOOKUP_RATE_LIMIT="100 per hour")
    with app.app_context():
        limiter.reset()
        ticket = make_ticket(contact=make_contact(phone=PHONE))
        client = app.test_client()
        statuses = [client.post("/track", data={"number": ticket.number,
                                                "phone": f"05000000{n:02d}"},
                                environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code
                    for n in range(1, 5)]
        assert statuses == [404, 404, 404, 429]
        # Someone else's wrong guesses never lock the rightful person out.
        right = client.post("/track", data={"number": ticket.number, "phone": PHONE},
                            environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert right.status_code == 302


def test_one_address_guessing_many_numbers_is_refused(make_app):
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_LOOKUP_RATE_LIMIT="5 per hour",
                   PORTAL_NUMBER_RATE_LIMIT="100 per hour")
    with app.app_context():
        limiter.reset()
        client = app.test_client()
        statuses = [client.post("/track", data={"number": f"2026-{n:06d}",
                                                "phone": "0512345678"}).status_code
                    for n in range(1, 8)]
        assert statuses[:5] == [404] * 5
        assert statuses[5:] == [429, 429]
        refused = html(client.post("/track", data={"number": "2026-000001",
                                                    "phone": "0512345678"}))
        assert 'data-testid="portal-message"' in refused and 'action="/track"' not in refused


def test_a_person_who_finds_their_request_is_never_counted_against_the_limit(
        make_app, make_contact, make_ticket):
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_LOOKUP_RATE_LIMIT="2 per hour",
                   PORTAL_NUMBER_RATE_LIMIT="2 per hour")
    with app.app_context():
        limiter.reset()
        ticket = make_ticket(contact=make_contact(phone=PHONE))
        client = app.test_client()
        for _ in range(4):
            response = client.post("/track", data={"number": ticket.number, "phone": PHONE})
            assert response.status_code == 302


# ---------------------------------------------------------------------------------------
# Signed links

def test_a_tracking_link_opens_the_request_and_a_forged_one_does_not(client, filed):
    token = tracking_token(filed)
    opened = client.get(f"/t/{token}")
    assert opened.status_code == 200
    assert opened.headers["Cache-Control"] == "no-store"
    assert opened.headers["Referrer-Policy"] == "no-referrer"
    forged = client.get(f"/t/{token[:-2]}xx")
    assert forged.status_code == 404
    assert 'data-testid="link-expired"' in html(forged)


def test_a_tracking_link_expires_after_the_configured_days(make_app, make_ticket):
    app = make_app(PORTAL_LINK_MAX_AGE_DAYS=30)
    with app.app_context():
        ticket = make_ticket()

        class SignedLongAgo(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(time.time()) - 31 * 24 * 60 * 60

        old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SALT,
                                     signer=SignedLongAgo).dumps([ticket.id,
                                                                  ticket.tracking_secret])
        assert ticket_for_token(old) is None
        assert app.test_client().get(f"/t/{old}").status_code == 404
        assert ticket_for_token(tracking_token(ticket)) is not None


def test_staff_revoke_every_link_given_out_for_a_ticket(client, filed, make_user):
    token = tracking_token(filed)
    portal.revoke_tracking_link(filed, make_user("manager"))
    assert client.get(f"/t/{token}").status_code == 404
    assert client.get(f"/t/{tracking_token(fresh(filed))}").status_code == 200
    revoked = db.session.scalar(select(Event).where(Event.ticket_id == filed.id,
                                                    Event.type == "tracking_link_revoked"))
    assert revoked.visibility == "internal"


def test_a_role_that_does_not_work_tickets_cannot_revoke_links(filed, make_user):
    # A committee member may not work tickets (nor, outside the committee, see this one).
    with pytest.raises((PermissionDenied, TicketNotFound)):
        portal.revoke_tracking_link(filed, make_user("committee_member"))
    assert fresh(filed).tracking_secret == filed.tracking_secret


# ---------------------------------------------------------------------------------------
# What the person sees

def test_the_person_sees_public_messages_but_never_notes_or_staff_names(client, filed,
                                                                       make_user):
    staff = make_user("manager", name="سارة الموظفة")
    tickets.add_note(filed, actor=staff, expected_version=None, body="ملاحظة داخلية سرية")
    tickets.reply(filed, actor=staff, expected_version=None, body="نرحب بك، سنتواصل معك")
    page = html(client.get(f"/t/{tracking_token(fresh(filed))}"))
    assert "نرحب بك، سنتواصل معك" in page
    assert "ملاحظة داخلية سرية" not in page
    assert "سارة الموظفة" not in page


def test_the_status_moves_and_the_decision_date_shows_in_hijri_and_gregorian(client, filed,
                                                                            make_user):
    staff = make_user("manager")
    tickets.start(filed, actor=staff, expected_version=None)
    tickets.send_to_committee(filed, actor=staff, expected_version=None)
    ticket = fresh(filed)
    page = html(client.get(f"/t/{tracking_token(ticket)}"))
    assert 'data-status="committee"' in page
    due = ticket.decision_due_on
    assert isinstance(due, date)
    decision = page.split('data-testid="decision-due"', 1)[1].split("</p>", 1)[0]
    assert "هـ" in decision and str(due.year) in decision


# ---------------------------------------------------------------------------------------
# Replies and documents

def test_a_reply_while_information_is_awaited_keeps_the_status_and_says_so(client, filed,
                                                                          make_user):
    tickets.request_information(filed, actor=make_user("manager"), expected_version=None,
                                missing=["تعريف بالراتب"])
    token = tracking_token(fresh(filed))
    response = client.post(f"/t/{token}/reply", data={
        "body": "أرفقت تعريف الراتب",
        "document": (io.BytesIO(PDF), "تعريف بالراتب.pdf")})
    assert response.status_code == 302
    ticket = fresh(filed)
    assert ticket.status == "awaiting_information"
    event = db.session.scalar(select(Event).where(Event.ticket_id == ticket.id,
                                                  Event.type == "message_in"))
    assert event.visibility == "public" and event.body == "أرفقت تعريف الراتب"
    assert event.data["awaiting_information"] is True
    attachment = db.session.scalar(select(Attachment).where(Attachment.ticket_id == ticket.id))
    assert attachment.event_id == event.id
    assert attachment.display_name == "تعريف بالراتب.pdf"
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    page = html(client.get(f"/t/{token}"))
    assert "تعريف بالراتب.pdf" in page and "أرفقت تعريف الراتب" in page


def test_a_document_that_is_not_pdf_jpeg_or_png_is_refused(client, filed):
    response = client.post(f"/t/{tracking_token(filed)}/reply", data={
        "body": "", "document": (io.BytesIO(b"MZ\x90\x00 not a document"), "x.exe")})
    assert response.status_code == 422
    assert 'data-testid="error-document"' in html(response)
    assert db.session.scalar(select(Attachment)) is None


def test_a_document_over_the_size_limit_is_refused(make_app, make_ticket):
    app = make_app(PORTAL_DOCUMENT_MAX_BYTES=1024 * 1024)
    with app.app_context():
        ticket = make_ticket()
        response = app.test_client().post(f"/t/{tracking_token(ticket)}/reply", data={
            "document": (io.BytesIO(b"%PDF-" + b"0" * (1024 * 1024)), "big.pdf")})
        # Werkzeug spooled the large body to a temporary file: close it here.
        response.request.environ["wsgi.input"].close()
        assert response.status_code == 422
        assert "1" in html(response).split('data-testid="error-document"', 1)[1][:200]


def test_an_empty_reply_is_refused(client, filed):
    response = client.post(f"/t/{tracking_token(filed)}/reply", data={"body": "  "})
    assert response.status_code == 422
    assert 'data-testid="error-body"' in html(response)


# ---------------------------------------------------------------------------------------
# Rating

def test_the_person_rates_an_open_request_and_may_change_it(client, filed):
    token = tracking_token(filed)
    assert client.post(f"/t/{token}/rate", data={"stars": "4", "comment": "تعامل راقٍ"}
                       ).status_code == 302
    assert client.post(f"/t/{token}/rate", data={"stars": "5"}).status_code == 302
    ratings = list(db.session.scalars(select(Rating).where(Rating.ticket_id == filed.id)))
    assert [(r.stage, r.stars, r.comment) for r in ratings] == [("open", 5, None)]
    events = list(db.session.scalars(select(Event).where(Event.ticket_id == filed.id,
                                                         Event.type == "rating")))
    assert [(e.visibility, e.data["stars"], e.data["edited"]) for e in events] == [
        ("public", 4, False), ("public", 5, True)]


def test_after_closure_the_person_rates_again_for_the_closed_stage(client, make_ticket,
                                                                  make_user):
    ticket = make_ticket()
    token = tracking_token(ticket)
    client.post(f"/t/{token}/rate", data={"stars": "2"})
    staff = make_user("manager")
    tickets.start(ticket, actor=staff, expected_version=None)
    tickets.resolve(ticket, actor=staff, expected_version=None)
    tickets.close(ticket, actor=staff, expected_version=None, resolution_code="answered",
                  resolution_note="أجبنا عن الاستفسار")
    page = html(client.get(f"/t/{token}"))
    assert 'data-status="closed"' in page and 'action="/t/' in page
    assert client.post(f"/t/{token}/rate", data={"stars": "5"}).status_code == 302
    stages = {r.stage: r.stars for r in db.session.scalars(
        select(Rating).where(Rating.ticket_id == ticket.id))}
    assert stages == {"open": 2, "closed": 5}


def test_a_rating_cannot_be_changed_once_its_edit_window_has_passed(make_app, make_ticket):
    app = make_app(PORTAL_RATING_EDIT_DAYS=0)
    with app.app_context():
        ticket = make_ticket()
        client = app.test_client()
        token = tracking_token(ticket)
        assert client.post(f"/t/{token}/rate", data={"stars": "3"}).status_code == 302
        again = client.post(f"/t/{token}/rate", data={"stars": "1"})
        assert again.status_code == 422
        assert db.session.scalar(select(Rating.stars)) == 3


@pytest.mark.parametrize("stars", ["0", "6", "", "نجمة"])
def test_stars_outside_one_to_five_are_refused(client, filed, stars):
    response = client.post(f"/t/{tracking_token(filed)}/rate", data={"stars": stars})
    assert response.status_code == 422
    assert 'data-testid="error-stars"' in html(response)


# ---------------------------------------------------------------------------------------
# Policy and home

def test_the_policy_page_follows_the_live_configuration(client, make_user):
    from helpdesk.admin.services import update_association
    from helpdesk.channels.services import set_channel_active

    admin = make_user("admin")
    update_association({"name_ar": "جمعية البر الخيرية", "committee_window_days": "3",
                        "policy_board_meeting": "الاجتماع الرابع",
                        "policy_approved_on": "2026-11-23"}, admin)
    set_channel_active("social", False, admin)
    page = html(client.get("/policy"))
    assert "جمعية البر الخيرية" in page
    channels = page.split('data-testid="enabled-channels"', 1)[1].split("</ul>", 1)[0]
    assert 'data-channel="phone"' in channels and 'data-channel="social"' not in channels
    window = page.split('data-testid="committee-window"', 1)[1].split("</p>", 1)[0]
    assert "3" in window and "14" not in window
    approval = page.split('data-testid="policy-approval"', 1)[1].split("</section>", 1)[0]
    assert "الاجتماع الرابع" in approval and "1448" in approval and "2026" in approval
    assert page.count("<li class=\"mb-1\">") == 7
    assert "<script" not in page


def test_the_policy_page_without_an_approval_does_not_claim_one(client):
    client.post("/locale", data={"locale": "en", "next": "/policy"})
    page = html(client.get("/policy"))
    assert 'data-testid="policy-approval"' not in page
    assert "within 10 working days" in page


def test_an_anonymous_visitor_at_the_root_gets_the_portal_and_staff_their_home(
        client, make_user, login):
    visitor = client.get("/")
    assert visitor.status_code == 200
    page = html(visitor)
    assert 'data-testid="portal-actions"' in page and 'href="/track"' in page
    assert 'data-testid="main-nav"' not in page
    login(make_user("agent"))
    assert 'data-testid="main-nav"' in html(client.get("/"))


def test_the_portal_home_lists_only_the_enabled_channels(client, make_user):
    from helpdesk.channels.services import set_channel_active

    set_channel_active("letters", False, make_user("admin"))
    page = html(client.get("/portal"))
    assert 'data-channel="phone"' in page and 'data-channel="letters"' not in page


def test_staff_see_the_persons_reply_document_and_rating_on_the_ticket_page(
        client, filed, make_user, login):
    token = tracking_token(filed)
    client.post(f"/t/{token}/reply", data={"body": "هذه صورة الهوية",
                                           "document": (io.BytesIO(PDF), "هوية.pdf")})
    client.post(f"/t/{token}/rate", data={"stars": "4", "comment": "خدمة ممتازة"})
    portal.revoke_tracking_link(filed, make_user("manager"))
    login(make_user("manager"))
    response = client.get(f"/tickets/{filed.number}")
    assert response.status_code == 200
    page = html(response)
    assert "هذه صورة الهوية" in page and "خدمة ممتازة" in page


# ---------------------------------------------------------------------------------------
# The timeline the person reads

def _timeline_of(page: str) -> str:
    return page.split('data-testid="portal-timeline"', 1)[1].split("</ol>", 1)[0]


def test_registration_and_service_delivery_show_as_steps_without_the_staff_notes(
        client, filed, make_user):
    staff = make_user("manager")
    tickets.start(filed, actor=staff, expected_version=None)
    tickets.send_to_committee(filed, actor=staff, expected_version=None)
    perform(filed.number, "approve", actor=staff, expected_version=None, reason="مستوفية")
    tickets.register(filed, actor=staff, expected_version=None, note="ملاحظة التسجيل الداخلية")
    tickets.deliver(filed, actor=staff, expected_version=None, note="ملاحظة التسليم الداخلية")
    timeline = _timeline_of(html(client.get(f"/t/{tracking_token(fresh(filed))}")))
    assert 'data-step="registration"' in timeline
    assert 'data-step="service_delivered"' in timeline
    assert timeline.index('data-step="registration"') \
        < timeline.index('data-step="service_delivered"')
    assert "نستكمل تسجيلك" in timeline
    assert "ملاحظة التسجيل الداخلية" not in timeline
    assert "ملاحظة التسليم الداخلية" not in timeline


def test_each_answer_of_a_support_request_reads_on_its_own_line(client, make_contact,
                                                                 make_ticket):
    ticket = make_ticket(contact=make_contact(phone=PHONE), kind="support_request",
                         body="عدد أفراد الأسرة: 6\nالدخل الشهري: 3000\nهل لديكم سكن؟: لا")
    timeline = _timeline_of(html(client.get(f"/t/{tracking_token(ticket)}")))
    body = timeline.split('data-testid="event-body"', 1)[1].split("</div>", 1)[0]
    lines = re.findall(r"<p[^>]*>(.*?)</p>", body)
    assert lines == ["عدد أفراد الأسرة: 6", "الدخل الشهري: 3000", "هل لديكم سكن؟: لا"]


def test_every_timeline_entry_the_person_reads_carries_hijri_and_gregorian_dates(
        client, filed, make_user):
    tickets.reply(filed, actor=make_user("manager"), expected_version=None, body="أهلاً بك")
    timeline = _timeline_of(html(client.get(f"/t/{tracking_token(fresh(filed))}")))
    moments = [part.split("</time>", 1)[0] for part in timeline.split("<time ")[1:]]
    assert len(moments) == 2
    year = str(fresh(filed).created_at.year)
    for moment in moments:
        assert "هـ" in moment and year in moment
