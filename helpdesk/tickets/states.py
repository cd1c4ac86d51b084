"""The ticket lifecycle as data: statuses, actions and the one table of allowed transitions.

Pure: no Flask, no database. Services ask this table before they change a status; the
views ask it which buttons to show. Labels live in helpdesk/tickets/vocabulary.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from helpdesk.tickets.errors import InvalidTransition

STATUSES = (
    "new", "awaiting_information", "in_progress", "referred", "committee", "approved",
    "rejected", "registration", "service_delivered", "resolved", "closed", "reopened",
    "cancelled",
)
TERMINAL_STATUSES = frozenset({"closed", "cancelled"})
OPEN_STATUSES = frozenset(STATUSES) - TERMINAL_STATUSES
# While waiting on the person or on the committee, the resolution clock stops; the
# committee has its own clock (the decision due date).
SLA_PAUSED_STATUSES = frozenset({"awaiting_information", "committee"})

ACTIONS = (
    "start", "request_information", "information_received", "refer", "return_referral",
    "send_to_committee", "approve", "reject", "defer", "register", "deliver", "resolve",
    "close", "reopen", "cancel",
)
# Actions decided by the research committee (recorded as a CommitteeDecision as well).
COMMITTEE_ACTIONS = frozenset({"approve", "reject", "defer"})

# Kinds grouped by the path they follow.
SHORT_PATH = frozenset({"inquiry", "complaint", "suggestion", "appreciation", "other"})
FULL_PATH = frozenset({"support_request"})
VOLUNTEERING = frozenset({"volunteering"})  # the short path, with acceptance instead of resolve
EVERY_KIND = SHORT_PATH | FULL_PATH | VOLUNTEERING


@dataclass(frozen=True)
class Transition:
    from_status: str
    action: str
    to_status: str
    kinds: frozenset[str]
    permission: str


T = Transition

TRANSITIONS: tuple[Transition, ...] = (
    # Working any ticket
    T("new", "start", "in_progress", EVERY_KIND, "tickets.work"),
    T("reopened", "start", "in_progress", EVERY_KIND, "tickets.work"),
    T("new", "request_information", "awaiting_information", EVERY_KIND, "tickets.work"),
    T("in_progress", "request_information", "awaiting_information", EVERY_KIND,
      "tickets.work"),
    T("awaiting_information", "information_received", "in_progress", EVERY_KIND,
      "tickets.work"),
    # A person who never sends what is missing: closed with "no response" (also by the
    # periodic job after the service's days of silence, helpdesk/notifications/tick.py).
    T("awaiting_information", "close", "closed", EVERY_KIND, "tickets.close"),
    # Referral: one open referral at a time; the owner keeps the ticket
    T("new", "refer", "referred", EVERY_KIND, "tickets.refer"),
    T("in_progress", "refer", "referred", EVERY_KIND, "tickets.refer"),
    T("referred", "return_referral", "in_progress", EVERY_KIND, "tickets.answer_referral"),
    # Short path: inquiries, complaints, suggestions, appreciation, other
    T("in_progress", "resolve", "resolved", SHORT_PATH, "tickets.work"),
    T("resolved", "close", "closed", SHORT_PATH, "tickets.close"),
    T("resolved", "reopen", "reopened", SHORT_PATH, "tickets.reopen"),
    # Full path: support requests through the research committee
    T("in_progress", "send_to_committee", "committee", FULL_PATH, "committee.submit"),
    T("committee", "approve", "approved", FULL_PATH, "committee.decide"),
    T("committee", "reject", "rejected", FULL_PATH, "committee.decide"),
    T("committee", "defer", "committee", FULL_PATH, "committee.decide"),
    T("approved", "register", "registration", FULL_PATH, "tickets.work"),
    T("registration", "deliver", "service_delivered", FULL_PATH, "tickets.work"),
    # The procedure's last step belongs to whoever carried the request through it (the
    # relations agent, the research officer), not only to those who may close anything.
    T("service_delivered", "close", "closed", FULL_PATH, "tickets.close_delivered"),
    T("rejected", "close", "closed", FULL_PATH | VOLUNTEERING, "tickets.close"),
    # Volunteering: the coordinator accepts or declines the application
    T("in_progress", "approve", "approved", VOLUNTEERING, "volunteers.decide"),
    T("in_progress", "reject", "rejected", VOLUNTEERING, "volunteers.decide"),
    T("approved", "close", "closed", VOLUNTEERING, "tickets.close"),
    # Reopening and cancelling (duplicate, spam, ...), any kind
    T("closed", "reopen", "reopened", EVERY_KIND, "tickets.reopen"),
    T("new", "cancel", "cancelled", EVERY_KIND, "tickets.cancel"),
    T("awaiting_information", "cancel", "cancelled", EVERY_KIND, "tickets.cancel"),
    T("in_progress", "cancel", "cancelled", EVERY_KIND, "tickets.cancel"),
    T("reopened", "cancel", "cancelled", EVERY_KIND, "tickets.cancel"),
)

del T

_INDEX: dict[tuple[str, str, str], Transition] = {
    (kind, row.from_status, row.action): row for row in TRANSITIONS for kind in row.kinds
}


def find_transition(kind: str, status: str, action: str) -> Transition:
    """The row for this kind, status and action; InvalidTransition when there is none."""
    row = _INDEX.get((kind, status, action))
    if row is None:
        raise InvalidTransition(kind, status, action)
    return row


def next_status(kind: str, status: str, action: str) -> str:
    return find_transition(kind, status, action).to_status


def transitions_from(kind: str, status: str) -> tuple[Transition, ...]:
    return tuple(row for row in TRANSITIONS
                 if row.from_status == status and kind in row.kinds)


def allowed_actions(kind: str, status: str, permissions: Iterable[str]) -> tuple[str, ...]:
    """The actions open to someone holding ``permissions``, in the table's order."""
    held = frozenset(permissions)
    return tuple(row.action for row in transitions_from(kind, status)
                 if row.permission in held)


def is_open(status: str) -> bool:
    return status not in TERMINAL_STATUSES
