"""Reads of satisfaction, each with its access rule: an agent's own figures, the figures of
the teams a lead or a manager may see, follow-ups, and the review list. No read ever groups
ratings by agent: there is no ranking of individuals to show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, func, literal, select, union_all

from helpdesk.accounts.models import Team
from helpdesk.extensions import db
from helpdesk.satisfaction.models import FollowUp, ReviewMark, Survey
from helpdesk.satisfaction.services import (
    led_team_ids,
    may_see_ticket_ratings,
    sees_every_team,
)
from helpdesk.tickets.models import Rating, Ticket

PAGE_SIZE = 20
RECENT_OWN = 20


@dataclass(frozen=True)
class Figures:
    """Counts and averages of a set of ratings (None: nothing rated yet)."""

    count: int
    overall: float | None
    speed: float | None
    courtesy: float | None
    clarity: float | None
    distribution: tuple[int, int, int, int, int]  # how many gave 1, 2, 3, 4, 5

    @property
    def low(self) -> int:
        return self.distribution[0] + self.distribution[1]


def _averages():
    return (func.count(Rating.id), func.avg(Rating.stars), func.avg(Rating.speed),
            func.avg(Rating.courtesy), func.avg(Rating.clarity))


def _figures(row: Any, distribution: dict[int, int]) -> Figures:
    def rounded(value: Any) -> float | None:
        return round(float(value), 1) if value is not None else None

    return Figures(int(row[0] or 0), rounded(row[1]), rounded(row[2]), rounded(row[3]),
                   rounded(row[4]), tuple(distribution.get(n, 0) for n in range(1, 6)))


def _distribution(*where: Any) -> dict[int, int]:
    return {int(stars): int(count) for stars, count in db.session.execute(
        select(Rating.stars, func.count()).join(Ticket, Ticket.id == Rating.ticket_id)
        .where(*where).group_by(Rating.stars))}


def own_figures(user: Any) -> Figures:
    """The ratings of the tickets assigned to ``user``, and nobody else's."""
    where = (Ticket.assignee_id == user.id,)
    row = db.session.execute(select(*_averages()).join(Ticket, Ticket.id == Rating.ticket_id)
                             .where(*where)).one()
    return _figures(row, _distribution(*where))


def own_recent_ratings(user: Any, limit: int = RECENT_OWN) -> list[tuple[Rating, Ticket]]:
    return list(db.session.execute(
        select(Rating, Ticket).join(Ticket, Ticket.id == Rating.ticket_id)
        .where(Ticket.assignee_id == user.id)
        .order_by(Rating.updated_at.desc(), Rating.id.desc()).limit(limit)))


def visible_teams(user: Any) -> list[Team]:
    query = select(Team).order_by(Team.name_ar, Team.id)
    if not sees_every_team(user):
        ids = led_team_ids(user)
        if not ids:
            return []
        query = query.where(Team.id.in_(ids))
    return list(db.session.scalars(query))


def team_figures(user: Any) -> list[tuple[Team, Figures]]:
    """Per team the user may see (a manager: all; a lead: theirs), never per agent."""
    teams = visible_teams(user)
    if not teams:
        return []
    ids = [team.id for team in teams]
    rows = {team_id: row for team_id, *row in db.session.execute(
        select(Ticket.team_id, *_averages()).join(Ticket, Ticket.id == Rating.ticket_id)
        .where(Ticket.team_id.in_(ids)).group_by(Ticket.team_id))}
    spread: dict[int, dict[int, int]] = {}
    for team_id, stars, count in db.session.execute(
            select(Ticket.team_id, Rating.stars, func.count())
            .join(Ticket, Ticket.id == Rating.ticket_id)
            .where(Ticket.team_id.in_(ids)).group_by(Ticket.team_id, Rating.stars)):
        spread.setdefault(team_id, {})[int(stars)] = int(count)
    empty = (0, None, None, None, None)
    return [(team, _figures(rows.get(team.id, empty), spread.get(team.id, {})))
            for team in teams]


def ticket_ratings(user: Any, ticket: Ticket) -> list[Rating] | None:
    """The ticket's ratings for its agent, its team's lead and managers; None for others."""
    if not may_see_ticket_ratings(user, ticket):
        return None
    return list(db.session.scalars(select(Rating).where(Rating.ticket_id == ticket.id)
                                   .order_by(Rating.id)))


def ticket_surveys(ticket: Ticket) -> list[Survey]:
    return list(db.session.scalars(select(Survey).where(Survey.ticket_id == ticket.id)
                                   .order_by(Survey.id)))


def follow_ups_for(user: Any, *, status: str = "open") -> list[FollowUp]:
    """A lead's follow-ups; a manager's: every one (those with no lead are theirs)."""
    query = select(FollowUp).where(FollowUp.status == status)
    if not sees_every_team(user):
        query = query.where(FollowUp.lead_id == user.id)
    return list(db.session.scalars(query.order_by(FollowUp.created_at.desc(),
                                                  FollowUp.id.desc()).limit(200)))


# ---------------------------------------------------------------------------------------
# The review list

@dataclass(frozen=True)
class ReviewItem:
    kind: str  # suggestion, comment
    item_id: int
    ticket: Ticket
    received_at: datetime
    text: str | None
    stars: int | None
    mark: ReviewMark | None


def _items():
    suggestions = select(
        literal("suggestion", String(16)).label("kind"), Ticket.id.label("item_id"),
        Ticket.id.label("ticket_id"), Ticket.created_at.label("received_at"),
    ).where(Ticket.kind == "suggestion", Ticket.status != "cancelled")
    comments = select(
        literal("comment", String(16)).label("kind"), Rating.id.label("item_id"),
        Rating.ticket_id.label("ticket_id"), Rating.updated_at.label("received_at"),
    ).where(Rating.comment.is_not(None))
    return union_all(suggestions, comments).subquery("items")


def review_page(*, kind: str | None = None, status: str | None = None,
                page: int = 1) -> tuple[list[ReviewItem], int]:
    """One page of the review list, newest first, and the number of pages. ``status``
    'new' is an item nobody has marked yet."""
    items = _items()
    joined = and_(ReviewMark.item_kind == items.c.kind, ReviewMark.item_id == items.c.item_id)
    query = select(items.c.kind, items.c.item_id, items.c.ticket_id, items.c.received_at,
                   ReviewMark.id).outerjoin(ReviewMark, joined)
    if kind:
        query = query.where(items.c.kind == kind)
    if status == "new":
        query = query.where(ReviewMark.id.is_(None))
    elif status:
        query = query.where(ReviewMark.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = list(db.session.execute(
        query.order_by(items.c.received_at.desc(), items.c.kind, items.c.item_id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    tickets = {t.id: t for t in db.session.scalars(
        select(Ticket).where(Ticket.id.in_({row.ticket_id for row in rows})))}
    ratings = {r.id: r for r in db.session.scalars(
        select(Rating).where(Rating.id.in_({row.item_id for row in rows
                                            if row.kind == "comment"})))}
    marks = {m.id: m for m in db.session.scalars(
        select(ReviewMark).where(ReviewMark.id.in_({row[4] for row in rows if row[4]})))}
    result = []
    for row in rows:
        ticket = tickets[row.ticket_id]
        rating = ratings.get(row.item_id) if row.kind == "comment" else None
        result.append(ReviewItem(
            kind=row.kind, item_id=row.item_id, ticket=ticket, received_at=row.received_at,
            text=rating.comment if rating else ticket.subject,
            stars=rating.stars if rating else None, mark=marks.get(row[4])))
    return result, pages


def review_counts(start: datetime, end: datetime) -> dict[str, int]:
    """For the reports page: items received in [start, end) (suggestions opened, rating
    comments given) and how many of those were read, acted on, not applicable."""
    items = _items()
    received = select(items.c.kind, items.c.item_id).where(
        items.c.received_at >= start, items.c.received_at < end).subquery()
    counts = {"received": db.session.scalar(
        select(func.count()).select_from(received)) or 0}
    for status, count in db.session.execute(
            select(ReviewMark.status, func.count()).join(
                received, and_(ReviewMark.item_kind == received.c.kind,
                               ReviewMark.item_id == received.c.item_id))
            .group_by(ReviewMark.status)):
        counts[status] = int(count)
    for status in ("read", "acted_on", "not_applicable"):
        counts.setdefault(status, 0)
    return counts

