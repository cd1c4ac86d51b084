"""Expectations for the ticket page's actions and the queue's bulk actions.

The actions' ticket belongs to a team every signed-in user is a member of: every role
reaches it, so a refusal comes from the role alone (403). Tickets out of reach answer 404
for every role but managers and admins: tests/web/test_ticket_page.py checks that route by
route and role by role.
"""

import uuid

from tests.web.authz.rules import Rule

# Roles by the permission each route's use case asks for (helpdesk/accounts/roles.py).
WORKERS = {"admin", "manager", "agent", "research_officer", "volunteer_coordinator"}
ASSIGNERS = {"admin", "manager", "agent", "volunteer_coordinator"}
REPLIERS = WORKERS | {"branch_rep"}


def a_ticket_everyone_reaches(app):
    from sqlalchemy import select

    from helpdesk.accounts.models import Team, User
    from helpdesk.extensions import db
    from helpdesk.tickets.services import open_ticket

    team = Team(key=f"everyone-{uuid.uuid4().hex[:8]}", name_ar="الجميع", name_en="Everyone")
    team.members = list(db.session.scalars(select(User)))
    db.session.add(team)
    db.session.commit()
    ticket = open_ticket(channel_key="phone", kind="inquiry", subject="سؤال عن المواعيد",
                         team_id=team.id)
    return {"number": ticket.number}


def a_ticket_to_start(app):
    return {**a_ticket_everyone_reaches(app), "action": "start"}


def _post(roles, ok, setup=a_ticket_everyone_reaches):
    return Rule(roles, methods=("POST",), setup=setup, ok=ok)


EXPECTATIONS = {
    # Empty forms: a one-click action is done (302 back to the page); an action that needs
    # a field comes back with its error (422).
    "tickets.act": _post(WORKERS, {302}, setup=a_ticket_to_start),
    "tickets.take": _post(WORKERS, {302}),
    "tickets.assign": _post(ASSIGNERS, {302}),        # nobody → nobody: nothing to change
    "tickets.change_team": _post(ASSIGNERS, {302}),   # back to the unrouted pool
    "tickets.set_priority": _post(WORKERS, {422}),
    "tickets.reclassify": _post(ASSIGNERS, {422}),    # no kind chosen
    "tickets.add_tag": _post(WORKERS, {422}),
    "tickets.remove_tag": _post(WORKERS, {302}),      # no such tag: nothing to remove
    "tickets.reply": _post(REPLIERS, {422}),
    "tickets.bulk": Rule(WORKERS, methods=("POST",), ok={422}),  # no ticket chosen
}
