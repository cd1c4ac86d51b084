"""What the staff ticket page shows: its regions' data and labels, read through the access rule."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select

from helpdesk.accounts.models import Team, User
from helpdesk.accounts.permissions import can
from helpdesk.accounts.roles import PERMISSIONS
from helpdesk.committee.queries import ticket_decisions
from helpdesk.committee.services import DECISION_LABELS
from helpdesk.extensions import db
from helpdesk.i18n.language import current_language
from helpdesk.plugin_api.types import Capability
from helpdesk.services_catalog.models import Service
from helpdesk.services_catalog.services import list_services
from helpdesk.sla.status import sla_status, ticket_clocks
from helpdesk.tickets.actions import available_actions
from helpdesk.tickets.attachments import attachment_listing
from helpdesk.tickets.models import Event, Referral, Ticket
from helpdesk.tickets.outbox import choose_transport
from helpdesk.tickets.outbox_models import OutboxMessage
from helpdesk.tickets.queries import (
    TicketAccess,
    changes_since,
    referral_chain,
    ticket_tag_names,
    timeline,
)
from helpdesk.tickets.queue import other_tickets_of_contact
from helpdesk.tickets.services import riyadh_today
from helpdesk.tickets.snapshots import snapshot
from helpdesk.tickets.states import SHORT_PATH, is_open
from helpdesk.tickets.vocabulary import ACTIONS, CANCEL_REASONS, KINDS, RESOLUTION_CODES

log = logging.getLogger(__name__)

# Every event type written to a timeline (services, intake, delivery, SLA, contact merge).
EVENT_LABELS = {
    "created": _l("Ticket opened"),
    "message_in": _l("Message from the person"),
    "message_out": _l("Message to the person"),
    "note": _l("Internal note"),
    "status_changed": _l("Status changed"),
    "assigned": _l("Assignment changed"),
    "team_changed": _l("Team changed"),
    "priority_changed": _l("Priority changed"),
    "reclassified": _l("Kind or service changed"),
    "tag_added": _l("Tag added"),
    "tag_removed": _l("Tag removed"),
    "delivery_failed": _l("Delivery failed"),
    "sla_breached": _l("Resolution time passed"),
    "escalated": _l("Escalated to the team lead"),  # helpdesk/notifications
    "contact_merged": _l("Contact merged"),
    "rating": _l("Service rated"),
    "satisfaction_follow_up": _l("Follow-up opened for the team lead"),  # helpdesk/satisfaction
    "tracking_link_revoked": _l("Tracking link revoked"),
    "case_opened": _l("Application received"),
    "eligibility_checked": _l("Eligibility checked"),
    "checklist_item_changed": _l("Checklist item updated"),
    "declaration_recorded": _l("Declaration recorded"),
    "study_recorded": _l("Research study recorded"),
    "study_corrected": _l("Research study corrected"),
    "volunteer_status": _l("Volunteer status changed"),  # helpdesk/volunteers
    "volunteer_matched": _l("Volunteer matched to a need"),
}

# A status change is named after what was done (the action), in the past tense.
STATUS_EVENT_LABELS = {
    "start": _l("Work started"),
    "request_information": _l("Information requested"),
    "information_received": _l("Information received"),
    "refer": _l("Referred"),
    "return_referral": _l("Referral answered and returned"),
    "send_to_committee": _l("Sent to the committee"),
    "approve": _l("Approved"),
    "reject": _l("Rejected"),
    "defer": _l("Decision deferred"),
    "register": _l("Registered"),
    "deliver": _l("Service delivered"),
    "resolve": _l("Resolved"),
    "close": _l("Closed"),
    "reopen": _l("Reopened"),
    "cancel": _l("Cancelled"),
}

OUTBOX_STATUS_LABELS = {
    "pending": _l("Waiting to be sent"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "failed": _l("Failed, will retry"),
    "dead": _l("Not delivered"),
}
OUTBOX_PURPOSE_LABELS = {
    "reply": _l("Reply"),
    "status_update": _l("Status update"),
    "missing_information": _l("Missing information"),
    "decision": _l("Decision"),
    "closing": _l("Closing message"),
    "rating_invitation": _l("Rating invitation"),
    "receipt": _l("Receipt"),
    "staff_notification": _l("Staff notification"),
}
TRANSPORT_LABELS = {
    "channel": _l("the ticket's channel"),
    "sms": _l("SMS"),
    "email": _l("Email"),
}
REFERRAL_STATUS_LABELS = {
    "open": _l("Waiting for the answer"),
    "answered": _l("Answered"),
}

# Lifecycle actions whose form asks for something; the others are one click.
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "start": (),
    "information_received": (),
    "register": (),
    "deliver": (),
    "resolve": (),
    "send_to_committee": ("note",),
    "request_information": ("missing", "note"),
    "refer": ("to_team_id", "to_user_id", "question"),
    "return_referral": ("answer",),
    "close": ("resolution_code", "resolution_note", "message"),
    "cancel": ("reason_code", "note", "duplicate_of"),
    "reopen": ("reason",),
    "approve": ("reason", "message"),
    "reject": ("reason", "message"),
    "defer": ("reason", "new_due_on", "message"),
}
# Forms of the side panels and the reply box, by the region they live in.
PANEL_FORMS = {
    "take": "assignment", "assign": "assignment", "change_team": "assignment",
    "set_priority": "priority", "reclassify": "classification", "add_tag": "tags",
    "remove_tag": "tags", "reply": "reply",
}


def event_label(event: Event) -> str:
    data = event.data or {}
    if event.type == "status_changed" and data.get("action") in STATUS_EVENT_LABELS:
        return str(STATUS_EVENT_LABELS[data["action"]])
    return str(EVENT_LABELS.get(event.type, event.type))


@dataclass(frozen=True)
class MissedChange:
    """One change someone made while the user had the page open."""

    labels: list[str]
    actor: User | None
    at: datetime


def missed_changes(ticket: Ticket, seen_version: Any) -> list[MissedChange]:
    return [MissedChange([event_label(event) for event in change], change[0].actor,
                         change[0].created_at)
            for change in changes_since(ticket, seen_version) or []]


def _users_holding(permission: str) -> list[User]:
    roles = sorted(role for role, held in PERMISSIONS.items() if permission in held)
    return list(db.session.scalars(
        select(User).where(User.active.is_(True), User.role.in_(roles)).order_by(User.name)))


def staff_who_work() -> list[User]:
    """The people a ticket may be assigned to."""
    return _users_holding("tickets.work")


def referees() -> list[User]:
    """The people a ticket may be referred to."""
    return _users_holding("tickets.answer_referral")


def committee_members() -> list[User]:
    return _users_holding("committee.decide")


def all_teams() -> list[Team]:
    return list(db.session.scalars(select(Team).order_by(Team.name_ar)))


def outbox_messages(ticket: Ticket) -> list[OutboxMessage]:
    """The messages written to the person about this ticket, newest first."""
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id)
        .order_by(OutboxMessage.id.desc()).limit(50)))


def channel_labels() -> dict[str, str]:
    """Each registered channel's label by its key (the timeline and outbox record keys)."""
    channels = current_app.extensions["helpdesk_plugins"].channels
    return {key: str(channel.meta.label) for key, channel in channels.items()}


@dataclass(frozen=True)
class ChannelPanel:
    title: Any
    html: Markup


def channel_panel(channel: Any, ticket: Ticket) -> ChannelPanel | None:
    """The channel plugin's own panel, rendered; a failing plugin never breaks the page."""
    if channel is None:
        return None
    try:
        spec = channel.ticket_panel(snapshot(ticket))
        if spec is None:
            return None
        html = render_template(spec.template, **dict(spec.context or {}))
    except Exception:
        log.exception("channel %s failed to render its ticket panel", ticket.channel_key)
        return None
    return ChannelPanel(title=spec.title, html=Markup(html))


def reply_route(ticket: Ticket, channel: Any) -> tuple[str, str | None]:
    """How a public reply reaches the person: ('channel', label), ('sms', phone),
    ('email', address), or ('none', None) when nothing can carry it."""
    transport, _channel_key = choose_transport(ticket)
    if transport == "sms":
        return "sms", ticket.contact.phone
    if transport == "email":
        return "email", ticket.contact.email
    if channel is not None and Capability.OUTBOUND in channel.meta.capabilities:
        return "channel", str(channel.meta.label)
    return "none", None


def ticket_page_context(user: Any, access: TicketAccess, *, open_form: str | None = None,
                        values: dict[str, Any] | None = None,
                        errors: dict[str, str] | None = None,
                        alert: dict[str, str] | None = None) -> dict[str, Any]:
    """Everything the page and its fragments draw, for ``user`` who may see the ticket.

    ``open_form`` is the form shown open with the ``values`` typed and the ``errors``;
    ``alert`` a message at the top ({"kind": "success"|"warning"|"danger", "message"}).
    """
    ticket = access.ticket
    channel = current_app.extensions["helpdesk_plugins"].channel(ticket.channel_key)
    referrals: list[Referral] = referral_chain(ticket)
    actions = available_actions(user, ticket)
    works = access.can_work
    may = {
        "take": works and can(user, "tickets.take") and ticket.assignee_id is None,
        "assign": works and can(user, "tickets.assign"),
        "work": works and can(user, "tickets.work"),
        "reply": works and can(user, "tickets.reply"),
        "note": can(user, "tickets.note"),
    }
    # Only the short path's kinds change into one another, while the ticket is open.
    may["reclassify"] = (works and can(user, "tickets.assign") and ticket.kind in SHORT_PATH
                         and is_open(ticket.status))
    services = list_services()
    return {
        "ticket": ticket,
        "access": access,
        "channel": channel,
        "actions": actions,
        "action_fields": ACTION_FIELDS,
        "action_labels": ACTIONS,
        "resolution_choices": [(key, str(label)) for key, label in RESOLUTION_CODES.items()],
        "cancel_choices": [(key, str(label)) for key, label in CANCEL_REASONS.items()],
        "resolution_labels": RESOLUTION_CODES,
        "cancel_labels": CANCEL_REASONS,
        "events": timeline(ticket, include_internal=True),
        "tags": ticket_tag_names(ticket),
        "referrals": referrals,
        "open_referral": next((r for r in referrals if r.status == "open"), None),
        "referral_labels": REFERRAL_STATUS_LABELS,
        "decisions": ticket_decisions(ticket) if ticket.kind == "support_request" else [],
        "decision_labels": DECISION_LABELS,
        "outbox": outbox_messages(ticket),
        "outbox_status_labels": OUTBOX_STATUS_LABELS,
        "outbox_purpose_labels": OUTBOX_PURPOSE_LABELS,
        "transport_labels": TRANSPORT_LABELS,
        "channel_labels": channel_labels(),
        "team_names": {team.key: team_name(team) for team in all_teams()},
        "service_names": {service.id: service_name(service) for service in services},
        **(classification_choices(ticket, services) if may["reclassify"] else {}),
        "contact_tickets": other_tickets_of_contact(user, ticket),
        "channel_panel": channel_panel(channel, ticket),
        "attachments": attachment_listing(ticket),
        "reply_route": reply_route(ticket, channel),
        "sla_state": sla_status,
        "ticket_clocks": ticket_clocks(ticket),
        "today": riyadh_today(),
        "may": may,
        "user_id": getattr(user, "id", None),
        "open_form": open_form,
        "values": values or {},
        "errors": errors or {},
        "alert": alert,
        # A refused action's form carries the version its page was drawn at: what others
        # changed since then is said with the refusal.
        "changes": (missed_changes(ticket, (values or {}).get("version"))
                    if alert and alert.get("kind") == "warning" else []),
        **form_choices(actions, may, getattr(user, "id", None)),
    }


def team_name(team: Team) -> str:
    return team.name_ar if current_language() == "ar" else team.name_en


def service_name(service: Service) -> str:
    return service.name_ar if current_language() == "ar" else service.name_en


def classification_choices(ticket: Ticket, services: list[Service]) -> dict[str, Any]:
    """The kinds a ticket may be given (the short path's) and the services: the active
    ones, and the ticket's own even if it was retired since."""
    return {
        "kind_choices": [(key, str(label)) for key, label in KINDS.items()
                         if key in SHORT_PATH],
        "service_choices": [(str(service.id), service_name(service)) for service in services
                            if service.active or service.id == ticket.service_id],
    }


def _choices(items: list[Any], label: Callable[[Any], str]) -> list[tuple[str, str]]:
    return [(str(item.id), label(item)) for item in items]


def form_choices(actions: list[str], may: dict[str, bool], user_id: int | None
                 ) -> dict[str, Any]:
    """The options the page's selects offer (read only when a form shows them)."""
    choices: dict[str, Any] = {"team_choices": [], "assignee_choices": [],
                               "referee_choices": []}
    if "refer" in actions or may["assign"]:
        choices["team_choices"] = _choices(all_teams(), team_name)
    if may["assign"]:
        choices["assignee_choices"] = _choices(staff_who_work(), lambda user: user.name)
    if "refer" in actions:
        choices["referee_choices"] = _choices(
            [user for user in referees() if user.id != user_id], lambda user: user.name)
    return choices


def bulk_choices() -> dict[str, Any]:
    """The options of the queue's bulk bar."""
    return {"bulk_team_choices": _choices(all_teams(), team_name),
            "bulk_assignee_choices": _choices(staff_who_work(), lambda user: user.name)}
