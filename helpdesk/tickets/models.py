"""Tickets, their append-only timeline, attachments, ratings and intake idempotency."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.accounts.models import Branch, Team, User
from helpdesk.contacts.models import Contact
from helpdesk.db_types import PortableJSON, UTCDateTime, utcnow
from helpdesk.extensions import db
from helpdesk.services_catalog.models import Service

# Not closed, not cancelled: the same set as vocabulary.OPEN_STATUSES, as literal SQL so that
# it can be both a partial index's predicate and a query's term (see open_ticket_clause).
OPEN_TICKET_SQL = "status NOT IN ('cancelled', 'closed')"


class TicketSequence(db.Model):
    """The last number given out for a year; incremented atomically, never reused."""

    __tablename__ = "ticket_sequences"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(db.Model):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("year", "sequence"),
        # Queue filters: each leads with the filter and ends with id for keyset pagination.
        Index("ix_tickets_status_id", "status", "id"),
        Index("ix_tickets_channel_key_id", "channel_key", "id"),
        Index("ix_tickets_kind_id", "kind", "id"),
        Index("ix_tickets_service_id_id", "service_id", "id"),
        Index("ix_tickets_team_id_id", "team_id", "id"),
        Index("ix_tickets_assignee_id_id", "assignee_id", "id"),
        Index("ix_tickets_branch_id_id", "branch_id", "id"),
        Index("ix_tickets_priority_id", "priority", "id"),
        Index("ix_tickets_contact_id_id", "contact_id", "id"),
        Index("ix_tickets_created_at", "created_at"),
        Index("ix_tickets_resolution_due_at", "resolution_due_at"),
        Index("ix_tickets_closed_at", "closed_at"),  # the "closed today" view
        # Open tickets only (a tenth of a mature database): the "open" views page through
        # them by id with the due time at hand, and the home page counts them per channel.
        # Queries must repeat OPEN_TICKET_SQL word for word (not a bound IN list) for the
        # planners to prove the partial index applies.
        Index("ix_tickets_open_id_due", "id", "resolution_due_at",
              sqlite_where=text(OPEN_TICKET_SQL), postgresql_where=text(OPEN_TICKET_SQL)),
        Index("ix_tickets_open_channel_key", "channel_key",
              sqlite_where=text(OPEN_TICKET_SQL), postgresql_where=text(OPEN_TICKET_SQL)),
        # The reports: a period's tickets with every column they count or filter by, read
        # from the index alone; and the open tickets' ages for the backlog.
        Index("ix_tickets_reports", "created_at", "channel_key", "kind", "status", "closed_at",
              "branch_id", "service_id", "team_id", "first_response_due_at",
              "resolution_due_at"),
        Index("ix_tickets_open_created_at", "created_at", "channel_key", "branch_id",
              "service_id", "team_id",
              sqlite_where=text(OPEN_TICKET_SQL), postgresql_where=text(OPEN_TICKET_SQL)),
        # The "at risk" view: open tickets whose at-risk instant has come (helpdesk/sla).
        Index("ix_tickets_open_at_risk", "at_risk_at", "resolution_due_at",
              sqlite_where=text(OPEN_TICKET_SQL), postgresql_where=text(OPEN_TICKET_SQL)),
        CheckConstraint("version > 0", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)  # e.g. 2026-000123
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    channel_key: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), default="new")
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    subject: Mapped[str] = mapped_column(String(300))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"))
    first_response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_due_on: Mapped[date | None] = mapped_column(Date)
    # The service-level clocks (kept by helpdesk/sla/clocks.py): when the first public
    # answer went out, when the resolution is at risk (its threshold, so the "at risk" view
    # is one indexed comparison), and while the ticket waits on the person, since when and
    # how many working seconds it has waited in all (the clock's pauses).
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    at_risk_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_paused_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    version: Mapped[int] = mapped_column(Integer, default=1)
    channel_data: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    tracking_secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    service: Mapped[Service | None] = relationship()
    contact: Mapped[Contact | None] = relationship()
    team: Mapped[Team | None] = relationship()
    assignee: Mapped[User | None] = relationship()
    branch: Mapped[Branch | None] = relationship()

    # The version counter is SQLAlchemy's optimistic lock: a stale UPDATE raises.
    __mapper_args__ = {"version_id_col": version}


class Event(db.Model):
    """One entry of a ticket's append-only timeline. Corrections are new events."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_ticket_id_id", "ticket_id", "id"),
        # The reports' first response: a ticket's earliest message out, read from the index.
        Index("ix_events_ticket_id_type_created_at", "ticket_id", "type", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(32))
    visibility: Mapped[str] = mapped_column(String(8), default="public")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()


class Attachment(db.Model):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    # The name as the person gave it (Arabic kept); files are stored under a generated name.
    display_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Rating(db.Model):
    """The beneficiary's rating of the service: one per ticket stage, editable for a while.

    ``stars`` is the overall answer (required); speed, courtesy and clarity are optional
    answers of the satisfaction survey (helpdesk/satisfaction), 1–5 each. Reports aggregate
    these rows by their ticket's channel, service and team."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("ticket_id", "stage"),
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars_range"),
        CheckConstraint("speed BETWEEN 1 AND 5", name="speed_range"),
        CheckConstraint("courtesy BETWEEN 1 AND 5", name="courtesy_range"),
        CheckConstraint("clarity BETWEEN 1 AND 5", name="clarity_range"),
        Index("ix_ratings_created_at", "created_at"),  # the reports' period
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(32))
    stars: Mapped[int] = mapped_column(SmallInteger)
    speed: Mapped[int | None] = mapped_column(SmallInteger)
    courtesy: Mapped[int | None] = mapped_column(SmallInteger)
    clarity: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    # Where it was given: the portal (a tracking or survey link) or the front-desk kiosk.
    source: Mapped[str] = mapped_column(String(16), default="portal")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExternalRef(db.Model):
    """(channel, external id) → ticket: the idempotency of every intake.

    ``fingerprint`` is the SHA-256 of the request that created it when its sender can
    repeat it with another body (the API): a reused key with a different body is refused.
    """

    __tablename__ = "external_refs"
    __table_args__ = (UniqueConstraint("channel_key", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_key: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(255))
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fingerprint: Mapped[str | None] = mapped_column(String(64))


class Referral(db.Model):
    """A question sent to a team or a person (الإحالة); the ticket's owner keeps it.

    At most one referral per ticket is open at a time; the answered ones form its chain.
    """

    __tablename__ = "referrals"
    __table_args__ = (
        Index("ix_referrals_ticket_id_id", "ticket_id", "id"),
        Index("ix_referrals_to_user_id_status", "to_user_id", "status"),
        Index("ix_referrals_to_team_id_status", "to_team_id", "status"),
        Index("uq_referrals_open_per_ticket", "ticket_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        CheckConstraint("to_user_id IS NOT NULL OR to_team_id IS NOT NULL", name="has_referee"),
        CheckConstraint("status IN ('open', 'answered')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    question: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    ticket: Mapped[Ticket] = relationship()
    referred_by: Mapped[User | None] = relationship(foreign_keys=[referred_by_id])
    to_user: Mapped[User | None] = relationship(foreign_keys=[to_user_id])
    to_team: Mapped[Team | None] = relationship()
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


ticket_tags = Table(
    "ticket_tags",
    db.metadata,
    Column("ticket_id", Integer, ForeignKey("tickets.id", ondelete="CASCADE"),
           primary_key=True),
    Column("tag_id", Integer, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_ticket_tags_tag_id_ticket_id", "tag_id", "ticket_id"),
)


class Tag(db.Model):
    """A free label staff put on tickets (e.g. رمضان, urgent-case); names are unique."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
