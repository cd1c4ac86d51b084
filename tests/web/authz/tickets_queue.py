"""Expectations for the queue and the ticket page."""

from tests.web.authz.rules import ANY_STAFF, Rule


def _a_ticket_nobody_outside_management_sees(app):
    from helpdesk.accounts.models import Team
    from helpdesk.extensions import db
    from helpdesk.tickets.services import open_ticket

    team = Team(key="finance-matrix", name_ar="المالية", name_en="Finance")
    db.session.add(team)
    db.session.commit()
    ticket = open_ticket(channel_key="phone", kind="inquiry", subject="سؤال", team_id=team.id)
    return {"number": ticket.number}


EXPECTATIONS = {
    "tickets.queue": Rule(ANY_STAFF),
    # Another team's ticket: only managers and admins reach it; everyone else gets 404.
    "tickets.show": Rule({"admin", "manager"}, setup=_a_ticket_nobody_outside_management_sees,
                         denied={404}),
}
