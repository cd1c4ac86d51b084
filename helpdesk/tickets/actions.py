"""One entry point per lifecycle action, for views that render buttons from the table.

``available_actions(user, ticket)`` says which buttons to show (the table, the role and
the access rule together); ``perform(ticket, action, ...)`` calls the use case that owns
the action. Both are thin: the rules stay in states.py and the services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from helpdesk.accounts.permissions import can
from helpdesk.tickets import services
from helpdesk.tickets.errors import InvalidTransition, TicketNotFound
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.queries import TicketRef, is_referee, open_referral, ticket_access
from helpdesk.tickets.states import COMMITTEE_ACTIONS, transitions_from

# The decisions a higher domain takes on tickets in one of its statuses (the committee's at
# "committee"), registered at start-up: the lifecycle routes to them without importing them.
DECISION_OWNERS = "helpdesk_decision_owners"

_BY_ACTION: dict[str, Callable[..., Ticket]] = {
    "start": services.start,
    "request_information": services.request_information,
    "information_received": services.information_received,
    "refer": services.refer,
    "return_referral": services.return_referral,
    "send_to_committee": services.send_to_committee,
    "register": services.register,
    "deliver": services.deliver,
    "resolve": services.resolve,
    "close": services.close,
    "reopen": services.reopen,
    "cancel": services.cancel,
}


def register_decision_owner(app: Flask, status: str, decide: Callable[..., Ticket]) -> None:
    """``decide(ticket, actor=, expected_version=, decision=, **fields)`` takes approve,
    reject and defer for tickets in ``status``."""
    app.extensions.setdefault(DECISION_OWNERS, {})[status] = decide


def action_handler(action: str) -> Callable[..., Ticket] | None:
    """The use case that owns a status action (None for the committee's decisions, which
    ``perform`` routes by the ticket's state, and for unknown names)."""
    return _BY_ACTION.get(action)


def available_actions(user: Any, ticket: TicketRef) -> list[str]:
    """The actions ``user`` may take on ``ticket`` now, in the table's order."""
    access = ticket_access(user, ticket)
    if access is None:
        return []
    ticket_row = access.ticket
    actions: list[str] = []
    for row in transitions_from(ticket_row.kind, ticket_row.status):
        if row.action in actions or not can(user, row.permission):
            continue
        if row.action == "return_referral":
            referral = open_referral(ticket_row)
            allowed = referral is not None and (is_referee(user, referral)
                                                or can(user, "tickets.view_all"))
        elif row.from_status == "committee":
            allowed = True  # committee decisions: the role and the agenda's reach suffice
        else:
            allowed = access.can_work
        if allowed:
            actions.append(row.action)
    return actions


def perform(ticket: TicketRef, action: str, *, actor: Any, expected_version: int | None,
            **fields: Any) -> Ticket:
    """Run ``action`` through the use case that owns it (fields as that use case names them).

    approve/reject/defer go to the domain that owns decisions in the ticket's status (the
    committee at "committee"), and to the volunteering decision otherwise.
    """
    handler = _BY_ACTION.get(action)
    if handler is not None:
        return handler(ticket, actor=actor, expected_version=expected_version, **fields)
    access = ticket_access(actor, ticket)
    if access is None:
        raise TicketNotFound()
    if action not in COMMITTEE_ACTIONS:
        raise InvalidTransition(access.ticket.kind, access.ticket.status, action)
    owner = current_app.extensions.get(DECISION_OWNERS, {}).get(access.ticket.status)
    if owner is not None:
        return owner(ticket, actor=actor, expected_version=expected_version, decision=action,
                     **fields)
    return services.decide_application(ticket, actor=actor, expected_version=expected_version,
                                       decision=action, **fields)
