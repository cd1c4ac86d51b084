"""The branch representatives' table: visits a manager plans for a representative."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.plugin_api.core import Model, UTCDateTime, utcnow


class VisitPlan(Model):
    """One planned visit: who goes, when, to whom and why; the ticket once it was made."""

    __tablename__ = "branch_visits_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    representative_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    planned_on: Mapped[date] = mapped_column(Date, index=True)
    person_name: Mapped[str] = mapped_column(String(160))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(32))
    purpose: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ticket_number: Mapped[str | None] = mapped_column(String(16))
