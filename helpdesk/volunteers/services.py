"""Volunteering use cases: apply, move an application along, needs, matches and hours.

An application is a ticket of kind ``volunteering`` plus the contact's VolunteerProfile
(helpdesk/volunteers/sync.py creates the profile with the ticket). A status change of the
profile moves the ticket through the lifecycle table (tickets/states.py) in the same
transaction, records a ``volunteer_status`` event on its timeline and tells the volunteer
through the outbox, using the ticket services' machinery; nothing here writes
``ticket.status`` itself.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from helpdesk.accounts.models import Branch
from helpdesk.accounts.permissions import can
from helpdesk.channels.fields import clean_fields
from helpdesk.channels.services import active_channel_with
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.i18n.normalise import to_ascii_digits
from helpdesk.plugin_api.types import Capability, Channel, InboundMessage
from helpdesk.tickets.errors import InvalidTransition, PermissionDenied
from helpdesk.tickets.intake import (
    RESERVED_FIELD_NAMES,
    IntakeResult,
    Person,
    receive_structured,
)
from helpdesk.tickets.services import (
    TicketChange,
    both_dates,
    changing,
    clean_text,
    person_locale,
    riyadh_today,
)
from helpdesk.validation import ValidationError
from helpdesk.volunteers.models import (
    VolunteerAssignment,
    VolunteerHours,
    VolunteerNeed,
    VolunteerProfile,
)
from helpdesk.volunteers.vocabulary import (
    MATCHABLE_STATUSES,
    PROFILE_STATUSES,
    SKILLS,
    TIME_SLOTS,
    WEEKDAY_KEYS,
    pack,
    unpack,
)

KIND = "volunteering"
# The channel that takes the volunteer form: the active one declaring this capability.
CAPABILITY = Capability.VOLUNTEER_APPLICATIONS
PERMISSION = "volunteers.decide"
FORM_TOKEN_PREFIX = "volunteer-form:"
MAX_TITLE = 200
MAX_NEEDED = 500
MAX_HOURS_A_DAY = 24

# action → (statuses it starts from, status it leads to)
PROFILE_ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "invite": (("received", "interview"), "interview"),
    "accept": (("received", "interview"), "accepted"),
    "decline": (("received", "interview"), "declined"),
    "activate": (("accepted",), "active"),
}


class VolunteerNotFound(LookupError):
    pass


class InvalidProfileAction(Exception):
    """The action does not apply to the volunteer's current status."""

    def __init__(self, status: str, action: str):
        super().__init__(status, action)
        self.status, self.action = status, action

    @property
    def message(self) -> str:
        return _("This action is not available while the volunteer is “%(status)s”.",
                 status=str(PROFILE_STATUSES.get(self.status, self.status)))


def _require(actor: Any) -> None:
    if not can(actor, PERMISSION):
        raise PermissionDenied(PERMISSION)


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    text = to_ascii_digits(str(value or "").strip())
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _as_int(value: Any) -> int | None:
    text = to_ascii_digits(str(value if value is not None else "").strip())
    return int(text) if text.isdigit() else None


def allowed_actions(profile: VolunteerProfile) -> list[str]:
    return [action for action, (sources, _to) in PROFILE_ACTIONS.items()
            if profile.status in sources]


# ---------------------------------------------------------------------------------------
# Applying

def new_form_token() -> str:
    return secrets.token_urlsafe(16)


def _valid_token(token: str) -> bool:
    return 16 <= len(token) <= 64 and all(ch.isalnum() or ch in "-_" for ch in token)


def application_channel() -> Channel | None:
    """The active channel that takes volunteer applications; None: the form is closed."""
    return active_channel_with(CAPABILITY)


def application_fields(channel: Channel | None = None) -> list:
    """The intake fields of the channel that takes volunteer applications: the staff form
    and the public form ask the same questions."""
    channel = channel or application_channel()
    if channel is None:
        return []
    return [spec for spec in channel.intake_fields() if spec.name not in RESERVED_FIELD_NAMES]


def active_branches() -> list[Branch]:
    return list(db.session.scalars(select(Branch).where(Branch.active.is_(True))
                                   .order_by(Branch.name_ar)))


def _branch_id(raw: Any, errors: dict[str, str], field: str = "branch_id") -> int | None:
    text = str(raw or "").strip()
    if not text:
        return None
    branch = db.session.get(Branch, int(text)) if text.isdigit() else None
    if branch is None or not branch.active:
        errors[field] = _("Choose one of the branches.")
        return None
    return branch.id


def apply(form: Mapping[str, Any]) -> IntakeResult:
    """A volunteer application from the public form: the ticket (and with it the profile).

    The form's one-time token is the intake's external id: a form sent twice opens one
    application.
    """
    channel = application_channel()
    if channel is None:
        raise LookupError("no active channel takes volunteer applications")
    specs = application_fields(channel)
    answers, errors = clean_fields(specs, form)
    raw = {spec.name: str(form.get(spec.name) or "").strip() for spec in specs}
    for name, message in (channel.validate_intake(raw) or {}).items():
        errors.setdefault(name, str(message))
    branch_id = _branch_id(form.get("branch_id"), errors)
    _raise_if(errors)
    token = str(form.get("form_token") or "")
    if not _valid_token(token):
        token = new_form_token()
    name = str(answers.get("name") or "")
    data = {**answers, **({"branch_id": branch_id} if branch_id else {})}
    message = InboundMessage(
        external_id=FORM_TOKEN_PREFIX + token, kind=KIND,
        body=str(answers.get("experience") or answers.get("skills_note") or ""),
        subject=_("Volunteer application: %(name)s", name=name), data=data)
    person = Person(name=name, phone=answers.get("phone"), email=answers.get("email"),
                    kind="volunteer")
    return receive_structured(channel.meta.key, message, person, actor=None)


# ---------------------------------------------------------------------------------------
# Moving an application along

def get_profile(profile_id: int) -> VolunteerProfile | None:
    return db.session.get(VolunteerProfile, profile_id)


def _profile(profile_id: int) -> VolunteerProfile:
    profile = get_profile(profile_id)
    if profile is None:
        raise VolunteerNotFound(profile_id)
    return profile


def _move(change: TicketChange, action: str, **kwargs: Any) -> None:
    change.check(action)
    change.transition(action, **kwargs)


def _ready_for_decision(change: TicketChange) -> None:
    """A new (or reopened) application is started, a reply awaited is taken as received."""
    status = change.ticket.status
    if status in ("new", "reopened"):
        _move(change, "start")
    elif status == "awaiting_information":
        _move(change, "information_received")


def _record(change: TicketChange, profile: VolunteerProfile, from_status: str,
            to_status: str, note: str | None, **data: Any) -> None:
    """``from_status`` is read before the ticket moved: a flush in between lets sync.py
    move the profile of a decided ticket first."""
    profile.status, profile.status_changed_at = to_status, change.now
    change.event("volunteer_status", body=note, visibility="internal",
                 data={"from": from_status, "to": to_status, **data})


def change_status(profile_id: int, *, actor: Any, action: str,
                  interview_on: date | str | None = None, reason: str | None = None,
                  note: str | None = None) -> VolunteerProfile:
    """invite (a date), accept, decline (a reason) or activate; the application ticket
    follows, the timeline records it and the volunteer is told."""
    _require(actor)
    profile = _profile(profile_id)
    if action not in PROFILE_ACTIONS:
        raise InvalidProfileAction(profile.status, action)
    sources, to_status = PROFILE_ACTIONS[action]
    if profile.status not in sources:
        raise InvalidProfileAction(profile.status, action)
    errors: dict[str, str] = {}
    day = _as_date(interview_on)
    if action == "invite":
        if day is None:
            errors["interview_on"] = _("Choose the interview date.")
        elif day < riyadh_today():
            errors["interview_on"] = _("Choose today or a later date.")
    reason = clean_text(reason)
    if action == "decline" and reason is None:
        errors["reason"] = _("Write the reason for the decision.")
    note = clean_text(note)
    _raise_if(errors)
    if profile.ticket_id is None:  # an application that lost its ticket: the profile alone
        profile.status, profile.status_changed_at = to_status, utcnow()
        if action == "invite":
            profile.interview_on = day
        if action == "decline":
            profile.decline_reason = reason
        db.session.commit()
        return profile
    before = profile.status
    with changing(profile.ticket_id, actor=actor, expected_version=None) as change:
        _STEPS[action](change, profile, before=before, day=day, reason=reason, note=note)
    return profile


def _invite(change: TicketChange, profile: VolunteerProfile, *, before: str,
            day: date | None, reason: str | None, note: str | None) -> None:
    assert day is not None
    if change.ticket.status in ("new", "reopened"):
        _move(change, "start")
    elif change.ticket.status not in ("in_progress", "awaiting_information", "referred"):
        raise InvalidTransition(change.ticket.kind, change.ticket.status, "invite")
    profile.interview_on = day
    _record(change, profile, before, "interview", note, interview_on=day.isoformat())
    number, locale = change.ticket.number, person_locale(change.ticket)
    change.tell("status_update", lambda: _(
        "Thank you for applying to volunteer with us. We invite you to an interview on "
        "%(date)s about your application %(number)s.",
        date=both_dates(day, locale), number=number))


def _accept(change: TicketChange, profile: VolunteerProfile, *, before: str,
            day: date | None, reason: str | None, note: str | None) -> None:
    _ready_for_decision(change)
    _move(change, "approve", body=note)
    _record(change, profile, before, "accepted", note)
    number = change.ticket.number
    change.tell("decision", lambda: _(
        "Thank you for volunteering with us: your application %(number)s has been "
        "accepted. We will contact you to arrange the next steps.", number=number))


def _decline(change: TicketChange, profile: VolunteerProfile, *, before: str,
             day: date | None, reason: str | None, note: str | None) -> None:
    _ready_for_decision(change)
    _move(change, "reject", body=reason)
    _move(change, "close", body=reason, data={"resolution_code": "not_eligible"})
    profile.decline_reason = reason
    _record(change, profile, before, "declined", reason)
    number = change.ticket.number
    change.tell("decision", lambda: _(
        "Thank you for your interest in volunteering with us. We are unable to accept "
        "your application %(number)s at this time.", number=number))


def _activate(change: TicketChange, profile: VolunteerProfile, *, before: str,
              day: date | None, reason: str | None, note: str | None) -> None:
    if change.ticket.status == "approved":
        _move(change, "close", body=note, data={"resolution_code": "answered"})
    _record(change, profile, before, "active", note)
    change.tell("status_update", lambda: _(
        "Welcome to our volunteer team! You are now an active volunteer with us; we will "
        "contact you about the opportunities that suit you."))


_STEPS: dict[str, Callable[..., None]] = {
    "invite": _invite, "accept": _accept, "decline": _decline, "activate": _activate,
}


def set_branch(profile_id: int, *, actor: Any, branch_id: Any) -> VolunteerProfile:
    """The branch the volunteer prefers (None: any); the staff intake form does not ask it."""
    _require(actor)
    profile = _profile(profile_id)
    errors: dict[str, str] = {}
    branch = _branch_id(branch_id, errors)
    _raise_if(errors)
    profile.branch_id = branch
    db.session.commit()
    return profile


# ---------------------------------------------------------------------------------------
# Needs

@dataclass(frozen=True)
class Suggestion:
    profile: VolunteerProfile
    score: int
    reasons: tuple[str, ...]   # what fits: "skills", "branch", "day", "time"


def get_need(need_id: int) -> VolunteerNeed | None:
    return db.session.get(VolunteerNeed, need_id)


def _need(need_id: int) -> VolunteerNeed:
    need = get_need(need_id)
    if need is None:
        raise VolunteerNotFound(need_id)
    return need


def create_need(*, actor: Any, title: str, needed_on: date | str | None,
                needed_count: Any = 1, description: str | None = None,
                branch_id: Any = None, time_slot: str | None = None,
                skills: Iterable[str] = ()) -> VolunteerNeed:
    _require(actor)
    errors: dict[str, str] = {}
    title = " ".join(str(title or "").split())
    if not title:
        errors["title"] = _("Write what the volunteers are needed for.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("Use at most %(n)d characters.", n=MAX_TITLE)
    day = _as_date(needed_on)
    if day is None:
        errors["needed_on"] = _("Choose the date.")
    elif day < riyadh_today():
        errors["needed_on"] = _("Choose today or a later date.")
    count = _as_int(needed_count)
    if count is None or not 1 <= count <= MAX_NEEDED:
        errors["needed_count"] = _("Enter a number from 1 to %(n)d.", n=MAX_NEEDED)
    slot = str(time_slot or "").strip() or None
    if slot is not None and slot not in TIME_SLOTS:
        errors["time_slot"] = _("Choose one of the options.")
    skills = [str(skill) for skill in skills or ()]
    if any(skill not in SKILLS for skill in skills):
        errors["skills"] = _("Choose from the listed skills.")
    branch = _branch_id(branch_id, errors)
    _raise_if(errors)
    need = VolunteerNeed(title=title, description=clean_text(description), branch_id=branch,
                         needed_on=day, time_slot=slot, skills=pack(skills, SKILLS),
                         needed_count=count, status="open",
                         created_by_id=getattr(actor, "id", None), created_at=utcnow())
    db.session.add(need)
    db.session.commit()
    return need


def fit(profile: VolunteerProfile, need: VolunteerNeed) -> tuple[int, tuple[str, ...]]:
    """A simple score: 3 per shared skill, 2 for the branch, 2 for the day, 1 for the time."""
    score, reasons = 0, []
    shared = set(unpack(profile.skills)) & set(unpack(need.skills))
    if shared:
        score += 3 * len(shared)
        reasons.append("skills")
    if need.branch_id is not None and profile.branch_id == need.branch_id:
        score += 2
        reasons.append("branch")
    if WEEKDAY_KEYS[need.needed_on.weekday()] in unpack(profile.days):
        score += 2
        reasons.append("day")
    if need.time_slot and need.time_slot in unpack(profile.time_slots):
        score += 1
        reasons.append("time")
    return score, tuple(reasons)


def matched_profile_ids(need: VolunteerNeed) -> set[int]:
    return set(db.session.scalars(select(VolunteerAssignment.profile_id)
                                  .where(VolunteerAssignment.need_id == need.id)))


def suggestions(need: VolunteerNeed, *, limit: int = 20) -> list[Suggestion]:
    """Accepted and active volunteers not yet matched to the need, the best fit first."""
    taken = matched_profile_ids(need)
    candidates = db.session.scalars(
        select(VolunteerProfile).where(VolunteerProfile.status.in_(MATCHABLE_STATUSES))
        .order_by(VolunteerProfile.id))
    found = []
    for profile in candidates:
        if profile.id in taken:
            continue
        score, reasons = fit(profile, need)
        found.append(Suggestion(profile, score, reasons))
    found.sort(key=lambda s: (-s.score, s.profile.id))
    return found[:limit]


def match(need_id: int, *, actor: Any, profile_id: Any) -> VolunteerAssignment:
    """Match a volunteer to a need; the need is filled when enough are matched."""
    _require(actor)
    need = _need(need_id)
    errors: dict[str, str] = {}
    pid = _as_int(profile_id)
    profile = get_profile(pid) if pid is not None else None
    if profile is None:
        errors["profile_id"] = _("Choose a volunteer.")
    elif profile.status not in MATCHABLE_STATUSES:
        errors["profile_id"] = _("Only accepted or active volunteers can be matched.")
    elif profile.id in matched_profile_ids(need):
        errors["profile_id"] = _("This volunteer is already matched to this need.")
    if need.status != "open":
        errors["profile_id"] = _("This need is already filled.")
    _raise_if(errors)
    assert profile is not None
    score, _reasons = fit(profile, need)
    assignment = VolunteerAssignment(profile=profile, need=need, status="matched", score=score,
                                     matched_by_id=getattr(actor, "id", None),
                                     created_at=utcnow())

    def fill() -> None:
        db.session.add(assignment)
        db.session.flush()
        if len(matched_profile_ids(need)) >= need.needed_count:
            need.status = "filled"

    if profile.ticket_id is None:
        fill()
        db.session.commit()
        return assignment
    with changing(profile.ticket_id, actor=actor, expected_version=None) as change:
        fill()
        change.event("volunteer_matched", visibility="internal",
                     data={"need_id": need.id, "title": need.title,
                           "needed_on": need.needed_on.isoformat(), "score": score})
        locale, title, day = person_locale(change.ticket), need.title, need.needed_on
        change.tell("status_update", lambda: _(
            "Thank you for volunteering with us. We would like you to take part in "
            "“%(title)s” on %(date)s; we will contact you with the details.",
            title=title, date=both_dates(day, locale)))
    return assignment


def needs_list(*, status: str | None = None) -> list[VolunteerNeed]:
    query = select(VolunteerNeed).order_by(VolunteerNeed.needed_on.desc(), VolunteerNeed.id.desc())
    if status:
        query = query.where(VolunteerNeed.status == status)
    return list(db.session.scalars(query.limit(200)))


def need_assignments(need: VolunteerNeed) -> list[VolunteerAssignment]:
    return list(db.session.scalars(select(VolunteerAssignment)
                                   .where(VolunteerAssignment.need_id == need.id)
                                   .order_by(VolunteerAssignment.id)))


def profile_assignments(profile: VolunteerProfile) -> list[VolunteerAssignment]:
    return list(db.session.scalars(select(VolunteerAssignment)
                                   .where(VolunteerAssignment.profile_id == profile.id)
                                   .order_by(VolunteerAssignment.id.desc())))


# ---------------------------------------------------------------------------------------
# Hours served

def _minutes(value: Any) -> int | None:
    text = to_ascii_digits(str(value or "").strip()).replace("٫", ".").replace(",", ".")
    try:
        hours = Decimal(text)
    except InvalidOperation:
        return None
    if not hours.is_finite():
        return None
    minutes = int((hours * 60).to_integral_value())
    return minutes if minutes > 0 else None


def log_hours(profile_id: int, *, actor: Any, served_on: date | str | None, hours: Any,
              note: str | None = None, assignment_id: Any = None) -> VolunteerHours:
    _require(actor)
    profile = _profile(profile_id)
    errors: dict[str, str] = {}
    if profile.status not in MATCHABLE_STATUSES:
        errors["hours"] = _("Hours can be logged for accepted or active volunteers only.")
    day = _as_date(served_on)
    if day is None:
        errors["served_on"] = _("Choose the date.")
    elif day > riyadh_today():
        errors["served_on"] = _("The date cannot be in the future.")
    minutes = _minutes(hours)
    if minutes is None or minutes > MAX_HOURS_A_DAY * 60:
        errors.setdefault("hours", _("Enter the hours served, from 0.25 to %(n)d.",
                                     n=MAX_HOURS_A_DAY))
    assignment = None
    if str(assignment_id or "").strip():
        aid = _as_int(assignment_id)
        assignment = db.session.get(VolunteerAssignment, aid) if aid is not None else None
        if assignment is None or assignment.profile_id != profile.id:
            errors["assignment_id"] = _("Choose one of this volunteer's matches.")
    _raise_if(errors)
    entry = VolunteerHours(profile_id=profile.id,
                           assignment_id=assignment.id if assignment else None,
                           served_on=day, minutes=minutes, note=clean_text(note),
                           logged_by_id=getattr(actor, "id", None), created_at=utcnow())
    db.session.add(entry)
    db.session.commit()
    return entry


def hours_of(profile: VolunteerProfile) -> list[VolunteerHours]:
    return list(db.session.scalars(select(VolunteerHours)
                                   .where(VolunteerHours.profile_id == profile.id)
                                   .order_by(VolunteerHours.served_on.desc(),
                                             VolunteerHours.id.desc())))


def total_minutes(profile: VolunteerProfile) -> int:
    return int(db.session.scalar(select(func.coalesce(func.sum(VolunteerHours.minutes), 0))
                                 .where(VolunteerHours.profile_id == profile.id)) or 0)
