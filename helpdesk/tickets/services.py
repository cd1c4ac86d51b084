"""Ticket use cases: each one function, one unit of work (the tickets domain's entry point).

Every change of a ticket goes through here, and every status change through the table in
states.py. A use case takes the ticket (or its id or number), the acting user and the
version the user saw, and:
1. loads the ticket through the access rule (TicketNotFound when out of reach),
2. checks the version (StaleTicket when someone else changed it first),
3. asks the table and the role table (InvalidTransition, PermissionDenied),
4. validates its fields (ValidationError, per field),
5. mutates the ticket once, records the event with before/after, moves the SLA clocks,
   writes the outbox rows for whatever the person must be told,
6. commits: the unit of work (tickets/unit_of_work.py) turns the rows written into domain
   events, and the handlers registered in create_app do the rest (search index, webhook
   deliveries, the worker's queue, the plugins' hooks).
Nothing is written, and nothing announced, when any step fails.

The use cases live by role: opening.py (a new ticket), lifecycle.py (status changes),
handling.py (changes that keep the status), on the machinery of change.py; other domains
import them from here.
"""

from __future__ import annotations

from helpdesk.tickets.change import (
    DEFAULT_STAFF_FILE_MAX_BYTES,
    MAX_ITEM,
    MAX_TAG,
    MAX_TEXT,
    STAFF_FILE_TYPES,
    TRACKED_FIELDS,
    TRACKING_SECRET_BYTES,
    TicketChange,
    TicketTransaction,
    both_dates,
    changing,
    clean_text,
    committee_window_days,
    decision_due_on,
    person_locale,
    raise_if_errors,
    required,
    riyadh_today,
    ticket_transaction,
    user_label,
)
from helpdesk.tickets.handling import (
    add_note,
    add_tag,
    assign,
    change_team,
    normalise_tag,
    reclassify,
    remove_tag,
    reply,
    set_priority,
    staff_file_max_bytes,
    take,
)
from helpdesk.tickets.lifecycle import (
    cancel,
    close,
    decide_application,
    deliver,
    information_received,
    refer,
    register,
    reopen,
    request_information,
    resolve,
    return_referral,
    send_to_committee,
    start,
)
from helpdesk.tickets.opening import (
    new_tracking_secret,
    open_ticket,
    open_ticket_in_transaction,
)

__all__ = [
    "DEFAULT_STAFF_FILE_MAX_BYTES",
    "MAX_ITEM",
    "MAX_TAG",
    "MAX_TEXT",
    "STAFF_FILE_TYPES",
    "TRACKED_FIELDS",
    "TRACKING_SECRET_BYTES",
    "TicketChange",
    "TicketTransaction",
    "add_note",
    "add_tag",
    "assign",
    "both_dates",
    "cancel",
    "change_team",
    "changing",
    "clean_text",
    "close",
    "committee_window_days",
    "decision_due_on",
    "decide_application",
    "deliver",
    "information_received",
    "new_tracking_secret",
    "normalise_tag",
    "open_ticket",
    "open_ticket_in_transaction",
    "person_locale",
    "raise_if_errors",
    "reclassify",
    "refer",
    "register",
    "remove_tag",
    "reopen",
    "reply",
    "request_information",
    "required",
    "resolve",
    "return_referral",
    "riyadh_today",
    "send_to_committee",
    "set_priority",
    "staff_file_max_bytes",
    "start",
    "take",
    "ticket_transaction",
    "user_label",
]
