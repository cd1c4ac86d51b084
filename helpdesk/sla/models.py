"""Service-level targets: how many working days a first answer and a resolution may take."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.db_types import UTCDateTime, utcnow
from helpdesk.extensions import db


class SlaTarget(db.Model):
    """The targets for one ticket kind, or for one service (which overrides its kind).

    Targets are working days of the ticket's calendar, fractions allowed (0.5 is half a
    working day), so a branch with shorter hours keeps the same promise in days."""

    __tablename__ = "sla_targets"
    __table_args__ = (
        CheckConstraint("(kind IS NULL) <> (service_id IS NULL)", name="kind_or_service"),
        CheckConstraint("first_response_days > 0 AND resolution_days > 0",
                        name="targets_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str | None] = mapped_column(String(32), unique=True)
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), unique=True)
    first_response_days: Mapped[float] = mapped_column(Float)
    resolution_days: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
