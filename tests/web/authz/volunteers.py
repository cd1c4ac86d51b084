"""Expectations for volunteering: the public volunteer form and the coordinator's pages."""

import uuid
from datetime import date, timedelta

from tests.web.authz.rules import PUBLIC, Rule

COORDINATORS = {"admin", "manager", "volunteer_coordinator"}


def a_volunteer(app):
    """An application (its ticket gives the contact a profile) for the routes to work on."""
    from sqlalchemy import select

    from helpdesk.contacts.models import Contact
    from helpdesk.extensions import db
    from helpdesk.tickets.services import open_ticket
    from helpdesk.volunteers.models import VolunteerProfile

    contact = Contact(name="متطوع المصفوفة", phone=f"+9665{uuid.uuid4().int % 10**8:08d}",
                      kind="volunteer")
    db.session.add(contact)
    db.session.commit()
    ticket = open_ticket(channel_key="volunteering", kind="volunteering", contact=contact,
                         subject="طلب تطوع", channel_data={"skills": ["driving"]})
    profile = db.session.scalar(select(VolunteerProfile)
                                .where(VolunteerProfile.ticket_id == ticket.id))
    return {"profile_id": profile.id}


def a_need(app):
    from helpdesk.extensions import db
    from helpdesk.volunteers.models import VolunteerNeed

    need = VolunteerNeed(title="زيارة ميدانية", needed_on=date.today() + timedelta(days=7),
                         needed_count=2, status="open")
    db.session.add(need)
    db.session.commit()
    return {"need_id": need.id}


EXPECTATIONS = {
    # The public form: an empty post is shown again with its messages (422).
    "volunteers.apply": Rule(PUBLIC, methods=("GET", "POST"), ok={200, 422}),
    "volunteers.queue": Rule(COORDINATORS),
    "volunteers.show": Rule(COORDINATORS, setup=a_volunteer),
    # An empty post names no action: refused with the fresh status card (409).
    "volunteers.change_status": Rule(COORDINATORS, methods=("POST",), setup=a_volunteer,
                                     ok={409}),
    # An empty choice is "any branch": saved, back to the volunteer's page.
    "volunteers.set_branch": Rule(COORDINATORS, methods=("POST",), setup=a_volunteer,
                                  ok={302}),
    # Hours for an application not yet accepted, without a date: refused (422).
    "volunteers.log_hours": Rule(COORDINATORS, methods=("POST",), setup=a_volunteer,
                                 ok={422}),
    "volunteers.needs": Rule(COORDINATORS),
    "volunteers.create_need": Rule(COORDINATORS, methods=("POST",), ok={422}),
    "volunteers.need": Rule(COORDINATORS, setup=a_need),
    "volunteers.match": Rule(COORDINATORS, methods=("POST",), setup=a_need, ok={422}),
}
