"""Ticket kinds, statuses and priorities: keys used by the API, labels in the catalog."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KINDS = {
    "inquiry": _l("Inquiry"),
    "support_request": _l("Support request"),
    "complaint": _l("Complaint"),
    "suggestion": _l("Suggestion"),
    "volunteering": _l("Volunteering"),
    "appreciation": _l("Appreciation"),
    "other": _l("Other"),
}

STATUSES = {
    "new": _l("New"),
    "awaiting_information": _l("Awaiting information"),
    "in_progress": _l("In progress"),
    "referred": _l("Referred"),
    "committee": _l("At the research committee"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "registration": _l("Registration"),
    "service_delivered": _l("Service delivered"),
    "resolved": _l("Resolved"),
    "closed": _l("Closed"),
    "reopened": _l("Reopened"),
    "cancelled": _l("Cancelled"),
}

OPEN_STATUSES = frozenset(STATUSES) - {"closed", "cancelled"}

PRIORITIES = {
    "low": _l("Low"),
    "normal": _l("Normal"),
    "high": _l("High"),
    "urgent": _l("Urgent"),
}

EVENT_VISIBILITIES = ("public", "internal")

# Lifecycle actions (the rows of helpdesk/tickets/states.py), as buttons name them.
ACTIONS = {
    "start": _l("Start work"),
    "request_information": _l("Ask for information"),
    "information_received": _l("Information received"),
    "refer": _l("Refer"),
    "return_referral": _l("Answer and return"),
    "send_to_committee": _l("Send to the committee"),
    "approve": _l("Approve"),
    "reject": _l("Reject"),
    "defer": _l("Defer"),
    "register": _l("Register"),
    "deliver": _l("Mark the service delivered"),
    "resolve": _l("Resolve"),
    "close": _l("Close"),
    "reopen": _l("Reopen"),
    "cancel": _l("Cancel the ticket"),
}

RESOLUTION_CODES = {
    "answered": _l("Answered"),
    "service_provided": _l("Service provided"),
    "not_eligible": _l("Not eligible"),
    "referred_elsewhere": _l("Referred to another organisation"),
    "no_response": _l("No response from the person"),
    "withdrawn": _l("Withdrawn by the person"),
    "other": _l("Other"),
}

CANCEL_REASONS = {
    "duplicate": _l("Duplicate"),
    "spam": _l("Spam"),
    "mistake": _l("Opened by mistake"),
    "other": _l("Other"),
}
