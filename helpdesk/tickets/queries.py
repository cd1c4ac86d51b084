"""Read-side queries over tickets, and the ONE access rule every reader goes through.

Who may see a ticket:
- managers and admins (``tickets.view_all``): every ticket;
- its assignee, and the members of its team;
- relations agents (``tickets.triage``): the tickets no team has been given yet;
- a branch representative (``tickets.view_branch``): the tickets of their branch;
- the volunteer coordinator (``volunteers.decide``): every volunteering application;
- the referee of an open referral (the person, or a member of the team): view and
  internal notes, until they return it;
- committee members (``committee.decide``): the requests on the committee's agenda.
Who may *work* a ticket (change it, reply): the same minus the last two, which only see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select, text, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal

from helpdesk.accounts.models import team_members
from helpdesk.accounts.permissions import can
from helpdesk.extensions import db
from helpdesk.tickets.models import OPEN_TICKET_SQL, Event, Referral, Tag, Ticket, ticket_tags

TicketRef = Ticket | int | str  # the ticket, its id, or its number


# The home page counts open tickets per channel up to this bound and shows "999+" beyond:
# each count then reads at most this many entries of the open-tickets index, whatever the
# size of the database (an exact count over a million tickets costs a scan of the open ones).
OPEN_COUNT_BOUND = 999


def open_ticket_clause() -> ColumnElement[bool]:
    """Open tickets, spelt as the partial indexes' predicate so that the planners use them."""
    return text(f"tickets.{OPEN_TICKET_SQL}")


def open_counts_by_channel(channel_keys: list[str],
                           bound: int = OPEN_COUNT_BOUND) -> dict[str, int]:
    """Open tickets per channel, each counted up to ``bound + 1`` (more than bound: "999+")."""
    counts: dict[str, int] = {}
    for key in channel_keys:
        open_ones = (select(Ticket.id).where(Ticket.channel_key == key, open_ticket_clause())
                     .limit(bound + 1).subquery())
        counts[key] = db.session.scalar(select(func.count()).select_from(open_ones)) or 0
    return counts


# ---------------------------------------------------------------------------------------
# The access rule


def user_team_ids(user: Any) -> list[int]:
    user_id = getattr(user, "id", None)
    if user_id is None:
        return []
    return list(db.session.scalars(
        select(team_members.c.team_id).where(team_members.c.user_id == user_id)
        .order_by(team_members.c.team_id)
    ))


def _is_staff(user: Any) -> bool:
    return (user is not None and getattr(user, "is_authenticated", False)
            and getattr(user, "is_active", False) and can(user, "tickets.view"))


def _open_referrals_to(user: Any, team_ids: list[int]) -> ColumnElement[bool]:
    """Referrals still open whose referee is ``user`` or one of their teams."""
    referee = Referral.to_user_id == user.id
    if team_ids:
        referee = or_(referee, Referral.to_team_id.in_(team_ids))
    return and_(Referral.status == "open", referee)


def _referred_ticket_ids(user: Any, team_ids: list[int]) -> list[int]:
    return list(db.session.scalars(select(Referral.ticket_id)
                                   .where(_open_referrals_to(user, team_ids))))


class _Unindexed(ColumnElement[Any]):
    """A column SQLite must read from the row, not reach through an index (``+column``).

    The access rule is an OR over the assignee, team, branch… columns. Without statistics
    SQLite answers such an OR with every term's index (MULTI-INDEX OR), collecting all the
    rows a big team may see and sorting them for ``ORDER BY id DESC LIMIT 26``. With the
    terms unindexed it walks the ids newest first (or the filter's own (column, id) index)
    and stops at the page's end. Other databases get the plain column.
    """

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: ColumnElement[Any]):
        self.column = column
        self.type = column.type


@compiles(_Unindexed)
def _compile_unindexed(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.column, **kw)


@compiles(_Unindexed, "sqlite")
def _compile_unindexed_sqlite(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + compiler.process(element.column, **kw)


def unindexed(column: Any) -> ColumnElement[Any]:
    """``column`` read from the row on SQLite (``+column``): keeps its index out of the plan."""
    return _Unindexed(column)


@dataclass(frozen=True)
class AccessTerms:
    """The rule's parts as SQL over ``tickets``: ``work`` grants change, the others view."""

    work: ColumnElement[bool]
    referee: ColumnElement[bool]
    committee: ColumnElement[bool]

    @property
    def view(self) -> ColumnElement[bool]:
        return or_(self.work, self.referee, self.committee)


def access_terms(user: Any) -> AccessTerms:
    if not _is_staff(user):
        return AccessTerms(false(), false(), false())
    if can(user, "tickets.view_all"):
        return AccessTerms(true(), false(), false())
    # Team and referral ids are read first (two tiny indexed queries) and inlined as
    # literals: every term of the OR then has an index of its own, so PostgreSQL can
    # combine them (BitmapOr) where subqueries would force a filter over every row.
    # SQLite (no statistics) would do the same, gathering every row of a big team and
    # sorting it (seconds at a million tickets), so there its columns are unindexed.
    team_ids = user_team_ids(user)
    work = [unindexed(Ticket.assignee_id) == user.id]
    if team_ids:
        work.append(unindexed(Ticket.team_id).in_(team_ids))
    if can(user, "tickets.triage"):
        work.append(unindexed(Ticket.team_id).is_(None))
    if can(user, "tickets.view_branch") and user.branch_id is not None:
        work.append(unindexed(Ticket.branch_id) == user.branch_id)
    if can(user, "volunteers.decide"):
        work.append(unindexed(Ticket.kind) == "volunteering")
    referred = _referred_ticket_ids(user, team_ids)
    referee = Ticket.id.in_(referred) if referred else false()
    committee = (unindexed(Ticket.status) == "committee" if can(user, "committee.decide")
                 else false())
    return AccessTerms(or_(*work), referee, committee)


def visible_tickets_clause(user: Any) -> ColumnElement[bool]:
    """A WHERE clause over ``tickets`` selecting exactly what ``user`` may see."""
    return access_terms(user).view


def workable_tickets_clause(user: Any) -> ColumnElement[bool]:
    """A WHERE clause over ``tickets`` selecting what ``user`` may change."""
    return access_terms(user).work


def _locate(ref: TicketRef) -> ColumnElement[bool]:
    if isinstance(ref, Ticket):
        return Ticket.id == ref.id
    if isinstance(ref, bool) or not isinstance(ref, int | str):
        raise TypeError(f"a ticket, its id or its number, not {ref!r}")
    if isinstance(ref, int):
        return Ticket.id == ref
    return Ticket.number == ref


@dataclass(frozen=True)
class TicketAccess:
    """A ticket within the user's reach, and what the rule grants them on it."""

    ticket: Ticket
    can_work: bool
    is_referee: bool
    is_committee: bool


def _flag(clause: ColumnElement[bool]):
    return case((clause, True), else_=False)


def ticket_access(user: Any, ref: TicketRef, *, refresh: bool = False) -> TicketAccess | None:
    """The ticket and the user's rights on it, or None when it is out of reach."""
    terms = access_terms(user)
    statement = (select(Ticket, _flag(terms.work), _flag(terms.referee),
                        _flag(terms.committee))
                 .where(_locate(ref), terms.view))
    if refresh:
        statement = statement.execution_options(populate_existing=True)
    row = db.session.execute(statement).first()
    if row is None:
        return None
    ticket, can_work, is_referee, is_committee = row
    return TicketAccess(ticket, bool(can_work), bool(is_referee), bool(is_committee))


def get_visible_ticket(user: Any, number: str | int) -> Ticket | None:
    """The ticket with this number (or id) if ``user`` may see it; None otherwise."""
    access = ticket_access(user, number)
    return access.ticket if access else None


def can_work_on(user: Any, ticket: Ticket) -> bool:
    access = ticket_access(user, ticket)
    return bool(access and access.can_work)


# ---------------------------------------------------------------------------------------
# Referrals, tags, timeline


def open_referral(ticket: Ticket | int) -> Referral | None:
    ticket_id = ticket.id if isinstance(ticket, Ticket) else ticket
    return db.session.scalar(select(Referral).where(Referral.ticket_id == ticket_id,
                                                    Referral.status == "open"))


def referral_chain(ticket: Ticket | int) -> list[Referral]:
    """Every referral of the ticket, oldest first (answered ones and the open one)."""
    ticket_id = ticket.id if isinstance(ticket, Ticket) else ticket
    return list(db.session.scalars(select(Referral).where(Referral.ticket_id == ticket_id)
                                   .order_by(Referral.id)))


def referred_to_clause(user: Any) -> ColumnElement[bool]:
    """Tickets with an open referral to ``user`` or their teams (the referee's queue)."""
    if not _is_staff(user):
        return false()
    referred = _referred_ticket_ids(user, user_team_ids(user))
    return Ticket.id.in_(referred) if referred else false()


def is_referee(user: Any, referral: Referral) -> bool:
    if referral.to_user_id is not None and referral.to_user_id == getattr(user, "id", None):
        return True
    return referral.to_team_id is not None and referral.to_team_id in user_team_ids(user)


# Timeline entries the system adds without changing the ticket (its version stays).
UNVERSIONED_EVENTS = ("delivery_failed", "sla_breached", "escalated")
MAX_CHANGES_TOLD = 10


def changes_since(ticket: Ticket, seen_version: Any) -> list[list[Event]] | None:
    """The changes made to ``ticket`` since someone read it at ``seen_version``, oldest
    first, each as the timeline events it wrote; None when that cannot be told (a version
    the ticket never had, or more changes than are worth listing).

    Every change bumps the version exactly once and writes its events at one moment, so
    the last (version - seen) moments of the timeline are those changes."""
    try:
        missed = ticket.version - int(str(seen_version))
    except (TypeError, ValueError):
        return None
    if missed <= 0 or missed > MAX_CHANGES_TOLD:
        return [] if missed == 0 else None
    changes: list[list[Event]] = []
    recent = db.session.scalars(
        select(Event).where(Event.ticket_id == ticket.id,
                            Event.type.not_in(UNVERSIONED_EVENTS))
        .order_by(Event.id.desc()).limit(MAX_CHANGES_TOLD * 4))
    for event in recent:
        if changes and changes[-1][0].created_at == event.created_at:
            changes[-1].insert(0, event)
        elif len(changes) == missed:
            break
        else:
            changes.append([event])
    return list(reversed(changes)) if len(changes) == missed else None


def version_to_check(ticket: Ticket, seen_version: Any, user: Any) -> Any:
    """The version a page's action is checked against: the ticket's own when everything
    done since the page was drawn was done by ``user`` (a click while their last change
    was still being saved, a region not yet redrawn), so that only someone else's change
    is a conflict; the table and the guards still judge the action on the fresh ticket."""
    user_id = getattr(user, "id", None)
    changes = changes_since(ticket, seen_version)
    if user_id is not None and changes and all(
            event.actor_id == user_id for change in changes for event in change):
        return ticket.version
    return seen_version


def ticket_tag_names(ticket: Ticket | int) -> list[str]:
    ticket_id = ticket.id if isinstance(ticket, Ticket) else ticket
    return list(db.session.scalars(
        select(Tag.name).join(ticket_tags, ticket_tags.c.tag_id == Tag.id)
        .where(ticket_tags.c.ticket_id == ticket_id).order_by(Tag.name)
    ))


def timeline(ticket: Ticket | int, *, include_internal: bool = True,
             status_actions: tuple[str, ...] = ()) -> list[Event]:
    """The ticket's events, oldest first; the person sees only public ones, and the status
    changes made by ``status_actions`` (the steps of the procedure they are told of)."""
    ticket_id = ticket.id if isinstance(ticket, Ticket) else ticket
    statement = select(Event).where(Event.ticket_id == ticket_id).order_by(Event.id)
    if not include_internal:
        shown = Event.visibility == "public"
        if status_actions:
            shown = or_(shown, and_(Event.type == "status_changed",
                                    Event.data["action"].as_string().in_(status_actions)))
        statement = statement.where(shown)
    return list(db.session.scalars(statement))
