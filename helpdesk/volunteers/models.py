"""Volunteer profiles (one per contact), the association's needs, matches and hours served."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
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

from helpdesk.accounts.models import Branch, User
from helpdesk.contacts.models import Contact
from helpdesk.db_types import UTCDateTime, utcnow
from helpdesk.extensions import db
from helpdesk.tickets.models import Ticket


class VolunteerProfile(db.Model):
    """What a volunteer offers, and where their application stands.

    Lists of keys (skills, days, time slots, interests) are stored as ' a b ' strings of the
    vocabulary's keys (helpdesk/volunteers/vocabulary.py), filterable with LIKE on both
    databases.
    """

    __tablename__ = "volunteer_profiles"
    __table_args__ = (
        Index("ix_volunteer_profiles_status_id", "status", "id"),
        Index("ix_volunteer_profiles_branch_id_id", "branch_id", "id"),
        CheckConstraint("status IN ('received', 'interview', 'accepted', 'declined', 'active')",
                        name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), unique=True)
    # The latest application: its timeline records every status change.
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="received")
    skills: Mapped[str] = mapped_column(String(300), default="")
    skills_note: Mapped[str | None] = mapped_column(Text)
    days: Mapped[str] = mapped_column(String(60), default="")
    time_slots: Mapped[str] = mapped_column(String(60), default="")
    availability_note: Mapped[str | None] = mapped_column(Text)
    interests: Mapped[str] = mapped_column(String(300), default="")
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"))
    experience: Mapped[str | None] = mapped_column(Text)
    interview_on: Mapped[date | None] = mapped_column(Date)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contact: Mapped[Contact] = relationship()
    ticket: Mapped[Ticket | None] = relationship()
    branch: Mapped[Branch | None] = relationship()


class VolunteerNeed(db.Model):
    """Work the association needs volunteers for: a field visit, a distribution day…"""

    __tablename__ = "volunteer_needs"
    __table_args__ = (
        Index("ix_volunteer_needs_status_on", "status", "needed_on"),
        CheckConstraint("needed_count > 0", name="needed_count_positive"),
        CheckConstraint("status IN ('open', 'filled')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"))
    needed_on: Mapped[date] = mapped_column(Date)
    time_slot: Mapped[str | None] = mapped_column(String(16))
    skills: Mapped[str] = mapped_column(String(300), default="")
    needed_count: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    branch: Mapped[Branch | None] = relationship()
    created_by: Mapped[User | None] = relationship()


class VolunteerAssignment(db.Model):
    """A volunteer matched to a need."""

    __tablename__ = "volunteer_assignments"
    __table_args__ = (UniqueConstraint("profile_id", "need_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("volunteer_profiles.id"), index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("volunteer_needs.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="matched")
    score: Mapped[int] = mapped_column(Integer, default=0)
    matched_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    profile: Mapped[VolunteerProfile] = relationship()
    need: Mapped[VolunteerNeed] = relationship()


class VolunteerHours(db.Model):
    """Time a volunteer served, in minutes (no rounding of fractions of an hour)."""

    __tablename__ = "volunteer_hours"
    __table_args__ = (CheckConstraint("minutes > 0", name="minutes_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("volunteer_profiles.id"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_assignments.id"))
    served_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assignment: Mapped[VolunteerAssignment | None] = relationship()
    logged_by: Mapped[User | None] = relationship()
