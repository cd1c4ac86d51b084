"""The association's profile and the audit log of changes outside tickets."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.db_types import PortableJSON, UTCDateTime, utcnow
from helpdesk.extensions import db
from helpdesk.services_catalog.models import DEFAULT_DECISION_WINDOW_DAYS

if TYPE_CHECKING:
    from helpdesk.accounts.models import User


class Association(db.Model):
    """The one association this deployment serves, and the board's approval of its policy."""

    __tablename__ = "association"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_ar: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    registration_number: Mapped[str | None] = mapped_column(String(32))
    city: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    # How the public reaches the association (the portal's channel tiles): a Saudi mobile
    # for WhatsApp, the office's street address for visits, a postal address for letters.
    whatsapp_number: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(Text)
    postal_address: Mapped[str | None] = mapped_column(Text)
    logo_stored_name: Mapped[str | None] = mapped_column(String(64))
    committee_window_days: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_DECISION_WINDOW_DAYS
    )
    policy_board_meeting: Mapped[str | None] = mapped_column(String(120))
    # Stored as a Gregorian date; the Hijri (Umm al-Qura) date is derived, never re-typed.
    policy_approved_on: Mapped[date | None] = mapped_column(Date)
    policy_notes: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    # The audit page lists newest first (by id) under one filter at a time.
    __table_args__ = (
        Index("ix_audit_entries_action_id", "action", "id"),
        Index("ix_audit_entries_target_type_id", "target_type", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)
    ip: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()
