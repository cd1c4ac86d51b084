"""A support request as a case: answers, checklist, declaration and the research study."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.accounts.models import User
from helpdesk.db_types import PortableJSON, UTCDateTime, utcnow
from helpdesk.extensions import db
from helpdesk.services_catalog.models import Service
from helpdesk.services_catalog.schema import Label
from helpdesk.tickets.models import Ticket

CHECKLIST_KINDS = ("field", "document")
CHECKLIST_STATES = ("missing", "received", "verified", "rejected")
# States that keep a ticket waiting on the person when the item is required.
OUTSTANDING_STATES = frozenset({"missing", "rejected"})
RECOMMENDATIONS = ("approve", "reject", "more_study")


class Case(db.Model):
    """What the applicant answered for the service, and the eligibility verdict at intake."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"),
                                           unique=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    eligibility: Mapped[str] = mapped_column(String(16))
    eligibility_reasons: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship()
    service: Mapped[Service | None] = relationship()


class ChecklistItem(db.Model):
    """One required (or optional) field or document of a case, and where it stands."""

    __tablename__ = "checklist_items"
    __table_args__ = (
        UniqueConstraint("ticket_id", "kind", "key"),
        CheckConstraint("kind IN ('field', 'document')", name="kind_known"),
        CheckConstraint("state IN ('missing', 'received', 'verified', 'rejected')",
                        name="state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64))
    label_ar: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200), default="")
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16), default="missing")
    # The attachments that provided a document (ids on this ticket), newest last.
    attachment_ids: Mapped[list[int]] = mapped_column(PortableJSON, default=list)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    verified_by: Mapped[User | None] = relationship()

    @property
    def label(self) -> Label:
        """The item's name in both languages; str() gives the reader's."""
        return Label(self.label_ar, self.label_en or "")


class Declaration(db.Model):
    """The applicant's declaration that their data is correct (online or in person)."""

    __tablename__ = "declarations"
    __table_args__ = (Index("ix_declarations_ticket_id_id", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    text_version: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)  # as shown to the person, in their language
    channel_key: Mapped[str] = mapped_column(String(32))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The staff member who recorded a declaration made in person; None when self-made.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    recorded_by: Mapped[User | None] = relationship()


class CaseStudy(db.Model):
    """One version of the social research officer's study; a correction is a new version."""

    __tablename__ = "case_studies"
    __table_args__ = (
        UniqueConstraint("ticket_id", "version"),
        CheckConstraint("recommendation IN ('approve', 'reject', 'more_study')",
                        name="recommendation_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    visit_date: Mapped[date] = mapped_column(Date)
    findings: Mapped[str] = mapped_column(Text)
    recommendation: Mapped[str] = mapped_column(String(16))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recorded_by: Mapped[User | None] = relationship()
