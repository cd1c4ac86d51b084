"""Routing rules (conditions and actions, in the admin's order) and each team's turn."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.accounts.models import Team, User
from helpdesk.db_types import PortableJSON, UTCDateTime, utcnow
from helpdesk.extensions import db

# The conditions a rule may hold: each a list of accepted values (empty: any value).
CONDITION_FIELDS = ("channels", "kinds", "service_ids", "branch_ids", "contact_kinds",
                    "priorities", "words")


class RoutingRule(db.Model):
    """One rule: every non-empty condition must hold (a list matches any of its values);
    the actions apply in the rules' order; ``stop`` ends the evaluation after this rule."""

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(120))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    stop: Mapped[bool] = mapped_column(Boolean, default=True)
    conditions: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    # Actions (None: leave as it is).
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    priority: Mapped[str | None] = mapped_column(String(16))
    tag: Mapped[str | None] = mapped_column(String(64))
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    # Give the ticket to the rule's team's members in turn (round-robin unless the team
    # shares by fewest open tickets).
    assign_in_turn: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team | None] = relationship()
    assignee: Mapped[User | None] = relationship()


class TeamTurn(db.Model):
    """Whose turn it is in a team's round-robin: the member last given a ticket. Its row
    is locked while a ticket is being assigned, so two intakes at once take turns."""

    __tablename__ = "routing_team_turns"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"),
                                         primary_key=True, autoincrement=False)
    last_user_id: Mapped[int | None] = mapped_column(Integer)
    turns: Mapped[int] = mapped_column(Integer, default=0)
