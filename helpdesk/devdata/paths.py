"""The demo's paths through the lifecycle table: which actions lead to each status, per kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from helpdesk.tickets.states import find_transition

# The actions (rows of tickets/states.py) that lead from "new" to each status, by path.
_FULL = ("start", "refer", "return_referral", "send_to_committee")
PATHS: dict[str, dict[str, tuple[str, ...]]] = {
    "short": {  # inquiries, complaints, suggestions, appreciation, other
        "new": (), "awaiting_information": ("request_information",),
        "in_progress": ("start",), "referred": ("start", "refer"),
        "resolved": ("start", "resolve"), "closed": ("start", "resolve", "close"),
        "reopened": ("start", "resolve", "reopen"),
        "cancelled": ("request_information", "cancel"),
    },
    "full": {  # support requests, through the social study and the research committee
        "new": (), "awaiting_information": ("request_information",),
        "in_progress": ("start",), "referred": ("start", "refer"),
        "committee": _FULL, "approved": (*_FULL, "approve"), "rejected": (*_FULL, "reject"),
        "registration": (*_FULL, "approve", "register"),
        "service_delivered": (*_FULL, "approve", "register", "deliver"),
        "closed": (*_FULL, "approve", "register", "deliver", "close"),
        "reopened": (*_FULL, "reject", "close", "reopen"),
        "cancelled": ("request_information", "cancel"),
    },
    "volunteering": {  # applications accepted or declined by the coordinator
        "new": (), "awaiting_information": ("request_information",),
        "in_progress": ("start",), "referred": ("start", "refer"),
        "approved": ("start", "approve"), "rejected": ("start", "reject"),
        "closed": ("start", "approve", "close"),
        "reopened": ("start", "approve", "close", "reopen"),
        "cancelled": ("request_information", "cancel"),
    },
}
WEIGHTS: dict[str, dict[str, int]] = {
    "short": {"new": 8, "awaiting_information": 6, "in_progress": 14, "referred": 3,
              "resolved": 12, "closed": 45, "reopened": 2, "cancelled": 4},
    "full": {"new": 6, "awaiting_information": 10, "in_progress": 8, "referred": 7,
             "committee": 9, "approved": 7, "rejected": 6, "registration": 5,
             "service_delivered": 8, "closed": 24, "reopened": 1, "cancelled": 6},
    "volunteering": {"new": 8, "awaiting_information": 4, "in_progress": 12, "referred": 2,
                     "approved": 20, "rejected": 8, "closed": 40, "reopened": 1,
                     "cancelled": 5},
}
# Hours between one step of a timeline and the previous one (scaled down to fit the age).
ACTION_GAP_HOURS = {
    "start": (0.5, 24), "request_information": (1, 24), "information_received": (12, 96),
    "refer": (2, 48), "return_referral": (48, 200), "send_to_committee": (2, 48),
    "approve": (24, 200), "reject": (24, 200), "register": (24, 120),
    "deliver": (24, 240), "resolve": (1, 72), "close": (24, 120), "reopen": (24, 120),
    "cancel": (120, 400),
}

def path_group(kind: str) -> str:
    if kind == "support_request":
        return "full"
    return "volunteering" if kind == "volunteering" else "short"


def path_statuses(kind: str, actions: tuple[str, ...]) -> list[str]:
    """The statuses a ticket of ``kind`` passes through; InvalidTransition if the lifecycle
    table no longer allows the path."""
    status, statuses = "new", []
    for action in actions:
        status = find_transition(kind, status, action).to_status
        statuses.append(status)
    return statuses


def team_key_for(kind: str) -> str:
    """The team that owns a ticket: relations receives everything but volunteering offers
    (the research officers and the committee are asked through referrals and the agenda)."""
    return "volunteering" if kind == "volunteering" else "relations"


@dataclass
class TicketPlan:
    channel_key: str
    sample: dict[str, Any]
    status: str = "new"
    actions: tuple[str, ...] = ()
    opened_at: datetime | None = None

    @property
    def kind(self) -> str:
        return self.sample["kind"]

    @property
    def group(self) -> str:
        return path_group(self.kind)
