"""Each timeline row is recorded as exactly one domain event, its most specific kind."""

from __future__ import annotations

import pytest

from helpdesk.tickets.events import (
    MessageAdded,
    NoteAdded,
    ServiceRated,
    TicketAssigned,
    TicketClosed,
    TicketDecided,
    TicketOpened,
    TicketReferred,
    TicketTransitioned,
    TimelineEvent,
    timeline_event,
)
from helpdesk.tickets.models import Event


def row(type_: str, data: dict | None = None, body: str | None = "نص",
        visibility: str = "internal") -> Event:
    return Event(id=7, ticket_id=3, type=type_, data=data or {}, body=body,
                 visibility=visibility)


COMMON = {"ticket_id": 3, "event_id": 7, "body": "نص"}


def moved(action: str, source: str, target: str) -> dict:
    return {"action": action, "from": source, "to": target}


@pytest.mark.parametrize("timeline_row, expected", [
    (row("created", {"channel": "phone"}, visibility="public"),
     TicketOpened(**COMMON, type="created", visibility="public", channel_key="phone")),
    (row("status_changed", moved("start", "new", "in_progress")),
     TicketTransitioned(**COMMON, type="status_changed", visibility="internal",
                        action="start", from_status="new", to_status="in_progress")),
    (row("status_changed", moved("refer", "in_progress", "referred")),
     TicketReferred(**COMMON, type="status_changed", visibility="internal",
                    action="refer", from_status="in_progress", to_status="referred")),
    (row("status_changed", moved("approve", "committee", "approved")),
     TicketDecided(**COMMON, type="status_changed", visibility="internal",
                   action="approve", from_status="committee", to_status="approved")),
    (row("status_changed", {**moved("close", "in_progress", "closed"),
                            "resolution_code": "answered"}),
     TicketClosed(**COMMON, type="status_changed", visibility="internal", action="close",
                  from_status="in_progress", to_status="closed", resolution_code="answered")),
    (row("message_out", {"purpose": "reply"}, visibility="public"),
     MessageAdded(**COMMON, type="message_out", visibility="public", direction="out",
                  purpose="reply")),
    (row("note"),
     NoteAdded(**COMMON, type="note", visibility="internal", direction="internal",
               purpose=None)),
    (row("assigned", {"before": {"assignee_id": None}, "after": {"assignee_id": 5}}),
     TicketAssigned(**COMMON, type="assigned", visibility="internal", assignee_id=5)),
    (row("rating", {"stars": 4, "stage": "closed", "edited": True}, visibility="public"),
     ServiceRated(**COMMON, type="rating", visibility="public", stars=4, stage="closed",
                  edited=True)),
    (row("tag_added", {"tag": "عاجل"}),
     TimelineEvent(**COMMON, type="tag_added", visibility="internal")),
])
def test_a_timeline_row_becomes_its_domain_event(timeline_row, expected):
    event = timeline_event(timeline_row)
    assert event == expected and type(event) is type(expected)


def test_a_decision_is_also_a_transition_and_a_note_also_a_message():
    assert isinstance(timeline_event(row("status_changed", moved("reject", "committee",
                                                                  "rejected"))),
                      TicketTransitioned)
    assert isinstance(timeline_event(row("note")), MessageAdded)
