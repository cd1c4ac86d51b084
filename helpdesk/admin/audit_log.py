"""Reading the audit log: filters, keyset pages (newest first) and readable changes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from helpdesk.accounts.models import User
from helpdesk.accounts.roles import ROLES
from helpdesk.audit.models import AuditEntry
from helpdesk.audit.services import SECRET_CHANGED, SECRET_SET
from helpdesk.extensions import db
from helpdesk.i18n.dates import RIYADH
from helpdesk.webhooks.events import EVENT_TYPES

PAGE_SIZE = 50
MAX_ID = 2**31 - 1
DATE_FILTERS = ("date_from", "date_to")

ACTIONS = {
    "association.updated": _l("Association profile changed"),
    "calendar.changed": _l("Working calendar changed"),
    "channel.activation": _l("Channel activated or deactivated"),
    "channel.settings": _l("Channel settings changed"),
    "committee.sitting_opened": _l("Committee sitting opened"),
    "contact.merged": _l("Contacts merged"),
    "contact.national_id_viewed": _l("National ID viewed"),
    "intake_failure.resolve": _l("Failed delivery marked as handled"),
    "service.created": _l("Service created"),
    "service.updated": _l("Service changed"),
    "sla_target.updated": _l("Service-level target changed"),
    "tickets.exported": _l("Tickets exported"),
    "user.created": _l("User created"),
    "webhook.activated": _l("Webhook activated"),
    "webhook.created": _l("Webhook created"),
    "webhook.deactivated": _l("Webhook deactivated"),
    "webhook.delivery_retried": _l("Webhook delivery retried"),
    "webhook.secret_revealed": _l("Webhook secret revealed"),
    "webhook.updated": _l("Webhook changed"),
    "routing_rule.created": _l("Routing rule created"),
    "routing_rule.updated": _l("Routing rule changed"),
    "routing_rule.deleted": _l("Routing rule deleted"),
    "routing_rule.moved": _l("Routing rule moved in the order"),
    "routing_rule.enabled": _l("Routing rule enabled"),
    "routing_rule.disabled": _l("Routing rule disabled"),
    "team.created": _l("Team created"),
    "team.updated": _l("Team changed"),
    "user.away": _l("Marked away"),
    "user.back": _l("Marked back"),
}
TARGET_TYPES = {
    "association": _l("Association"),
    "calendar": _l("Working calendar"),
    "channel": _l("Channel"),
    "committee_sitting": _l("Committee sitting"),
    "contact": _l("Contact"),
    "intake_failure": _l("Failed delivery"),
    "service": _l("Service"),
    "sla_target": _l("Service-level target"),
    "ticket_queue": _l("Ticket queue"),
    "user": _l("User"),
    "webhook_subscription": _l("Webhook"),
    "webhook_delivery": _l("Webhook delivery"),
    "routing_rule": _l("Routing rule"),
    "team": _l("Team"),
}


# Stored keys a person reads by their label, by the field that holds them.
VALUE_LABELS: dict[str, Mapping[str, Any]] = {"role": ROLES, "event_types": EVENT_TYPES}


def action_label(action: str) -> str:
    return str(ACTIONS[action]) if action in ACTIONS else action


def target_label(target_type: str) -> str:
    return str(TARGET_TYPES[target_type]) if target_type in TARGET_TYPES else target_type


@dataclass(frozen=True)
class AuditFilters:
    actor: int | None = None
    action: str | None = None
    target_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    after: int | None = None

    def query_args(self, *, with_cursor: bool = False) -> dict[str, Any]:
        args: dict[str, Any] = {}
        for name in ("actor", "action", "target_type"):
            if getattr(self, name) is not None:
                args[name] = getattr(self, name)
        for name in DATE_FILTERS:
            if getattr(self, name) is not None:
                args[name] = getattr(self, name).isoformat()
        if with_cursor and self.after is not None:
            args["after"] = self.after
        return args


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str
    code: bool = False        # a structured value (a service's fields, say), shown as code
    lang: str | None = None   # the language of a value written in another language


@dataclass
class AuditPage:
    entries: list[AuditEntry]
    next_cursor: int | None
    filters: AuditFilters
    errors: dict[str, str] = field(default_factory=dict)


def parse_audit_filters(args: Mapping[str, Any]) -> tuple[AuditFilters, dict[str, str]]:
    """Filters from request arguments; a bad value is dropped with a message at its field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}

    def one(name: str) -> str:
        return str(args.get(name) or "").strip()

    for name in ("actor", "after"):
        raw = one(name)
        if raw.isdigit() and int(raw) <= MAX_ID:
            values[name] = int(raw)
        elif raw and name == "actor":
            errors[name] = _("Choose a value from the list.")
    for name in ("action", "target_type"):
        raw = one(name)[:64]
        if raw:
            values[name] = raw
    for name in DATE_FILTERS:
        raw = one(name)
        if not raw:
            continue
        try:
            values[name] = date.fromisoformat(raw)
        except ValueError:
            errors[name] = _("Enter the date as YYYY-MM-DD.")
    if values.get("date_from") and values.get("date_to") \
            and values["date_from"] > values["date_to"]:
        errors["date_to"] = _("The end date is before the start date.")
        del values["date_to"]
    return AuditFilters(**values), errors


def _day_start(day: date) -> datetime:
    """Midnight in Riyadh, as UTC: staff mean their own day."""
    return datetime.combine(day, time.min, tzinfo=RIYADH).astimezone(UTC)


def audit_page(filters: AuditFilters, limit: int | None = None) -> AuditPage:
    limit = limit or PAGE_SIZE
    clauses = []
    if filters.actor is not None:
        clauses.append(AuditEntry.actor_id == filters.actor)
    if filters.action is not None:
        clauses.append(AuditEntry.action == filters.action)
    if filters.target_type is not None:
        clauses.append(AuditEntry.target_type == filters.target_type)
    if filters.date_from is not None:
        clauses.append(AuditEntry.created_at >= _day_start(filters.date_from))
    if filters.date_to is not None:
        clauses.append(AuditEntry.created_at < _day_start(filters.date_to + timedelta(days=1)))
    if filters.after is not None:
        clauses.append(AuditEntry.id < filters.after)
    statement = (select(AuditEntry).where(*clauses).order_by(AuditEntry.id.desc())
                 .limit(limit + 1).options(joinedload(AuditEntry.actor)))
    entries = list(db.session.scalars(statement))
    has_more = len(entries) > limit
    entries = entries[:limit]
    return AuditPage(entries=entries, next_cursor=entries[-1].id if has_more else None,
                     filters=filters)


def _readable(value: Any, labels: Mapping[str, Any] | None = None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value == SECRET_SET:
        return _("A secret value (not shown)")
    if value == SECRET_CHANGED:
        return _("A new secret value (not shown)")
    if isinstance(value, list | tuple):
        return ", ".join(_readable(item, labels) for item in value) or "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if labels is not None and isinstance(value, str) and value in labels:
        return str(labels[value])
    return str(value)


def _structured(value: Any) -> bool:
    items = value if isinstance(value, list | tuple) else [value]
    return any(isinstance(item, dict) for item in items)


def changes(entry: AuditEntry) -> list[Change]:
    """The fields an entry changed, each with its value before and after (unchanged left out)."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    rows = []
    for name in list(dict.fromkeys([*before, *after])):
        old, new = before.get(name), after.get(name)
        if name in before and name in after and old == new:
            continue
        labels = VALUE_LABELS.get(name)
        rows.append(Change(name, _readable(old, labels) if name in before else "—",
                           _readable(new, labels) if name in after else "—",
                           code=_structured(old) or _structured(new),
                           lang="en" if name.endswith("_en") else None))
    return rows


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    """The choices of the filter form: people who acted, and the actions and object types
    in the log (known ones by their label)."""
    actions = set(db.session.scalars(select(AuditEntry.action).distinct())) | set(ACTIONS)
    targets = set(db.session.scalars(select(AuditEntry.target_type).distinct())) \
        | set(TARGET_TYPES)
    actor_ids = select(AuditEntry.actor_id).where(AuditEntry.actor_id.is_not(None)).distinct()
    people = db.session.execute(select(User.id, User.name).where(User.id.in_(actor_ids))
                                .order_by(User.name)).all()
    return {
        "actor": [(str(user_id), name) for user_id, name in people],
        "action": sorted(((a, action_label(a)) for a in actions), key=lambda c: c[1]),
        "target_type": sorted(((t, target_label(t)) for t in targets), key=lambda c: c[1]),
    }
