"""Expectations for the research committee's pages."""

import uuid
from datetime import date

from tests.web.authz.rules import Rule

DECIDERS = {"admin", "manager", "committee_member"}


def _someone(role):
    from helpdesk.accounts.services import create_user

    return create_user(email=f"{role}-{uuid.uuid4().hex[:8]}@example.org", name="عضو",
                       role=role, password="correct horse battery")


def a_sitting(app):
    from helpdesk.committee.services import open_sitting

    member = _someone("committee_member")
    sitting = open_sitting(actor=member, meeting_on=date(2026, 11, 23), member_ids=[member.id])
    return {"sitting_id": sitting.id}


def a_request_at_the_committee(app):
    from helpdesk.tickets import services

    manager = _someone("manager")
    ticket = services.open_ticket(channel_key="help_requests", kind="support_request",
                                  subject="طلب مساعدة في الإيجار")
    services.start(ticket, actor=manager, expected_version=None)
    services.send_to_committee(ticket, actor=manager, expected_version=None)
    return {"number": ticket.number}


EXPECTATIONS = {
    "committee.agenda": Rule(DECIDERS),
    "committee.open_sitting": Rule(DECIDERS, methods=("POST",), ok={422}),  # no members
    # GET: the sitting; an empty POST: "choose at least one request" (422).
    "committee.sitting": Rule(DECIDERS, methods=("GET", "POST"), setup=a_sitting,
                              ok={200, 422}),
    "committee.decide": Rule(DECIDERS, methods=("POST",), setup=a_request_at_the_committee,
                             ok={422}),
}
