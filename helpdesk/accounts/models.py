"""Users, teams and branches."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.db_types import UTCDateTime, utcnow
from helpdesk.extensions import db

team_members = Table(
    "team_members",
    db.metadata,
    Column("team_id", Integer, ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Branch(db.Model):
    __tablename__ = "branches"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_ar: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    city: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


# How a team shares the tickets routed to it: by hand, in turn, or to whoever has fewest open.
ASSIGNMENT_MODES = ("manual", "round_robin", "least_open")


class Team(db.Model):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name_ar: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"))
    # The team's lead: warned of breaches, sent follow-ups of low ratings.
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assignment_mode: Mapped[str] = mapped_column(String(16), default="manual")
    # The most open tickets automatic assignment gives one member (None: no limit).
    max_open_per_member: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    branch: Mapped[Branch | None] = relationship()
    lead: Mapped[User | None] = relationship(foreign_keys=[lead_id])
    members: Mapped[list[User]] = relationship(secondary=team_members, back_populates="teams")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32), index=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Away (leave, sick, travelling): automatic assignment passes them by.
    away: Mapped[bool] = mapped_column(Boolean, default=False)

    branch: Mapped[Branch | None] = relationship()
    teams: Mapped[list[Team]] = relationship(secondary=team_members, back_populates="members")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active
