"""Expectations for the beneficiary portal: every page is deliberately public."""

from tests.web.authz.rules import PUBLIC, Rule


def _tracked_ticket(app):
    """A ticket and a valid tracking link for it (a new ticket per role is harmless)."""
    from helpdesk.tickets.services import open_ticket
    from helpdesk.tickets.tracking_links import tracking_token

    ticket = open_ticket(channel_key="phone", kind="inquiry", subject="تتبع المصفوفة")
    return {"token": tracking_token(ticket)}


def _tracked_file(app):
    """A file the person sent with their request, and the tracking link's token."""
    from helpdesk.extensions import db
    from helpdesk.tickets.models import Attachment, Event
    from helpdesk.tickets.tracking_links import ticket_for_token
    from helpdesk.uploads import CheckedUpload, store_checked

    token = _tracked_ticket(app)
    ticket = ticket_for_token(token["token"])
    created = db.session.scalar(db.select(Event).where(Event.ticket_id == ticket.id,
                                                       Event.type == "created"))
    stored = store_checked(CheckedUpload(b"%PDF-1.7\n", "application/pdf", ".pdf", "هوية.pdf"))
    attachment = Attachment(ticket_id=ticket.id, event_id=created.id,
                            display_name=stored.display_name, stored_name=stored.stored_name,
                            content_type=stored.content_type, size=stored.size,
                            sha256=stored.sha256)
    db.session.add(attachment)
    db.session.commit()
    return {**token, "attachment_id": attachment.id}


EXPECTATIONS = {
    "portal.home": Rule(PUBLIC),
    "portal.policy": Rule(PUBLIC),
    # An empty lookup is refused beside the fields.
    "portal.track": Rule(PUBLIC, methods=("GET", "POST"), ok={200, 422}),
    "portal.ticket": Rule(PUBLIC, setup=_tracked_ticket),
    # Empty posts: a message or document is required, and stars are required.
    "portal.reply": Rule(PUBLIC, methods=("POST",), setup=_tracked_ticket, ok={422}),
    "portal.rate": Rule(PUBLIC, methods=("POST",), setup=_tracked_ticket, ok={422}),
    # The website channel's contact form: an empty post has no form stamp and is shown
    # again (422); the receipt opens with the tracking link's token.
    "portal.submit": Rule(PUBLIC, methods=("GET", "POST"), ok={200, 422}),
    "portal.received": Rule(PUBLIC, setup=_tracked_ticket),
    # The person's own files, by the tracking link.
    "portal.attachment": Rule(PUBLIC, setup=_tracked_file),
}
