"""Committee sittings (the members present) and the decisions recorded on requests."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.accounts.models import User
from helpdesk.db_types import UTCDateTime, utcnow
from helpdesk.extensions import db

DECISIONS = ("approve", "reject", "defer")

committee_sitting_members = Table(
    "committee_sitting_members",
    db.metadata,
    Column("sitting_id", Integer, ForeignKey("committee_sittings.id", ondelete="CASCADE"),
           primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class CommitteeSitting(db.Model):
    """One meeting of the committee, which may decide several requests."""

    __tablename__ = "committee_sittings"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_on: Mapped[date] = mapped_column(Date, index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[User]] = relationship(secondary=committee_sitting_members,
                                               order_by=User.name)
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class CommitteeDecision(db.Model):
    """Approve, reject or defer one request, with the reason; its event is on the timeline."""

    __tablename__ = "committee_decisions"
    __table_args__ = (
        Index("ix_committee_decisions_ticket_id_id", "ticket_id", "id"),
        Index("ix_committee_decisions_decided_at", "decided_at"),  # the reports' period
        CheckConstraint("decision IN ('approve', 'reject', 'defer')", name="decision_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    sitting_id: Mapped[int | None] = mapped_column(
        ForeignKey("committee_sittings.id"), index=True
    )
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The decision due date before, and (for a deferral) after this decision.
    due_on_before: Mapped[date | None] = mapped_column(Date)
    due_on_after: Mapped[date | None] = mapped_column(Date)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))

    sitting: Mapped[CommitteeSitting | None] = relationship()
    decided_by: Mapped[User | None] = relationship()
