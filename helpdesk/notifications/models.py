"""Notifications to staff, each person's preferences, the e-mail throttle, and the record of
what the periodic job has done (one row per ticket, action and due instant)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.accounts.models import User
from helpdesk.db_types import UTCDateTime, utcnow
from helpdesk.extensions import db
from helpdesk.tickets.models import Ticket

# What a person can be told of, in the order the preferences page lists them.
KINDS = ("assigned", "referred", "reply", "agenda", "decision_due", "at_risk", "breached",
         "escalated")


class Notification(db.Model):
    """One thing one staff member is told of about one ticket; read or not."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The bell's list and the full page: a person's newest first.
        Index("ix_notifications_user_id_id", "user_id", "id"),
        # The bell's count: only the unread ones are indexed.
        Index("ix_notifications_unread", "user_id",
              sqlite_where=text("read_at IS NULL"), postgresql_where=text("read_at IS NULL")),
        Index("ix_notifications_ticket_id", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    ticket: Mapped[Ticket] = relationship()
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class NotificationPreference(db.Model):
    """A person's choice for one kind; no row means the default (in the app, no e-mail)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    in_app: Mapped[bool] = mapped_column(Boolean, default=True)
    email: Mapped[bool] = mapped_column(Boolean, default=False)


class NotificationEmail(db.Model):
    """The last e-mail sent to a person about a ticket and a kind: the hourly throttle is a
    conditional upsert on this row, so two senders at once cannot both pass it."""

    __tablename__ = "notification_emails"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"),
                                           primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TicketAction(db.Model):
    """Something the periodic job did to a ticket (warned, escalated, reminded, closed).

    ``due_at`` is the instant of the commitment the action answers (the resolution due time,
    the decision date, the start of the wait for the person): the unique key makes the
    action happen once per commitment however many passes and workers run, and again when
    the commitment moves."""

    __tablename__ = "ticket_actions"
    __table_args__ = (UniqueConstraint("ticket_id", "action", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
