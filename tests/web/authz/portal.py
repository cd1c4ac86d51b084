"""Expectations for the beneficiary portal: every page is deliberately public."""

from tests.web.authz.rules import PUBLIC, Rule


def _tracked_ticket(app):
    """A ticket and a valid tracking link for it (a new ticket per role is harmless)."""
    from helpdesk.portal.links import tracking_token
    from helpdesk.tickets.services import open_ticket

    ticket = open_ticket(channel_key="phone", kind="inquiry", subject="تتبع المصفوفة")
    return {"token": tracking_token(ticket)}


EXPECTATIONS = {
    "portal.home": Rule(PUBLIC),
    "portal.policy": Rule(PUBLIC),
    # An empty lookup is refused beside the fields.
    "portal.track": Rule(PUBLIC, methods=("GET", "POST"), ok={200, 422}),
    "portal.ticket": Rule(PUBLIC, setup=_tracked_ticket),
    # Empty posts: a message or document is required, and stars are required.
    "portal.reply": Rule(PUBLIC, methods=("POST",), setup=_tracked_ticket, ok={422}),
    "portal.rate": Rule(PUBLIC, methods=("POST",), setup=_tracked_ticket, ok={422}),
}
