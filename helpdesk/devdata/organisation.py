"""The demo association's people and catalog, as rows and as plain values (the seed's base too)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from helpdesk.accounts.models import Branch, Team, User, team_members
from helpdesk.accounts.roles import PERMISSIONS
from helpdesk.accounts.services import create_user
from helpdesk.admin.models import Association
from helpdesk.calendar.services import generate_year, generated_years
from helpdesk.db_types import utcnow
from helpdesk.devdata.content import (
    ASSOCIATION,
    BRANCHES,
    DEMO_EMAIL_DOMAIN,
    DEMO_PASSWORD,
    SERVICES,
    STAFF,
    TEAMS,
)
from helpdesk.extensions import db
from helpdesk.i18n.dates import to_riyadh
from helpdesk.services_catalog.models import Service


@dataclass(frozen=True)
class StaffMember:
    id: int
    name: str
    role: str
    branch_id: int | None
    teams: tuple[str, ...]

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())


@dataclass(frozen=True)
class BranchInfo:
    id: int
    code: str
    city: str | None


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    key: str
    team_key: str | None
    decision_window_days: int
    documents: tuple[str, ...]  # Arabic labels of the required documents


@dataclass
class Organisation:
    """The association's people and catalog as plain values: loaders commit often, and ORM
    objects would be reloaded after every commit."""

    branches: dict[str, BranchInfo]
    teams: dict[str, int]  # key → team id
    services: dict[str, ServiceInfo]
    users: list[StaffMember]

    def members(self, team_key: str) -> list[StaffMember]:
        return [user for user in self.users if team_key in user.teams]

    def with_permission(self, permission: str) -> list[StaffMember]:
        return [user for user in self.users if user.can(permission)]

    def workers(self, team_key: str) -> list[StaffMember]:
        """Who may own the team's tickets: its members who work tickets, else anyone who does."""
        return [u for u in self.members(team_key) if u.can("tickets.work")] or \
            self.with_permission("tickets.work")


def database_has_users() -> bool:
    return db.session.scalar(select(func.count()).select_from(User)) > 0


def ensure_organisation() -> Organisation:
    """Create whatever part of the association is missing (each part only if its table is
    empty) and return the whole of it. Staff get ``<name>@demo.sila.sa`` and one password."""
    if db.session.scalar(select(func.count()).select_from(Association)) == 0:
        db.session.add(Association(**ASSOCIATION))
    if db.session.scalar(select(func.count()).select_from(Branch)) == 0:
        for code, name_ar, name_en, city in BRANCHES:
            db.session.add(Branch(code=code, name_ar=name_ar, name_en=name_en, city=city))
    if db.session.scalar(select(func.count()).select_from(Team)) == 0:
        for key, name_ar, name_en in TEAMS:
            db.session.add(Team(key=key, name_ar=name_ar, name_en=name_en))
    db.session.flush()
    team_ids = {t.key: t.id for t in db.session.scalars(select(Team))}
    branch_ids = {b.code: b.id for b in db.session.scalars(select(Branch))}
    if db.session.scalar(select(func.count()).select_from(Service)) == 0:
        for spec in SERVICES:
            values = {k: v for k, v in spec.items() if k != "team"}
            db.session.add(Service(**values, team_id=team_ids.get(spec["team"]), active=True))
    db.session.commit()

    if not database_has_users():
        for local, name, role, team_keys, branch_code in STAFF:
            user = create_user(email=f"{local}@{DEMO_EMAIL_DOMAIN}", name=name, role=role,
                               password=DEMO_PASSWORD, locale="ar")
            user.branch_id = branch_ids.get(branch_code or "")
            for key in team_keys:
                if key in team_ids:
                    db.session.execute(team_members.insert().values(team_id=team_ids[key],
                                                                    user_id=user.id))
        db.session.commit()
    ensure_working_calendar()
    return load_organisation()


def ensure_working_calendar() -> None:
    """This year's and next year's holidays generated, as the admin would on the calendar
    page, so the demo's calendar shows a stored, editable list."""
    admin = db.session.scalar(select(User).where(User.role == "admin").order_by(User.id))
    this_year = to_riyadh(utcnow()).year
    for year in sorted({this_year, this_year + 1} - generated_years()):
        generate_year({"year": str(year)}, admin)


def load_organisation() -> Organisation:
    teams = {team.id: team.key for team in db.session.scalars(select(Team))}
    memberships: dict[int, list[str]] = {}
    for team_id, user_id in db.session.execute(select(team_members.c.team_id,
                                                      team_members.c.user_id)):
        memberships.setdefault(user_id, []).append(teams[team_id])
    services = {}
    for s in db.session.scalars(select(Service).order_by(Service.id)):
        documents = tuple(str(d.get("label_ar")) for d in (s.documents or [])
                          if isinstance(d, dict) and d.get("label_ar") and d.get("required"))
        services[s.key] = ServiceInfo(s.id, s.key, teams.get(s.team_id or 0),
                                      s.decision_window_days, documents)
    return Organisation(
        branches={b.code: BranchInfo(b.id, b.code, b.city)
                  for b in db.session.scalars(select(Branch).order_by(Branch.id))},
        teams={key: team_id for team_id, key in sorted(teams.items())},
        services=services,
        users=[StaffMember(u.id, u.name, u.role, u.branch_id,
                           tuple(sorted(memberships.get(u.id, ()))))
               for u in db.session.scalars(select(User).where(User.active.is_(True))
                                           .order_by(User.id))],
    )
