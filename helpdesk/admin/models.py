"""The association's profile: its details, its contacts for the public, its policy's approval."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.db_types import UTCDateTime, utcnow
from helpdesk.extensions import db
from helpdesk.services_catalog.models import DEFAULT_DECISION_WINDOW_DAYS


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
