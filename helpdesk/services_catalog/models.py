"""Services offered by the association (food basket, rent support, ...)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.accounts.models import Team
from helpdesk.db_types import PortableJSON
from helpdesk.extensions import db

DEFAULT_DECISION_WINDOW_DAYS = 10  # working days after the request is complete


class Service(db.Model):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name_ar: Mapped[str] = mapped_column(String(160))
    name_en: Mapped[str] = mapped_column(String(160))
    description_ar: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    decision_window_days: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_DECISION_WINDOW_DAYS
    )
    # Close a request that waits for the person after this many working days without a
    # word from them (None: never close it for silence).
    close_after_silent_days: Mapped[int | None] = mapped_column(Integer)
    needs_committee: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Declarative definitions edited by an admin: required fields, documents, eligibility rules.
    fields: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)
    documents: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)
    rules: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)

    team: Mapped[Team | None] = relationship()
