"""One demo ticket's story, told by the real use cases at simulated moments."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from helpdesk.accounts.models import User
from helpdesk.clock import SimulatedClock
from helpdesk.committee.services import decide
from helpdesk.devdata.content import MISSING_ITEMS, PROCESS_TEXTS, RATING_COMMENTS
from helpdesk.devdata.organisation import Organisation, ServiceInfo, StaffMember
from helpdesk.devdata.paths import ACTION_GAP_HOURS, TicketPlan, team_key_for
from helpdesk.extensions import db
from helpdesk.portal.services import add_reply, rate_service
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.states import find_transition

Gap = tuple[float, float]
Step = tuple[Gap, Callable[[], Any]]

RATED_SHARE = 0.55  # of closed tickets, rated by their person on the portal
STARS = {5: 50, 4: 28, 3: 12, 2: 6, 1: 4}
# How the resolution of a closing reads, by the status the ticket is closed from.
CLOSINGS = {"approved": ("answered", "volunteer_note"),
            "rejected": ("not_eligible", "not_eligible_note"),
            "service_delivered": ("service_provided", "delivered_note")}
DEFAULT_CLOSING = ("answered", "resolution_note")


@dataclass(frozen=True)
class Cast:
    """The staff who work one ticket (rows: the use cases check their roles and reach)."""

    owner: User | None
    assigner: User | None
    referee: User | None
    decider: User | None


def pick(rng: random.Random, *pools: list[StaffMember]) -> StaffMember | None:
    """Someone from the first pool that has anyone."""
    for pool in pools:
        if pool:
            return rng.choice(pool)
    return None


def _user(member: StaffMember | None) -> User | None:
    return db.session.get(User, member.id) if member is not None else None


def cast_for(rng: random.Random, plan: TicketPlan, org: Organisation) -> Cast:
    """Relations agents own tickets, a manager assigns them, research officers study support
    requests, committee members and the volunteer coordinator decide."""
    owner = pick(rng, org.workers(team_key_for(plan.kind)))
    assigner = pick(rng, [u for u in org.with_permission("tickets.assign")
                           if u.role == "manager"], [owner] if owner else [])
    deciders = org.with_permission("volunteers.decide" if plan.group == "volunteering"
                                   else "committee.decide")
    decider = pick(rng, [u for u in deciders if u.role in ("committee_member",
                                                            "volunteer_coordinator")], deciders)
    answerers = [u for u in org.with_permission("tickets.answer_referral")
                 if owner is None or u.id != owner.id]
    referee = pick(rng, [u for u in answerers if u.role == (
        "research_officer" if plan.group == "full" else "manager")], answerers)
    return Cast(_user(owner), _user(assigner), _user(referee), _user(decider))


def _person_writes(ticket_id: int, body: str) -> None:
    """The person answers on the portal (the public tracking page's use case)."""
    add_reply(db.session.get(Ticket, ticket_id), body=body)


def _person_rates(ticket_id: int, stars: int, comment: str | None) -> None:
    rate_service(db.session.get(Ticket, ticket_id), stars=stars, comment=comment)


def ticket_story(rng: random.Random, plan: TicketPlan, ticket: Ticket, cast: Cast,
                 service: ServiceInfo | None) -> list[Step]:
    """The use cases that take ``ticket`` along its plan, each with the pause before it."""
    steps: list[Step] = []
    ticket_id, number, owner, sample = ticket.id, ticket.number, cast.owner, plan.sample

    def then(gap: Gap, use_case: Callable[..., Any], **kwargs: Any) -> None:
        steps.append((gap, partial(use_case, ticket_id, expected_version=None, **kwargs)))

    def hear(gap: Gap, body: str) -> None:
        steps.append((gap, partial(_person_writes, ticket_id, body)))

    if plan.actions and owner is not None:
        then((0.2, 6), tickets.assign, actor=cast.assigner, assignee_id=owner.id)
    status = "new"
    for action in plan.actions:
        gap = ACTION_GAP_HOURS.get(action, (1, 24))
        if action == "start":
            then(gap, tickets.start, actor=owner)
            if plan.status == "in_progress":
                then((1, 48), tickets.add_note, actor=owner, body=PROCESS_TEXTS["working"])
        elif action == "request_information":
            items = list((service.documents if service else ()) or MISSING_ITEMS)[:3]
            then(gap, tickets.request_information, actor=owner, missing=items)
        elif action == "information_received":
            hear(gap, sample.get("followup") or PROCESS_TEXTS["information_received"])
            then((0.5, 8), tickets.information_received, actor=owner)
        elif action == "refer":
            question = PROCESS_TEXTS["referral_study" if plan.group == "full"
                                     else "referral_opinion"]
            then(gap, tickets.refer, actor=owner, question=question,
                 to_user_id=cast.referee.id if cast.referee else None)
        elif action == "return_referral":
            answer = PROCESS_TEXTS["referral_answer" if plan.group == "full"
                                   else "opinion_answer"]
            then(gap, tickets.return_referral, actor=cast.referee, answer=answer)
        elif action == "send_to_committee":
            then(gap, tickets.send_to_committee, actor=owner, note=PROCESS_TEXTS["to_committee"])
        elif action in ("approve", "reject"):
            prefix = "volunteer_" if plan.group == "volunteering" else ""
            outcome = prefix + {"approve": "approved", "reject": "rejected"}[action]
            decision = decide if plan.group == "full" else tickets.decide_application
            then(gap, decision, actor=cast.decider, decision=action,
                 reason=PROCESS_TEXTS[outcome],
                 message=PROCESS_TEXTS[f"{outcome}_message"].format(number=number))
        elif action == "register":
            then(gap, tickets.register, actor=owner, note=PROCESS_TEXTS["registration"])
        elif action == "deliver":
            then(gap, tickets.deliver, actor=owner, note=PROCESS_TEXTS["delivered"])
        elif action == "resolve":
            then(gap, tickets.reply, actor=owner,
                 body=sample.get("reply") or PROCESS_TEXTS["resolved_message"])
            then((0, 0.1), tickets.resolve, actor=owner)
        elif action == "close":
            code, note = CLOSINGS.get(status, DEFAULT_CLOSING)
            then(gap, tickets.close, actor=owner, resolution_code=code,
                 resolution_note=PROCESS_TEXTS[note],
                 message=PROCESS_TEXTS["closing_message"].format(number=number))
        elif action == "reopen":
            hear(gap, PROCESS_TEXTS["reopened_message"])
            then((0.5, 8), tickets.reopen, actor=owner, reason=PROCESS_TEXTS["reopen_reason"])
        elif action == "cancel":
            then(gap, tickets.cancel, actor=owner, reason_code="other",
                 note=PROCESS_TEXTS["cancelled"])
        else:
            raise ValueError(f"the demo has no story for the action {action!r}")
        status = find_transition(plan.kind, status, action).to_status
    if status == "closed" and rng.random() < RATED_SHARE:
        stars = int(rng.choices(list(STARS), weights=list(STARS.values()))[0])
        comment = rng.choice(RATING_COMMENTS[stars]) if rng.random() < 0.6 else None
        steps.append(((2, 72), partial(_person_rates, ticket_id, stars, comment)))
    return steps


def play(rng: random.Random, clock: SimulatedClock, steps: list[Step], opened_at: datetime,
         now: datetime) -> None:
    """Call each step at its moment: the pauses drawn from their ranges, scaled down to fit
    in 90% of the time since the ticket was opened, so the story never reaches ``now``."""
    hours = [rng.uniform(*gap) for gap, _step in steps]
    total = sum(hours)
    available = (now - opened_at).total_seconds() / 3600 * 0.9
    scale = min(1.0, available / total) if total else 1.0
    moment = opened_at
    for pause, (_gap, step) in zip(hours, steps, strict=True):
        moment += timedelta(hours=pause * scale, seconds=1)
        clock.set(moment)
        step()
