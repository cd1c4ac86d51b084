"""Use cases of notifications: tell people (in the app, by e-mail), read, choose preferences.

Notifications are written inside the transaction of the change they announce (the handlers
in helpdesk/notifications/handlers.py run before its commit), so a change that did not
happen is never announced. E-mails go through the outbox (queued in the same transaction,
sent by the worker after the commit), at most one per person, ticket and kind per hour.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from helpdesk.accounts.models import User
from helpdesk.config import SUPPORTED_LOCALES
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.notifications.models import (
    KINDS,
    Notification,
    NotificationEmail,
    NotificationPreference,
    TicketAction,
)
from helpdesk.notifications.queries import preferences_of
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.outbox import queue_staff_email

# Never more than one e-mail per person, ticket and kind within this interval.
EMAIL_INTERVAL = timedelta(hours=1)

KIND_LABELS = {
    "assigned": _l("Assigned to you"),
    "referred": _l("Referred to you"),
    "reply": _l("A reply from the person"),
    "agenda": _l("On the committee agenda"),
    "decision_due": _l("Committee decision due soon"),
    "at_risk": _l("About to pass its resolution time"),
    "breached": _l("Resolution time passed"),
    "escalated": _l("Escalated to you"),
}
KIND_HELP = {
    "assigned": _l("Someone (or the routing rules) gave you a ticket."),
    "referred": _l("A ticket was referred to you or to one of your teams."),
    "reply": _l("The person wrote again on a ticket assigned to you."),
    "agenda": _l("A request was sent to the research committee."),
    "decision_due": _l("A request on the agenda nears its decision date."),
    "at_risk": _l("A ticket assigned to you is close to its resolution time."),
    "breached": _l("A ticket assigned to you passed its resolution time."),
    "escalated": _l("A ticket of a team you lead passed its resolution time."),
}
ICONS = {"assigned": "person-check", "referred": "signpost-split", "reply": "chat-left-text",
         "agenda": "hammer", "decision_due": "calendar-event", "at_risk": "hourglass-split",
         "breached": "alarm", "escalated": "arrow-up-circle"}
DEFAULT_IN_APP, DEFAULT_EMAIL = True, False


def _insert():
    return pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert


# -- once per commitment -----------------------------------------------------------------

def claim(ticket_id: int, action: str, due_at: datetime, now: datetime) -> bool:
    """Insert the action's row in the current transaction; False when another pass (or
    another worker) already did: the caller then does nothing."""
    result = db.session.execute(
        _insert()(TicketAction).values(ticket_id=ticket_id, action=action, due_at=due_at,
                                       done_at=now)
        .on_conflict_do_nothing(index_elements=["ticket_id", "action", "due_at"])
        .returning(TicketAction.id))  # a row back: ours (rowcount is -1 under psycopg)
    return result.first() is not None


# -- telling ------------------------------------------------------------------------------

def notify(kind: str, ticket_id: int, user_ids: Iterable[int | None], *,
           actor_id: int | None = None, now: datetime | None = None) -> list[int]:
    """Tell each active person in ``user_ids`` (never the actor) of ``kind`` on the ticket,
    as their preferences say; return the ids of the people told in the app. Inside the
    caller's transaction: nothing is committed here."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    wanted = {user_id for user_id in user_ids if user_id is not None and user_id != actor_id}
    if not wanted:
        return []
    now = now or utcnow()
    people = list(db.session.scalars(
        select(User).where(User.id.in_(sorted(wanted)), User.active.is_(True))
        .order_by(User.id)))
    choices = preferences_of([person.id for person in people], kind)
    told = []
    for person in people:
        in_app, email = choices.get(person.id, (DEFAULT_IN_APP, DEFAULT_EMAIL))
        if in_app:
            db.session.add(Notification(user_id=person.id, kind=kind, ticket_id=ticket_id,
                                        actor_id=actor_id, created_at=now))
            told.append(person.id)
        if email and person.email:
            _email(person, kind, ticket_id, now)
    return told


def _take_email_turn(user_id: int, ticket_id: int, kind: str, now: datetime) -> bool:
    """Whether this e-mail may go: one conditional upsert, so of two senders at once (or
    two handlers in one hour) exactly one wins."""
    insert = _insert()
    statement = insert(NotificationEmail).values(user_id=user_id, ticket_id=ticket_id,
                                                 kind=kind, sent_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "ticket_id", "kind"],
        set_={"sent_at": statement.excluded.sent_at},
        where=NotificationEmail.sent_at <= now - EMAIL_INTERVAL,
    ).returning(NotificationEmail.user_id)  # rowcount is not reliable here (psycopg: -1)
    return db.session.execute(statement).first() is not None


def _ticket_link(ticket: Ticket) -> str:
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for("tickets.show", number=ticket.number, _external=True)
    return f"/tickets/{ticket.number}"


def _locale_of(person: User) -> str:
    if person.locale in SUPPORTED_LOCALES:
        return person.locale
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "ar")


def _email(person: User, kind: str, ticket_id: int, now: datetime) -> None:
    if not _take_email_turn(person.id, ticket_id, kind, now):
        return
    ticket = db.session.get(Ticket, ticket_id)
    locale = _locale_of(person)
    with force_locale(locale):
        subject = _("%(what)s: ticket %(number)s", what=KIND_LABELS[kind],
                    number=ticket.number)
        body = "\n".join([
            str(KIND_HELP[kind]),
            _("Ticket %(number)s: %(subject)s", number=ticket.number, subject=ticket.subject),
            _ticket_link(ticket),
            "",
            _("You receive this e-mail because you chose it on your notifications page."),
        ])
    queue_staff_email(to_email=person.email, subject=subject, body=body, locale=locale)


# -- reading them -------------------------------------------------------------------------

def mark_read(user: Any, notification_id: int, *, now: datetime | None = None) -> bool:
    """Mark one of the user's notifications read; False when it is not theirs."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.user_id == user.id)
        .values(read_at=func.coalesce(Notification.read_at, now or utcnow()))
        .execution_options(synchronize_session=False))
    found = result.rowcount == 1
    db.session.commit()
    return found


def mark_all_read(user: Any, *, now: datetime | None = None) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount


# -- preferences --------------------------------------------------------------------------

def save_preferences(user: Any, form: Mapping[str, Any]) -> None:
    """Store the user's choices from the preferences form: ``in_app-<kind>`` and
    ``email-<kind>`` checkboxes (an unticked box is absent)."""
    for kind in KINDS:
        in_app = bool(form.get(f"in_app-{kind}"))
        email = bool(form.get(f"email-{kind}"))
        statement = _insert()(NotificationPreference).values(
            user_id=user.id, kind=kind, in_app=in_app, email=email)
        db.session.execute(statement.on_conflict_do_update(
            index_elements=["user_id", "kind"],
            set_={"in_app": statement.excluded.in_app, "email": statement.excluded.email}))
    db.session.commit()
