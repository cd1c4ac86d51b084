"""Expectations for satisfaction: the survey and the kiosk are public by their signed links;
an agent's own ratings are every staff member's; teams' figures, follow-ups and the review
list are the managers' (a team's lead reaches theirs too: tests/web/test_satisfaction_pages.py)."""

import uuid

from helpdesk.accounts.roles import PERMISSIONS
from tests.web.authz.rules import ANY_STAFF, PUBLIC, Rule

MANAGERS = {"admin", "manager"}
KIOSK = {role for role, granted in PERMISSIONS.items() if "satisfaction.kiosk" in granted}


def _manager():
    from helpdesk.accounts.services import create_user

    return create_user(email=f"manager-{uuid.uuid4().hex[:8]}@example.org", name="مدير",
                       role="manager", password="correct horse battery")


def _resolved(manager):
    from helpdesk.contacts.models import Contact
    from helpdesk.extensions import db
    from helpdesk.tickets import services

    contact = Contact(name="مستفيد المصفوفة", phone=f"+9665{uuid.uuid4().int % 10**8:08d}")
    db.session.add(contact)
    db.session.commit()
    ticket = services.open_ticket(channel_key="phone", kind="inquiry", contact=contact,
                                  subject="استفسار المصفوفة")
    services.start(ticket, actor=manager, expected_version=None)
    return services.resolve(ticket, actor=manager, expected_version=None)


def a_survey(app):
    from sqlalchemy import select

    from helpdesk.extensions import db
    from helpdesk.satisfaction.models import Survey
    from helpdesk.satisfaction.services import survey_token

    ticket = _resolved(_manager())
    survey = db.session.scalar(select(Survey).where(Survey.ticket_id == ticket.id))
    return {"survey_token": survey_token(survey)}


def a_ticket(app):
    """A ticket no team has yet: the agents (triage) and managers reach it."""
    return {"number": _resolved(_manager()).number}


def a_kiosk_pass(app):
    from helpdesk.satisfaction.services import open_kiosk

    manager = _manager()
    return {"pass_token": open_kiosk(_resolved(manager).number, actor=manager)}


def a_follow_up(app):
    from sqlalchemy import select

    from helpdesk.extensions import db
    from helpdesk.satisfaction.models import FollowUp
    from helpdesk.satisfaction.services import rate

    ticket = _resolved(_manager())
    rate(ticket, {"stars": "1", "comment": "لم يرد أحد"})
    return {"follow_up_id": db.session.scalar(
        select(FollowUp.id).where(FollowUp.ticket_id == ticket.id))}


def a_suggestion(app):
    from helpdesk.tickets.services import open_ticket

    ticket = open_ticket(channel_key="phone", kind="suggestion", subject="اقتراح المصفوفة")
    return {"kind": "suggestion", "item_id": ticket.id}


EXPECTATIONS = {
    # The person's survey, by its signed link; an empty post: "choose your rating" (422).
    "satisfaction.survey": Rule(PUBLIC, methods=("GET", "POST"), setup=a_survey,
                                ok={200, 422}),
    # Opening the kiosk signs the staff member out and sends the tablet to the pass (303);
    # a ticket out of the role's reach is not found.
    "satisfaction.open_kiosk": Rule(KIOSK, methods=("POST",), setup=a_ticket,
                                    ok={303, 404}),
    "satisfaction.kiosk": Rule(PUBLIC, methods=("GET", "POST"), setup=a_kiosk_pass,
                               ok={200, 422}),
    "satisfaction.kiosk_thanks": Rule(PUBLIC),
    "satisfaction.mine": Rule(ANY_STAFF),
    "satisfaction.teams": Rule(MANAGERS),
    "satisfaction.follow_ups": Rule(MANAGERS),
    # An empty post: "write what was learnt" (422).
    "satisfaction.close_follow_up": Rule(MANAGERS, methods=("POST",), setup=a_follow_up,
                                         ok={422}),
    "satisfaction.review": Rule(MANAGERS),
    # An empty post: "choose how this item was handled" (422).
    "satisfaction.mark": Rule(MANAGERS, methods=("POST",), setup=a_suggestion, ok={422}),
}
