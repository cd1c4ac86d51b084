"""The demo association behind ``flask helpdesk demo``: people, services, contacts, tickets.

Deterministic (one seeded ``random.Random``) relative to the moment it runs. The association,
its staff and catalog come from organisation.py; every channel's sample subjects and bodies
from the channel's plugin through the ``helpdesk_demo_data`` hook. Each ticket is opened with
``open_ticket`` and taken along a path through the lifecycle table (paths.py) by the real use
cases (story.py), called at moments spread over the last two months by a simulated clock
(helpdesk.clock): the timeline, referrals, committee decisions, ratings and volunteer
profiles are the ones the product writes. The people are fictional, so the messages the use
cases queue for them are dropped once the story is told: nothing is ever sent.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import delete, func, select

from helpdesk.accounts.models import User
from helpdesk.channels.registry import plugin_registry, registered_channels
from helpdesk.clock import SimulatedClock, simulated_time
from helpdesk.contacts.models import Contact
from helpdesk.db_types import utcnow
from helpdesk.devdata.content import (
    DEMO_EMAIL_DOMAIN,
    DEMO_PASSWORD,
    ORGANISATIONS,
    STAFF,
    VOLUNTEER_SKILLS,
    random_mobile,
    random_national_id,
    random_person_name,
)
from helpdesk.devdata.organisation import (
    Organisation,
    database_has_users,
    ensure_organisation,
)
from helpdesk.devdata.paths import PATHS, WEIGHTS, TicketPlan, path_statuses, team_key_for
from helpdesk.devdata.routing import create_demo_routing
from helpdesk.devdata.story import cast_for, pick, play, ticket_story
from helpdesk.devdata.volunteering import create_demo_needs
from helpdesk.extensions import db
from helpdesk.i18n.dates import RIYADH
from helpdesk.plugin_api.types import Capability
from helpdesk.tickets.models import Event, Ticket
from helpdesk.tickets.outbox_models import OutboxMessage
from helpdesk.tickets.services import open_ticket
from helpdesk.tickets.vocabulary import KINDS, PRIORITIES, STATUSES

log = logging.getLogger(__name__)

DEMO_SEED = 1447
DEMO_DAYS = 60

TICKETS_PER_CHANNEL = {"interview": 40, "phone": 60, "social": 45, "letters": 25,
                       "help_requests": 55, "volunteering": 25, "website": 45,
                       "branch_visits": 30}
TICKETS_PER_OTHER_CHANNEL = 20  # a third-party channel that contributes demo data
CONTACTS_PER_KIND = {"beneficiary": 105, "supporter": 18, "volunteer": 17, "organisation": 10}

# How long ago (days) a ticket in each status was typically opened.
STATUS_AGE_DAYS = {
    "new": (0, 3), "awaiting_information": (2, 20), "in_progress": (1, 15),
    "referred": (4, 25), "committee": (8, 30), "approved": (12, 40), "rejected": (12, 50),
    "registration": (15, 45), "service_delivered": (20, 55), "resolved": (3, 40),
    "closed": (8, DEMO_DAYS), "reopened": (6, 45), "cancelled": (10, DEMO_DAYS),
}
PRIORITY_WEIGHTS = {"low": 8, "normal": 80, "high": 10, "urgent": 2}
BRANCH_WEIGHTS = {"riyadh": 55, "kharj": 20, "dawadmi": 15, "majmaah": 10}


# --- channel samples from the plugins ------------------------------------------------------

def channel_samples(seed: int) -> dict[str, list[dict[str, Any]]]:
    """Each registered channel's demo samples, from its plugin's helpdesk_demo_data hook.

    A sample is a dict with ``subject``, ``body`` and ``kind``, and optionally ``reply`` (the
    staff answer), ``followup`` (the contact's next message), ``service`` (a service key),
    ``priority``, ``contact_kind`` and ``channel_data``. Each channel gets its own seeded
    generator so that one plugin's use of it never changes another's samples.
    """
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


def _recorders(org: Organisation) -> dict[str, list[Any]]:
    return {"branch_visits": [u for u in org.users if u.role == "branch_rep"]}


def create_demo_tickets(rng: random.Random, clock: SimulatedClock, org: Organisation,
                        contacts: dict[str, list[Contact]], now: datetime, seed: int) -> None:
    """Open every planned ticket at its moment and play its story through the use cases."""
    channels = registered_channels()
    plans = plan_tickets(rng, channel_samples(seed))
    for plan in plans:
        path_statuses(plan.kind, plan.actions)  # fail early if the lifecycle table changed
        low, high = STATUS_AGE_DAYS[plan.status]
        plan.opened_at = intake_time(rng, now, rng.uniform(low, high),
                                     is_staff_intake(channels[plan.channel_key]))
    plans.sort(key=lambda p: p.opened_at)  # numbers follow time, as in real life

    riyadh = org.branches.get("riyadh")
    away = [c.id for c in contacts.get("beneficiary", [])
            if riyadh is None or c.branch_id != riyadh.id]
    pools = {kind: [c.id for c in members] for kind, members in contacts.items()}
    recorders = _recorders(org)
    default_recorders = org.with_permission("tickets.create")
    for plan in plans:
        sample = plan.sample
        pool = pools.get(sample.get("contact_kind", "beneficiary")) or \
            pools.get("beneficiary") or []
        if plan.channel_key == "branch_visits" and away:
            pool = away
        contact = db.session.get(Contact, rng.choice(pool)) if pool else None
        service = org.services.get(sample.get("service") or "")
        priority = sample.get("priority") if sample.get("priority") in PRIORITIES \
            else weighted(rng, PRIORITY_WEIGHTS)
        recorder = None
        if is_staff_intake(channels[plan.channel_key]):
            member = pick(rng, recorders.get(plan.channel_key, []),
                          [u for u in default_recorders if u.role == "agent"],
                          default_recorders)
            recorder = db.session.get(User, member.id) if member else None
        clock.set(plan.opened_at)
        ticket = open_ticket(
            channel_key=plan.channel_key, kind=plan.kind, subject=sample["subject"],
            body=sample["body"], contact=contact, priority=priority,
            service_id=service.id if service else None,
            team_id=org.teams.get(team_key_for(plan.kind)),
            channel_data=dict(sample.get("channel_data") or {}), actor=recorder,
        )
        cast = cast_for(rng, plan, org)
        play(rng, clock, ticket_story(rng, plan, ticket, cast, service), plan.opened_at, now)


def drop_queued_messages() -> None:
    """The sample people are fictional: what the use cases queued for them is never sent."""
    db.session.execute(delete(OutboxMessage))
    db.session.commit()


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
    rng = random.Random(seed)
    now = now or utcnow()
    org = ensure_organisation()
    contacts = create_demo_contacts(rng, org, now)
    with simulated_time(now) as clock:
        create_demo_tickets(rng, clock, org, contacts, now, seed)
        clock.set(now)
        create_demo_needs(org, now)
    # After the story, so that it reads as it did; new tickets are then routed.
    create_demo_routing()
    drop_queued_messages()
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
