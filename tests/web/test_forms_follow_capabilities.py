"""The core's forms go to the active channel that declares their capability, whatever its
key: the support-request workflow follows the kind, not the channel."""

from __future__ import annotations

import time

from sqlalchemy import select

from helpdesk.casework.models import Case, Declaration
from helpdesk.channels.services import set_channel_active
from helpdesk.extensions import db
from helpdesk.portal.submission import new_form_stamp
from helpdesk.services_catalog.services import create_service
from helpdesk.tickets.models import Ticket

FRONT_DESK = "tests.plugins.fixtures.front_desk"
APPLICANT = {"applicant-name": "نورة محمد العتيبي", "applicant-national_id": "1234567897",
             "applicant-phone": "0551234567", "answer-family_size": "5",
             "declaration": "on", "declaration-name": "نورة محمد العتيبي",
             "declaration-paper": "on"}


def _food_basket() -> None:
    create_service({
        "key": "food_basket", "name_ar": "السلة الغذائية",
        "fields": [{"name": "family_size", "type": "integer", "label_ar": "عدد أفراد الأسرة",
                    "min": 1, "max": 30}],
    }, actor=None)


def _newest() -> Ticket:
    return db.session.scalar(select(Ticket).order_by(Ticket.id.desc()))


def test_a_channel_declaring_the_capabilities_takes_every_core_form(make_app):
    app = make_app(plugins=[FRONT_DESK])
    with app.app_context():
        _food_basket()
        client = app.test_client()

        applied = client.post("/apply/food_basket", data=APPLICANT)
        assert applied.status_code == 302 and "/apply/done/" in applied.headers["Location"]
        request = _newest()
        assert (request.channel_key, request.kind) == ("front_desk", "support_request")
        # The workflow (case, checklist, declaration) is the kind's, on this channel too.
        assert db.session.scalar(select(Case).where(Case.ticket_id == request.id))
        declaration = db.session.scalar(select(Declaration)
                                        .where(Declaration.ticket_id == request.id))
        assert declaration.channel_key == "front_desk"

        contact_page = client.get("/contact")
        assert contact_page.status_code == 200
        assert "رسالة مكتب الاستقبال" in contact_page.get_data(as_text=True)
        with app.test_request_context():
            stamp = new_form_stamp(issued_at=time.time() - 60)
        sent = client.post("/contact", data={
            "form_stamp": stamp, "kind": "complaint", "name": "هند العتيبي",
            "phone": "0551234568", "message": "تأخر موعد توزيع السلال."})
        assert sent.status_code == 303
        assert (_newest().channel_key, _newest().kind) == ("front_desk", "complaint")

        volunteer_page = client.get("/volunteer")
        assert volunteer_page.status_code == 200
        assert "رسالة مكتب الاستقبال" in volunteer_page.get_data(as_text=True)
        token = "v" * 22
        offered = client.post("/volunteer", data={
            "form_token": token, "name": "سلمان العتيبي", "phone": "0551234569",
            "message": "أستطيع المساعدة في التوزيع."})
        assert offered.status_code == 200
        assert (_newest().channel_key, _newest().kind) == ("front_desk", "volunteering")


def test_a_core_form_closes_when_no_active_channel_declares_it(make_app):
    app = make_app(plugins=[FRONT_DESK, "plugins.phone"])
    with app.app_context():
        _food_basket()
        client = app.test_client()
        assert client.get("/apply/food_basket").status_code == 200
        set_channel_active("front_desk", False, None)
        assert client.get("/apply/food_basket").status_code == 404
        assert client.get("/contact").status_code == 404
        assert client.get("/volunteer").status_code == 404


def test_the_contact_form_takes_a_support_request_while_no_channel_takes_applications(
        make_app):
    app = make_app(plugins=["plugins.website"])
    with app.app_context():
        client = app.test_client()
        page = client.get("/contact?kind=support_request")
        assert page.status_code == 200
        assert 'value="support_request"' in page.get_data(as_text=True)
        with app.test_request_context():
            stamp = new_form_stamp(issued_at=time.time() - 60)
        sent = client.post("/contact", data={
            "form_stamp": stamp, "kind": "support_request", "name": "هند العتيبي",
            "phone": "0551234568", "message": "نحتاج مساعدة في سداد الإيجار."})
        assert sent.status_code == 303
        assert (_newest().channel_key, _newest().kind) == ("website", "support_request")
