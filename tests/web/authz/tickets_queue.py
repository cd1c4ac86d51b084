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


def _a_file_on_a_ticket_nobody_outside_management_sees(app):
    import uuid

    from helpdesk.accounts.models import Team
    from helpdesk.extensions import db
    from helpdesk.tickets.models import Attachment
    from helpdesk.tickets.services import open_ticket
    from helpdesk.uploads import CheckedUpload, store_checked

    team = Team(key=f"files-{uuid.uuid4().hex[:8]}", name_ar="المالية", name_en="Finance")
    db.session.add(team)
    db.session.commit()
    ticket = open_ticket(channel_key="phone", kind="inquiry", subject="ملف", team_id=team.id)
    stored = store_checked(CheckedUpload(b"%PDF-1.7\n", "application/pdf", ".pdf", "هوية.pdf"))
    attachment = Attachment(ticket_id=ticket.id, display_name=stored.display_name,
                            stored_name=stored.stored_name, content_type=stored.content_type,
                            size=stored.size, sha256=stored.sha256)
    db.session.add(attachment)
    db.session.commit()
    return {"number": ticket.number, "attachment_id": attachment.id}


def _a_receipt_nobody_outside_management_sees(app):
    import uuid

    from helpdesk.accounts.models import Team
    from helpdesk.extensions import db
    from helpdesk.tickets.services import open_ticket

    team = Team(key=f"receipt-{uuid.uuid4().hex[:8]}", name_ar="المالية", name_en="Finance")
    db.session.add(team)
    db.session.commit()
    ticket = open_ticket(channel_key="interview", kind="support_request", subject="طلب",
                         team_id=team.id)
    return {"number": ticket.number}


EXPECTATIONS = {
    "tickets.queue": Rule(ANY_STAFF),
    # The queue as CSV: staff who may export (the rows still go through the access rule).
    "tickets.export": Rule({"admin", "manager", "agent"}),
    # Another team's ticket: only managers and admins reach it; everyone else gets 404.
    "tickets.show": Rule({"admin", "manager"}, setup=_a_ticket_nobody_outside_management_sees,
                         denied={404}),
    # The person's printable receipt follows the ticket too.
    "tickets.receipt": Rule({"admin", "manager"},
                            setup=_a_receipt_nobody_outside_management_sees, denied={404}),
    # Its files follow the ticket: out of reach is 404, never the data.
    "tickets.attachment": Rule({"admin", "manager"},
                               setup=_a_file_on_a_ticket_nobody_outside_management_sees,
                               denied={404}),
}
