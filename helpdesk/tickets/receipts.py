"""The person's receipt for a contact staff recorded: what it says, printed or sent at once.

The printed receipt (the ticket page's "print receipt") and the message sent the moment the
ticket opens carry the same facts: the number, when it was received, the next step, the
expected decision date of a support request, and the private tracking link (also as a QR
code the person scans).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import segno
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from helpdesk.admin.models import Association
from helpdesk.admin.services import get_association
from helpdesk.plugin_api.types import Capability
from helpdesk.tickets.change import committee_window_days, decision_due_on, riyadh_today
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.outbox import choose_transport, queue_message
from helpdesk.tickets.outbox_models import OutboxMessage
from helpdesk.tickets.tracking_links import tracking_token

SUPPORT_REQUEST = "support_request"
RECEIPT_FORMATS = ("a4", "80mm")
# The QR code's drawing: kept here so a test can draw the same code and compare.
QR_ERROR = "m"
QR_BORDER = 2


@dataclass(frozen=True)
class Receipt:
    ticket: Ticket
    association: Association | None
    tracking_url: str
    qr_svg: Markup
    next_step: str
    decision_due_on: date | None


def tracking_url(ticket: Ticket) -> str:
    return url_for("portal.ticket", token=tracking_token(ticket), _external=True)


def qr_svg(text: str, *, title: str = "") -> Markup:
    """The QR code of ``text`` as inline SVG (no style attributes: the CSP allows it);
    sized by the stylesheet through its viewBox."""
    code = segno.make(text, error=QR_ERROR)
    return Markup(code.svg_inline(omitsize=True, border=QR_BORDER, svgclass="receipt-qr",
                                  title=title or None))


def expected_decision_date(ticket: Ticket) -> date | None:
    """When the committee is expected to decide a support request: the date set on the
    ticket, else the decision window in working days from the day it was received."""
    if ticket.kind != SUPPORT_REQUEST:
        return None
    if ticket.decision_due_on is not None:
        return ticket.decision_due_on
    return decision_due_on(ticket, riyadh_today(ticket.created_at))


def next_step(ticket: Ticket) -> str:
    if ticket.kind == SUPPORT_REQUEST:
        return _("We check that the information and documents are complete; the social "
                 "research officer studies the request, then the committee decides.")
    if ticket.kind in ("complaint", "inquiry"):
        return _("The team in charge reviews the request and answers you.")
    return _("We have recorded what you told us; we will contact you if needed.")


def build_receipt(ticket: Ticket) -> Receipt:
    url = tracking_url(ticket)
    return Receipt(ticket=ticket, association=get_association(), tracking_url=url,
                   qr_svg=qr_svg(url, title=_("Tracking link of request %(number)s",
                                              number=ticket.number)),
                   next_step=next_step(ticket), decision_due_on=expected_decision_date(ticket))


def receipt_message(ticket: Ticket) -> str:
    """The receipt sent at once: the number and the tracking link (and, for a support
    request, the decision window)."""
    url = tracking_url(ticket)
    if ticket.kind == SUPPORT_REQUEST:
        days = committee_window_days(ticket)
        return ngettext(
            "We received your request %(number)s. The committee decides within %(num)d "
            "working day of receiving the complete request. Follow it here: %(url)s",
            "We received your request %(number)s. The committee decides within %(num)d "
            "working days of receiving the complete request. Follow it here: %(url)s",
            days, number=ticket.number, url=url)
    return _("We have received your request number %(number)s. Follow it here: %(url)s",
             number=ticket.number, url=url)


def channel_answers(ticket: Ticket) -> bool:
    """Whether the ticket's channel has an answer path of its own."""
    channel = current_app.extensions["helpdesk_plugins"].channel(ticket.channel_key)
    return channel is not None and Capability.OUTBOUND in channel.meta.capabilities


def send_receipt(ticket: Ticket, *, locale: str, transport: str | None = None
                 ) -> OutboxMessage | None:
    """Queue the receipt inside the caller's transaction: through the channel's answer
    path when it has one, else by SMS; None when the person cannot be reached. Kept off
    the timeline: the tracking link is the person's secret."""
    if transport is None:
        transport, _key = choose_transport(ticket)
        contact: Any = ticket.contact
        reachable = {"channel": channel_answers(ticket),
                     "sms": contact is not None and bool(contact.phone)}
        if not reachable.get(transport, False):
            return None
    return queue_message(ticket=ticket, purpose="receipt", body=receipt_message(ticket),
                         locale=locale, transport=transport)
