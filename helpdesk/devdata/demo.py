"""The demo association behind ``flask helpdesk demo``: people, services, contacts, tickets.

Deterministic (one seeded ``random.Random``) relative to the moment it runs. The core writes
the association, its staff and its catalog; every channel's sample subjects and bodies come
from the channel's plugin through the ``helpdesk_demo_data`` hook. Tickets are opened with
``open_ticket`` (numbers from the yearly sequence), then given the timeline of a path through
the lifecycle table (``tickets/states.py``) that ends in their status, spread over the last
two months: the same event types and data the ticket services write, the referrals and
committee decisions, but no outbox rows (nothing is sent to the sample people).
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select, update

from helpdesk.accounts.models import Branch, Team, User, team_members
from helpdesk.accounts.roles import PERMISSIONS
from helpdesk.admin.models import Association
from helpdesk.contacts.models import Contact
from helpdesk.db_types import utcnow
from helpdesk.devdata.content import (
    ASSOCIATION,
    BRANCHES,
    DEMO_EMAIL_DOMAIN,
    DEMO_PASSWORD,
    MISSING_ITEMS,
    ORGANISATIONS,
    PROCESS_TEXTS,
    SERVICES,
    STAFF,
    TEAMS,
    VOLUNTEER_SKILLS,
    random_mobile,
    random_national_id,
    random_person_name,
)
from helpdesk.extensions import db
from helpdesk.plugin_api.types import Capability
from helpdesk.services_catalog.models import Service
from helpdesk.tickets.models import Event, Referral, Ticket
from helpdesk.tickets.states import SLA_PAUSED_STATUSES, TERMINAL_STATUSES, find_transition
from helpdesk.tickets.vocabulary import KINDS, PRIORITIES, STATUSES
from helpdesk.web.dates import RIYADH, hijri_date

log = logging.getLogger(__name__)

DEMO_SEED = 1447
DEMO_DAYS = 60

# Timeline event types, as the ticket services write them.
CREATED, MESSAGE_IN, MESSAGE_OUT, NOTE = "created", "message_in", "message_out", "note"
STATUS_CHANGED, ASSIGNED = "status_changed", "assigned"

TICKETS_PER_CHANNEL = {"interview": 40, "phone": 60, "social": 45, "letters": 25,
                       "help_requests": 55, "volunteering": 25, "website": 45,
                       "branch_visits": 30}
TICKETS_PER_OTHER_CHANNEL = 20  # a third-party channel that contributes demo data
CONTACTS_PER_KIND = {"beneficiary": 105, "supporter": 18, "volunteer": 17, "organisation": 10}

# The actions (rows of tickets/states.py) that lead from "new" to each status, by path.
_FULL = ("start", "refer", "return_referral", "send_to_committee")
PATHS: dict[str, dict[str, tuple[str, ...]]] = {
    "short": {  # inquiries, complaints, suggestions, appreciation, other
        "new": (), "awaiting_information": ("request_information",),
        "in_progress": ("start",), "referred": ("start", "refer"),
        "resolved": ("start", "resolve"), "closed": ("start", "resolve", "close"),
        "reopened": ("start", "resolve", "reopen"),
        "cancelled": ("request_information", "cancel"),
    },
    "full": {  # support requests, through the social study and the research committee
        "new": (), "awaiting_information": ("request_information",),
        "in_progress": ("start",), "referred": ("start", "refer"),
        "committee": _FULL, "approved": (*_FULL, "approve"), "rejected": (*_FULL, "reject"),
        "registration": (*_FULL, "approve", "register"),
        "service_delivered": (*_FULL, "approve", "register", "deliver"),
        "closed": (*_FULL, "approve", "register", "deliver", "close"),
        "reopened": (*_FULL, "reject", "close", "reopen"),
        "cancelled": ("request_information", "cancel"),
    },
    "volunteering": {  # applications accepted or declined by the coordinator
        "new": (), "awaiting_information": ("request_information",),
        "in_progress": ("start",), "referred": ("start", "refer"),
        "approved": ("start", "approve"), "rejected": ("start", "reject"),
        "closed": ("start", "approve", "close"),
        "reopened": ("start", "approve", "close", "reopen"),
        "cancelled": ("request_information", "cancel"),
    },
}
WEIGHTS: dict[str, dict[str, int]] = {
    "short": {"new": 8, "awaiting_information": 6, "in_progress": 14, "referred": 3,
              "resolved": 12, "closed": 45, "reopened": 2, "cancelled": 4},
    "full": {"new": 6, "awaiting_information": 10, "in_progress": 8, "referred": 7,
             "committee": 9, "approved": 7, "rejected": 6, "registration": 5,
             "service_delivered": 8, "closed": 24, "reopened": 1, "cancelled": 6},
    "volunteering": {"new": 8, "awaiting_information": 4, "in_progress": 12, "referred": 2,
                     "approved": 20, "rejected": 8, "closed": 40, "reopened": 1,
                     "cancelled": 5},
}
# How long ago (days) a ticket in each status was typically opened.
STATUS_AGE_DAYS = {
    "new": (0, 3), "awaiting_information": (2, 20), "in_progress": (1, 15),
    "referred": (4, 25), "committee": (8, 30), "approved": (12, 40), "rejected": (12, 50),
    "registration": (15, 45), "service_delivered": (20, 55), "resolved": (3, 40),
    "closed": (8, DEMO_DAYS), "reopened": (6, 45), "cancelled": (10, DEMO_DAYS),
}
# Hours between one step of a timeline and the previous one (scaled down to fit the age).
ACTION_GAP_HOURS = {
    "start": (0.5, 24), "request_information": (1, 24), "information_received": (12, 96),
    "refer": (2, 48), "return_referral": (48, 200), "send_to_committee": (2, 48),
    "approve": (24, 200), "reject": (24, 200), "register": (24, 120),
    "deliver": (24, 240), "resolve": (1, 72), "close": (24, 120), "reopen": (24, 120),
    "cancel": (120, 400),
}
PRIORITY_WEIGHTS = {"low": 8, "normal": 80, "high": 10, "urgent": 2}
BRANCH_WEIGHTS = {"riyadh": 55, "kharj": 20, "dawadmi": 15, "majmaah": 10}
TRACKED = ("status", "assignee_id", "team_id", "priority", "resolution_due_at",
           "decision_due_on", "closed_at")


def path_group(kind: str) -> str:
    if kind == "support_request":
        return "full"
    return "volunteering" if kind == "volunteering" else "short"


def path_statuses(kind: str, actions: tuple[str, ...]) -> list[str]:
    """The statuses a ticket of ``kind`` passes through; InvalidTransition if the lifecycle
    table no longer allows the path."""
    status, statuses = "new", []
    for action in actions:
        status = find_transition(kind, status, action).to_status
        statuses.append(status)
    return statuses


def team_key_for(kind: str) -> str:
    """The team that owns a ticket: relations receives everything but volunteering offers
    (the research officers and the committee are asked through referrals and the agenda)."""
    return "volunteering" if kind == "volunteering" else "relations"


# --- the organisation (also the minimal base of the bulk seed) -----------------------------

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
    from helpdesk.accounts.services import create_user

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
    return load_organisation()


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


# --- channel samples from the plugins ------------------------------------------------------

def channel_samples(seed: int) -> dict[str, list[dict[str, Any]]]:
    """Each registered channel's demo samples, from its plugin's helpdesk_demo_data hook.

    A sample is a dict with ``subject``, ``body`` and ``kind``, and optionally ``reply`` (the
    staff answer), ``followup`` (the contact's next message), ``service`` (a service key),
    ``priority``, ``contact_kind`` and ``channel_data``. Each channel gets its own seeded
    generator so that one plugin's use of it never changes another's samples.
    """
    from helpdesk.channels.registry import plugin_registry, registered_channels

    hook = plugin_registry().manager.hook.helpdesk_demo_data
    samples: dict[str, list[dict[str, Any]]] = {}
    for key, channel in registered_channels().items():
        results = hook(channel_key=key, rng=random.Random(f"{seed}:{key}"))
        usable = []
        for sample in (s for result in results for s in (result or [])):
            if sample.get("kind") in KINDS and sample["kind"] in channel.meta.kinds \
                    and sample.get("subject") and sample.get("body"):
                usable.append(sample)
            else:
                log.warning("demo sample of channel %s ignored: %r", key, sample)
        samples[key] = usable
    return samples


def is_staff_intake(channel: Any) -> bool:
    """Recorded by staff (an actor, office hours) rather than sent by the contact."""
    capabilities = channel.meta.capabilities
    return Capability.PUBLIC_INTAKE not in capabilities \
        and Capability.INBOUND_WEBHOOK not in capabilities


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# --- contacts -------------------------------------------------------------------------------

def create_demo_contacts(rng: random.Random, org: Organisation, now: datetime
                         ) -> dict[str, list[Contact]]:
    used: set[str] = set(db.session.scalars(
        select(Contact.national_id).where(Contact.national_id.is_not(None))))
    branch_weights = {code: BRANCH_WEIGHTS.get(code, 10) for code in org.branches}
    contacts: dict[str, list[Contact]] = {kind: [] for kind in CONTACTS_PER_KIND}

    def unique(make: Callable[[], str]) -> str:
        value = make()
        while value in used:
            value = make()
        used.add(value)
        return value

    for kind, count in CONTACTS_PER_KIND.items():
        for n in range(count):
            resident = kind == "beneficiary" and rng.random() < 0.2
            branch = org.branches[weighted(rng, branch_weights)] if branch_weights else None
            national_id = None
            if kind != "organisation" and (kind != "supporter" or rng.random() < 0.6):
                national_id = unique(lambda r=resident: random_national_id(rng, r))
            data: dict[str, Any] = {}
            email = None
            if kind == "organisation":
                name = ORGANISATIONS[n % len(ORGANISATIONS)]
                email = f"info{n + 1}@example.org"
                data["contact_person"] = random_person_name(rng)
            else:
                female = rng.random() < (0.6 if kind == "beneficiary" else 0.4)
                name = random_person_name(rng, female=female, resident=resident)
            if kind == "beneficiary":
                data.update(family_size=rng.randint(2, 11),
                            monthly_income=rng.randrange(1500, 9001, 250),
                            file_number=f"B-{1000 + n}")
            elif kind == "supporter":
                email = f"donor{n + 1}@example.com"
                data["preferred_contact"] = rng.choice(("whatsapp", "email", "phone"))
            elif kind == "volunteer":
                data["skills"] = rng.sample(VOLUNTEER_SKILLS, 2)
            contact = Contact(
                kind=kind, name=name, national_id=national_id,
                phone=unique(lambda: random_mobile(rng)), email=email,
                city=branch.city if branch else None, branch_id=branch.id if branch else None,
                data=data, created_at=now - timedelta(days=rng.randint(DEMO_DAYS, 900),
                                                      minutes=rng.randrange(1440)),
            )
            db.session.add(contact)
            contacts[kind].append(contact)
    db.session.commit()
    return contacts


# --- tickets and their timelines -----------------------------------------------------------

@dataclass
class TicketPlan:
    channel_key: str
    sample: dict[str, Any]
    status: str = "new"
    actions: tuple[str, ...] = ()
    opened_at: datetime | None = None

    @property
    def kind(self) -> str:
        return self.sample["kind"]

    @property
    def group(self) -> str:
        return path_group(self.kind)


def plan_tickets(rng: random.Random, samples: dict[str, list[dict[str, Any]]]
                 ) -> list[TicketPlan]:
    plans = []
    for key, channel_samples_ in samples.items():
        if not channel_samples_:
            continue
        for _ in range(TICKETS_PER_CHANNEL.get(key, TICKETS_PER_OTHER_CHANNEL)):
            plan = TicketPlan(key, rng.choice(channel_samples_))
            plan.status = weighted(rng, WEIGHTS[plan.group])
            plans.append(plan)
    _cover_every_status(rng, plans)
    for plan in plans:
        actions = PATHS[plan.group][plan.status]
        # Some people are asked for documents before the work starts.
        if actions[:1] == ("start",) and rng.random() < 0.35:
            actions = ("request_information", "information_received", *actions[1:])
        plan.actions = actions
    return plans


def _cover_every_status(rng: random.Random, plans: list[TicketPlan]) -> None:
    """Move a few tickets so that every status of the vocabulary appears at least twice."""
    counts = Counter(plan.status for plan in plans)
    for status in STATUSES:
        while counts[status] < 2:
            candidates = [p for p in plans if status in PATHS[p.group] and counts[p.status] > 3]
            if not candidates:
                break
            plan = rng.choice(candidates)
            counts[plan.status] -= 1
            plan.status = status
            counts[status] += 1


def intake_time(rng: random.Random, now: datetime, age_days: float, office_hours: bool
                ) -> datetime:
    """A plausible moment ``age_days`` ago: office hours Sunday–Thursday for staff-recorded
    contacts, 7:00–24:00 any day for the rest (Riyadh time), never in the future and never
    before the first of January (numbers belong to the year they are given in)."""
    year_start = datetime(now.year, 1, 1, tzinfo=UTC)
    day = (now - timedelta(days=age_days)).astimezone(RIYADH).date()
    start_hour, end_hour = (8, 15) if office_hours else (7, 24)
    for _ in range(14):
        if office_hours and day.weekday() in (4, 5):  # Friday and Saturday
            day -= timedelta(days=1)
            continue
        moment = datetime.combine(day, time(start_hour), RIYADH) + timedelta(
            seconds=rng.randrange((end_hour - start_hour) * 3600))
        moment = moment.astimezone(UTC)
        if year_start <= moment < now:
            return moment
        day -= timedelta(days=1)
    return year_start + (now - year_start) * rng.random()


class Lazy:
    """A field value known only once its step is placed in time (a closing time, a due
    date); computed at the first moment it is asked for, then fixed."""

    def __init__(self, compute: Callable[[datetime], Any]):
        self.compute = compute
        self.value: Any = None
        self.known = False

    def at(self, moment: datetime) -> Any:
        if not self.known:
            self.value, self.known = self.compute(moment), True
        return self.value


def _resolve(value: Any, moment: datetime) -> Any:
    value = value.at(moment) if isinstance(value, Lazy) else value
    return value.isoformat() if isinstance(value, date | datetime) else value


Text = str | Callable[[datetime], str] | None
Data = dict[str, Any] | Callable[[datetime], dict[str, Any]]


@dataclass
class _Step:
    gap: float
    type: str
    actor: StaffMember | None
    body: Text
    visibility: str
    data: Data
    after: Callable[[Event, datetime], None] | None = None


class Timeline:
    """The events after a ticket's creation, laid out in the time the ticket has had."""

    def __init__(self, rng: random.Random, ticket: Ticket, opened_at: datetime,
                 now: datetime):
        self.rng = rng
        self.ticket = ticket
        self.opened_at = opened_at
        self.now = now
        self.steps: list[_Step] = []

    def add(self, type_: str, *, actor: StaffMember | None, gap: tuple[float, float],
            body: Text = None, visibility: str = "internal", data: Data | None = None,
            after: Callable[[Event, datetime], None] | None = None) -> None:
        self.steps.append(_Step(self.rng.uniform(*gap), type_, actor, body, visibility,
                                data if data is not None else {}, after))

    def write(self) -> list[datetime]:
        """Add the events with increasing times (fitted into 90% of the ticket's age)."""
        total = sum(step.gap for step in self.steps)
        available = (self.now - self.opened_at).total_seconds() / 3600 * 0.9
        scale = min(1.0, available / total) if total else 1.0
        moment, times, pending = self.opened_at, [], []
        for step in self.steps:
            moment = moment + timedelta(hours=step.gap * scale, seconds=1)
            event = Event(ticket_id=self.ticket.id, type=step.type, visibility=step.visibility,
                          actor_id=step.actor.id if step.actor else None,
                          body=step.body(moment) if callable(step.body) else step.body,
                          data=step.data(moment) if callable(step.data) else step.data,
                          created_at=moment)
            db.session.add(event)
            times.append(moment)
            if step.after is not None:
                pending.append((step.after, event, moment))
        if pending:
            db.session.flush()  # the rows that point at their event need its id
            for after, event, moment in pending:
                after(event, moment)
        return times


def _pick(rng: random.Random, *pools: list[StaffMember]) -> StaffMember | None:
    for pool in pools:
        if pool:
            return rng.choice(pool)
    return None


def build_timeline(rng: random.Random, plan: TicketPlan, ticket: Ticket, org: Organisation,
                   now: datetime, service: ServiceInfo | None) -> None:
    """Give an opened ticket the events, rows and fields of its path through the lifecycle."""
    from helpdesk.committee.models import CommitteeDecision

    sample, kind, number = plan.sample, plan.kind, ticket.number
    timeline = Timeline(rng, ticket, plan.opened_at or now, now)
    team_key = team_key_for(kind)
    owner = _pick(rng, org.workers(team_key))
    assigner = _pick(rng, [u for u in org.with_permission("tickets.assign")
                           if u.role == "manager"], [owner] if owner else [])
    deciders = org.with_permission("volunteers.decide" if plan.group == "volunteering"
                                   else "committee.decide")
    decider = _pick(rng, [u for u in deciders if u.role in ("committee_member",
                                                            "volunteer_coordinator")], deciders)
    answerers = [u for u in org.with_permission("tickets.answer_referral")
                 if owner is None or u.id != owner.id]
    referee = _pick(rng, [u for u in answerers if u.role == (
        "research_officer" if plan.group == "full" else "manager")], answerers)
    state: dict[str, Any] = {"status": "new", "assignee_id": None,
                             "team_id": org.teams.get(team_key), "priority": ticket.priority,
                             "resolution_due_at": None, "decision_due_on": None,
                             "closed_at": None}
    referral: dict[str, Referral] = {}

    def change(values: dict[str, Any], extra: dict[str, Any] | None = None
               ) -> Callable[[datetime], dict[str, Any]]:
        """Apply ``values``; the event data records what changed, as TicketChange does."""
        before = {name: state[name] for name in TRACKED}
        state.update(values)
        after = {name: state[name] for name in TRACKED}

        def data(moment: datetime) -> dict[str, Any]:
            old = {n: _resolve(v, moment) for n, v in before.items()}
            new = {n: _resolve(v, moment) for n, v in after.items()}
            changed = [n for n in TRACKED if old[n] != new[n]]
            return {**(extra or {}), "before": {n: old[n] for n in changed},
                    "after": {n: new[n] for n in changed}}

        return data

    def transition(action: str, actor: StaffMember | None, *, body: Text = None,
                   extra: dict[str, Any] | None = None, values: dict[str, Any] | None = None,
                   gap: tuple[float, float] | None = None,
                   after: Callable[[Event, datetime], None] | None = None) -> None:
        row = find_transition(kind, state["status"], action)
        if actor is not None and not actor.can(row.permission):
            log.warning("demo: %s (%s) may not %s", actor.name, actor.role, action)
        values = dict(values or {}, status=row.to_status)
        if row.to_status in TERMINAL_STATUSES:
            values["closed_at"] = Lazy(lambda moment: moment)
        elif state["status"] in TERMINAL_STATUSES:
            values["closed_at"] = None
        payload = {"action": action, "from": state["status"], "to": row.to_status,
                   **(extra or {})}
        timeline.add(STATUS_CHANGED, actor=actor, body=body, data=change(values, payload),
                     after=after, gap=gap or ACTION_GAP_HOURS[action])

    def tell(purpose: str, body: Text, actor: StaffMember | None) -> None:
        timeline.add(MESSAGE_OUT, actor=actor, body=body, visibility="public",
                     data={"purpose": purpose}, gap=(0, 0.05))

    def hear(body: str, gap: tuple[float, float]) -> None:
        timeline.add(MESSAGE_IN, actor=None, body=body, visibility="public",
                     data={"channel": plan.channel_key, "direction": "in"}, gap=gap)

    if plan.actions and owner is not None:
        assigned = change({"assignee_id": owner.id})
        names = {"before": None, "after": owner.name}
        timeline.add(ASSIGNED, actor=assigner, gap=(0.2, 6),
                     data=lambda moment: {**assigned(moment), "names": names})
    for action in plan.actions:
        if action == "start":
            transition(action, owner)
            if plan.status == "in_progress":
                timeline.add(NOTE, actor=owner, body=PROCESS_TEXTS["working"], gap=(1, 48))
        elif action == "request_information":
            items = list((service.documents if service else ()) or MISSING_ITEMS)[:3]
            transition(action, owner, extra={"missing": items})
            tell("missing_information", "\n".join(
                [PROCESS_TEXTS["missing_information"].format(number=number),
                 *(f"• {item}" for item in items)]), owner)
        elif action == "information_received":
            hear(sample.get("followup") or PROCESS_TEXTS["information_received"], (12, 96))
            transition(action, owner, gap=(0.5, 8))
        elif action == "refer" and referee is not None and owner is not None:
            question = PROCESS_TEXTS["referral_study" if plan.group == "full"
                                     else "referral_opinion"]

            def open_referral(event: Event, moment: datetime, question: str = question,
                              to: StaffMember = referee, by: StaffMember = owner) -> None:
                referral["row"] = Referral(ticket_id=ticket.id, referred_by_id=by.id,
                                           to_user_id=to.id, question=question, status="open",
                                           created_at=moment)
                db.session.add(referral["row"])

            transition(action, owner, body=question, after=open_referral, extra={
                "referral": {"to_user_id": referee.id, "to_user_name": referee.name,
                             "to_team_id": None, "to_team_key": None}})
        elif action == "return_referral" and referee is not None:
            answer = PROCESS_TEXTS["referral_answer" if plan.group == "full"
                                   else "opinion_answer"]

            def answer_referral(event: Event, moment: datetime, answer: str = answer,
                                by: StaffMember = referee) -> None:
                row = referral["row"]
                row.status, row.answer = "answered", answer
                row.answered_by_id, row.answered_at = by.id, moment
                db.session.flush()
                event.data = {**event.data, "referral_id": row.id, "question": row.question}

            transition(action, referee, body=answer, after=answer_referral)
        elif action == "send_to_committee":
            window = service.decision_window_days if service else 14
            due = Lazy(lambda moment, window=window:
                       moment.astimezone(RIYADH).date() + timedelta(days=window))
            transition(action, owner, body=PROCESS_TEXTS["to_committee"],
                       values={"decision_due_on": due, "resolution_due_at": None})
            tell("status_update", lambda moment, due=due: PROCESS_TEXTS["status_update"].format(
                number=number, date=hijri_date(due.at(moment))), owner)
        elif action in ("approve", "reject"):
            prefix = "volunteer_" if plan.group == "volunteering" else ""
            outcome = prefix + {"approve": "approved", "reject": "rejected"}[action]
            reason = PROCESS_TEXTS[outcome]
            record = None
            if plan.group == "full":
                def record(event: Event, moment: datetime, action: str = action,
                           reason: str = reason, by: StaffMember | None = decider,
                           due: Any = state["decision_due_on"]) -> None:
                    db.session.add(CommitteeDecision(
                        ticket_id=ticket.id, decision=action, reason=reason,
                        decided_by_id=by.id if by else None, decided_at=moment,
                        due_on_before=due.value if isinstance(due, Lazy) else due,
                        event_id=event.id))

            transition(action, decider, body=reason, after=record,
                       extra={"sitting_id": None} if plan.group == "full" else None)
            tell("decision", PROCESS_TEXTS[f"{outcome}_message"].format(number=number), decider)
        elif action == "register":
            transition(action, owner, body=PROCESS_TEXTS["registration"])
        elif action == "deliver":
            transition(action, owner, body=PROCESS_TEXTS["delivered"])
        elif action == "resolve":
            timeline.add(MESSAGE_OUT, actor=owner, visibility="public", data={"purpose": "reply"},
                         body=sample.get("reply") or PROCESS_TEXTS["resolved_message"],
                         gap=ACTION_GAP_HOURS[action])
            transition(action, owner, gap=(0, 0.1))
        elif action == "close":
            code, note = {"approved": ("answered", "volunteer_note"),
                          "rejected": ("not_eligible", "not_eligible_note"),
                          "service_delivered": ("service_provided", "delivered_note")
                          }.get(state["status"], ("answered", "resolution_note"))
            transition(action, owner, body=PROCESS_TEXTS[note], extra={"resolution_code": code})
            tell("closing", PROCESS_TEXTS["closing_message"].format(number=number), owner)
            tell("rating_invitation", PROCESS_TEXTS["rating_invitation"].format(number=number),
                 owner)
        elif action == "reopen":
            hear(PROCESS_TEXTS["reopened_message"], ACTION_GAP_HOURS[action])
            transition(action, owner, body=PROCESS_TEXTS["reopen_reason"], gap=(0.5, 8))
        elif action == "cancel":
            transition(action, owner, body=PROCESS_TEXTS["cancelled"],
                       extra={"reason_code": "other", "duplicate_of": None})
    times = timeline.write()

    final = {name: value.value if isinstance(value, Lazy) else value
             for name, value in state.items()}
    ticket.status = final["status"]
    ticket.team_id = final["team_id"]
    ticket.assignee_id = final["assignee_id"]
    ticket.decision_due_on = final["decision_due_on"]
    ticket.closed_at = final["closed_at"]
    ticket.created_at = plan.opened_at or ticket.created_at
    ticket.updated_at = times[-1] if times else ticket.created_at
    if ticket.status in SLA_PAUSED_STATUSES:
        ticket.resolution_due_at = None


def create_demo_tickets(rng: random.Random, org: Organisation,
                        contacts: dict[str, list[Contact]], now: datetime, seed: int) -> None:
    from helpdesk.channels.registry import registered_channels
    from helpdesk.tickets.services import open_ticket

    channels = registered_channels()
    plans = plan_tickets(rng, channel_samples(seed))
    for plan in plans:
        path_statuses(plan.kind, plan.actions)  # fail early if the lifecycle table changed
        low, high = STATUS_AGE_DAYS[plan.status]
        plan.opened_at = intake_time(rng, now, rng.uniform(low, high),
                                     is_staff_intake(channels[plan.channel_key]))
    plans.sort(key=lambda p: p.opened_at)  # numbers follow time, as in real life

    riyadh = org.branches.get("riyadh")
    away = [c for c in contacts.get("beneficiary", [])
            if riyadh is None or c.branch_id != riyadh.id]
    recorders = {"branch_visits": [u for u in org.users if u.role == "branch_rep"]}
    default_recorders = org.with_permission("tickets.create")
    for plan in plans:
        sample = plan.sample
        pool = contacts.get(sample.get("contact_kind", "beneficiary")) or \
            contacts.get("beneficiary") or []
        if plan.channel_key == "branch_visits" and away:
            pool = away
        contact = rng.choice(pool) if pool else None
        service = org.services.get(sample.get("service") or "")
        priority = sample.get("priority") if sample.get("priority") in PRIORITIES \
            else weighted(rng, PRIORITY_WEIGHTS)
        recorder = None
        if is_staff_intake(channels[plan.channel_key]):
            recorder = _pick(rng, recorders.get(plan.channel_key, []),
                             [u for u in default_recorders if u.role == "agent"],
                             default_recorders)
        ticket = open_ticket(
            channel_key=plan.channel_key, kind=plan.kind, subject=sample["subject"],
            body=sample["body"], contact=contact, priority=priority,
            service_id=service.id if service else None, team_id=org.teams.get(
                team_key_for(plan.kind)),
            channel_data=dict(sample.get("channel_data") or {}), actor=recorder,
        )
        db.session.execute(update(Event).where(Event.ticket_id == ticket.id,
                                               Event.type == CREATED)
                           .values(created_at=plan.opened_at))
        build_timeline(rng, plan, ticket, org, now, service)
    db.session.commit()  # the last timeline (the others went with the next open_ticket)


@dataclass
class DemoSummary:
    users: int = 0
    contacts: int = 0
    tickets: int = 0
    events: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)


def load_demo(*, seed: int = DEMO_SEED, now: datetime | None = None) -> DemoSummary:
    """Load the whole demo association into an empty database."""
    from helpdesk.devdata.volunteering import create_demo_needs

    rng = random.Random(seed)
    now = now or utcnow()
    org = ensure_organisation()
    contacts = create_demo_contacts(rng, org, now)
    create_demo_tickets(rng, org, contacts, now, seed)
    create_demo_needs(org.branches, now)
    return summarise()


def summarise() -> DemoSummary:
    def count(model: Any) -> int:
        return db.session.scalar(select(func.count()).select_from(model))

    return DemoSummary(
        users=count(User), contacts=count(Contact), tickets=count(Ticket), events=count(Event),
        by_channel=dict(db.session.execute(
            select(Ticket.channel_key, func.count()).group_by(Ticket.channel_key)
            .order_by(Ticket.channel_key)).all()),
        by_status=dict(db.session.execute(
            select(Ticket.status, func.count()).group_by(Ticket.status)
            .order_by(Ticket.status)).all()),
    )


def demo_logins() -> list[tuple[str, str, str]]:
    """(email, role, password) of the demo staff, for the README and the CLI summary."""
    return [(f"{local}@{DEMO_EMAIL_DOMAIN}", role, DEMO_PASSWORD)
            for local, _name, role, _teams, _branch in STAFF]


@click.command("demo")
@click.option("--if-empty", is_flag=True,
              help="Do nothing when the database already has users (for `make run`).")
@with_appcontext
def demo_command(if_empty: bool) -> None:
    """Load the demo association: staff for every role, services, contacts and tickets."""
    if database_has_users():
        if if_empty:
            click.echo("demo: the database already has users; nothing loaded")
            return
        raise click.ClickException("the database already has users; the demo loads into an "
                                   "empty database (--if-empty skips it quietly)")
    summary = load_demo()
    click.echo(f"demo association loaded: {summary.users} users, {summary.contacts} contacts, "
               f"{summary.tickets} tickets, {summary.events} timeline events")
    click.echo("tickets by channel: " + ", ".join(f"{k} {v}" for k, v in
                                                  summary.by_channel.items()))
    click.echo("tickets by status: " + ", ".join(f"{k} {v}" for k, v in
                                                 summary.by_status.items()))
    click.echo(f"sign in with any of these, password {DEMO_PASSWORD!r}:")
    for email, role, _password in demo_logins():
        click.echo(f"  {email:<40} {role}")
