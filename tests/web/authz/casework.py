"""Expectations for the casework panel's actions (checklist, declaration, research study).

The case belongs to a team every signed-in user is a member of, so a refusal comes from
the role alone (403); tests/web/test_casework.py checks that an out-of-reach case answers
404 on each route.
"""

import uuid

from tests.web.authz.rules import Rule

# Roles holding tickets.work (helpdesk/accounts/roles.py).
WORKERS = {"admin", "manager", "agent", "research_officer", "volunteer_coordinator"}


def a_case_everyone_reaches(app):
    from sqlalchemy import select

    from helpdesk.accounts.models import Team, User
    from helpdesk.casework.models import ChecklistItem
    from helpdesk.casework.services import open_case
    from helpdesk.extensions import db
    from helpdesk.services_catalog.models import Service
    from helpdesk.tickets.services import open_ticket

    suffix = uuid.uuid4().hex[:8]
    team = Team(key=f"everyone-{suffix}", name_ar="الجميع", name_en="Everyone")
    team.members = list(db.session.scalars(select(User)))
    service = Service(key=f"rent_{suffix}", name_ar="دعم الإيجار", name_en="Rent support",
                      documents=[{"key": "lease", "label_ar": "عقد الإيجار"}])
    db.session.add_all([team, service])
    db.session.commit()
    ticket = open_ticket(channel_key="phone", kind="support_request", team_id=team.id,
                         subject="طلب دعم الإيجار", service_id=service.id)
    case = open_case(ticket, service=service, answers={}, documents={}, declaration=None,
                     channel_key="phone")
    db.session.commit()
    item_id = db.session.scalar(select(ChecklistItem.id)
                                .where(ChecklistItem.ticket_id == case.ticket_id))
    return {"number": ticket.number, "item_id": item_id}


def _post(ok):
    return Rule(WORKERS, methods=("POST",), setup=a_case_everyone_reaches, ok=ok)


EXPECTATIONS = {
    # Empty forms: no state chosen, no study fields (422); the declaration is one click.
    "casework.set_item_state": _post({422}),
    "casework.record_declaration": _post({302}),
    "casework.record_study": _post({422}),
}
