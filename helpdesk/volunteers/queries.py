"""The coordinator's queue of volunteers: filters and keyset pagination (newest first)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from helpdesk.extensions import db
from helpdesk.volunteers.models import VolunteerProfile
from helpdesk.volunteers.vocabulary import PROFILE_STATUSES, SKILLS

PAGE_SIZE = 25


@dataclass(frozen=True)
class QueueFilters:
    status: str | None = None
    branch_id: int | None = None
    skill: str | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> QueueFilters:
        """Unknown values are ignored rather than refused: a filter link never breaks."""
        status = str(args.get("status") or "")
        branch = str(args.get("branch") or "")
        skill = str(args.get("skill") or "")
        return cls(status=status if status in PROFILE_STATUSES else None,
                   branch_id=int(branch) if branch.isdigit() else None,
                   skill=skill if skill in SKILLS else None)

    def as_args(self) -> dict[str, Any]:
        args = {"status": self.status, "branch": self.branch_id, "skill": self.skill}
        return {key: value for key, value in args.items() if value is not None}


@dataclass
class QueuePage:
    profiles: list[VolunteerProfile] = field(default_factory=list)
    next_after: int | None = None


def volunteer_queue(filters: QueueFilters, *, after: int | None = None,
                    limit: int = PAGE_SIZE) -> QueuePage:
    query = select(VolunteerProfile).options(joinedload(VolunteerProfile.contact),
                                             joinedload(VolunteerProfile.branch))
    if filters.status:
        query = query.where(VolunteerProfile.status == filters.status)
    if filters.branch_id:
        query = query.where(VolunteerProfile.branch_id == filters.branch_id)
    if filters.skill:
        query = query.where(VolunteerProfile.skills.like(f"% {filters.skill} %"))
    if after:
        query = query.where(VolunteerProfile.id < after)
    rows = list(db.session.scalars(query.order_by(VolunteerProfile.id.desc())
                                   .limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return QueuePage(rows, rows[-1].id if more and rows else None)
