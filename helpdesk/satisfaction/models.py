"""Surveys sent, kiosk passes, follow-ups of low ratings and the manager's review marks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.accounts.models import User
from helpdesk.db_types import UTCDateTime, utcnow
from helpdesk.extensions import db
from helpdesk.tickets.models import Rating, Ticket

# When a survey goes out: the ticket resolved, or a decision (committee, application) made.
OCCASIONS = ("resolved", "decided")
REVIEW_KINDS = ("suggestion", "comment")
REVIEW_STATUSES = ("read", "acted_on", "not_applicable")
FOLLOW_UP_STATUSES = ("open", "done")


class Survey(db.Model):
    """One invitation to rate, per ticket and occasion: the row that makes sending, and its
    single reminder, happen once however often the handlers or the tick job run."""

    __tablename__ = "satisfaction_surveys"
    __table_args__ = (
        UniqueConstraint("ticket_id", "occasion"),
        Index("ix_satisfaction_surveys_reminded_at_sent_at", "reminded_at", "sent_at"),
        CheckConstraint("occasion IN ('resolved', 'decided')", name="occasion_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    occasion: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(32))  # the rating stage it asks about
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    ticket: Mapped[Ticket] = relationship()


class KioskPass(db.Model):
    """A one-time pass a staff member opens for the front-desk tablet: its signed token
    works once (used_at) and only for a short while."""

    __tablename__ = "satisfaction_kiosk_passes"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"),
                                           index=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FollowUp(db.Model):
    """A low rating with a comment, for the team's lead to learn from (improvement, not
    blame); ``lead_id`` None: the managers take it."""

    __tablename__ = "satisfaction_follow_ups"
    __table_args__ = (
        Index("ix_satisfaction_follow_ups_lead_id_status", "lead_id", "status"),
        CheckConstraint("status IN ('open', 'done')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"),
                                           index=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id", ondelete="CASCADE"),
                                           unique=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    outcome: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    ticket: Mapped[Ticket] = relationship()
    rating: Mapped[Rating] = relationship()
    lead: Mapped[User | None] = relationship()


class ReviewMark(db.Model):
    """A manager's mark on an item of the review list: a suggestion (a ticket of that kind)
    or a rating's comment; an item without a mark is new."""

    __tablename__ = "satisfaction_review_marks"
    __table_args__ = (
        UniqueConstraint("item_kind", "item_id"),
        Index("ix_satisfaction_review_marks_marked_at", "marked_at"),
        CheckConstraint("item_kind IN ('suggestion', 'comment')", name="kind_known"),
        CheckConstraint("status IN ('read', 'acted_on', 'not_applicable')",
                        name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[int] = mapped_column(Integer)  # the ticket's id, or the rating's
    status: Mapped[str] = mapped_column(String(16))
    action_taken: Mapped[str | None] = mapped_column(Text)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    marked_by: Mapped[User | None] = relationship()
