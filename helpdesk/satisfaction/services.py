"""Satisfaction's use cases: invite the person to rate (and remind once), take their answers
from the portal or the front-desk kiosk, open a follow-up for the team lead on a low rating,
and let managers review suggestions and comments.

Surveys and follow-ups are written by unit-of-work handlers (registered in configure_events):
the lifecycle's use cases never call this domain."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import and_, exists, select, update

from helpdesk.accounts.models import Team
from helpdesk.accounts.permissions import can
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.i18n.normalise import to_ascii_digits
from helpdesk.plugin_api.types import Capability
from helpdesk.satisfaction.models import (
    REVIEW_KINDS,
    REVIEW_STATUSES,
    FollowUp,
    KioskPass,
    ReviewMark,
    Survey,
)
from helpdesk.tickets.change import clean_text, person_locale
from helpdesk.tickets.errors import PermissionDenied, TicketNotFound
from helpdesk.tickets.events import ServiceRated, TicketDecided, TicketTransitioned
from helpdesk.tickets.models import Event, Rating, Ticket
from helpdesk.tickets.outbox import queue_message
from helpdesk.tickets.person_change import change_as_person
from helpdesk.tickets.queries import TicketRef, ticket_access
from helpdesk.tickets.states import TERMINAL_STATUSES
from helpdesk.validation import ValidationError

# How long the person may change a rating after first giving it.
RATING_EDIT_DAYS = 14
# The one reminder goes this long after the survey, and only for surveys this recent.
REMINDER_AFTER_DAYS = 3
REMINDER_WITHIN_DAYS = 30
SURVEY_LINK_MAX_AGE_DAYS = 60
KIOSK_PASS_MINUTES = 30
# A rating this low, with a comment, opens a follow-up for the team's lead.
LOW_RATING = 2
MAX_COMMENT = 2_000
MAX_OUTCOME = 2_000
QUESTIONS = ("stars", "speed", "courtesy", "clarity")  # stars: the overall answer
DECISION_ACTIONS = frozenset({"approve", "reject"})
SURVEY_SALT = "sila.satisfaction.survey"
KIOSK_SALT = "sila.satisfaction.kiosk"



# ---------------------------------------------------------------------------------------
# Signed links

def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def survey_token(survey: Survey) -> str:
    """The survey link's token: the ticket, the survey and the ticket's tracking secret
    (rotating the secret revokes it, as it revokes tracking links)."""
    return _serializer(SURVEY_SALT).dumps(
        [survey.ticket_id, survey.id, survey.ticket.tracking_secret])


def survey_for_token(token: str) -> Survey | None:
    """The survey a link names; None when forged, tampered with, expired or revoked."""
    try:
        ticket_id, survey_id, secret = _serializer(SURVEY_SALT).loads(
            token, max_age=SURVEY_LINK_MAX_AGE_DAYS * 24 * 60 * 60)
    except (BadSignature, ValueError, TypeError):
        return None
    if not (isinstance(ticket_id, int) and isinstance(survey_id, int)
            and isinstance(secret, str)):
        return None
    survey = db.session.get(Survey, survey_id)
    if survey is None or survey.ticket_id != ticket_id or not hmac.compare_digest(
            survey.ticket.tracking_secret.encode(), secret.encode()):
        return None
    return survey


def _external_url(endpoint: str, **values: Any) -> str:
    """An absolute link, also outside a request (the tick job): PORTAL_BASE_URL, else
    SERVER_NAME, else localhost."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config.get("PORTAL_BASE_URL") or \
        f"http://{current_app.config.get('SERVER_NAME') or 'localhost'}"
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                       url_scheme=parts.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def survey_url(survey: Survey) -> str:
    return _external_url("satisfaction.survey", survey_token=survey_token(survey))


# ---------------------------------------------------------------------------------------
# Sending the survey (handlers) and its one reminder

def reachable(ticket: Ticket) -> bool:
    """The person can be written to: the ticket's channel answers, or a phone or email."""
    channel = current_app.extensions["helpdesk_plugins"].channel(ticket.channel_key)
    if channel is not None and Capability.OUTBOUND in channel.meta.capabilities:
        return ticket.contact is not None
    contact = ticket.contact
    return contact is not None and bool(contact.phone or contact.email)


def surveyable(ticket: Ticket) -> bool:
    """Surveys go to a person outside: never for a ticket without one (internal), a
    cancelled one (spam, duplicate, mistake), or a person we cannot reach."""
    return ticket.status != "cancelled" and ticket.contact_id is not None and reachable(ticket)


def rating_stage(ticket: Ticket) -> str:
    """'open' while the ticket is being worked, 'closed' once it is closed or cancelled."""
    return "closed" if ticket.status in TERMINAL_STATUSES else "open"


def _write_invitation(survey: Survey, *, reminder: bool) -> None:
    ticket = survey.ticket
    locale = person_locale(ticket)
    link = survey_url(survey)
    with force_locale(locale):
        if reminder:
            body = _("A reminder: we would value your opinion of our service for request "
                     "%(number)s. It takes a minute.", number=ticket.number)
        else:
            body = _("How did we do? Please rate our service for request %(number)s; your "
                     "opinion helps us serve you better.", number=ticket.number)
        link_line = _("Rate our service: %(link)s", link=link)
    now = utcnow()
    # The timeline keeps the words, not the link: the link is the person's secret.
    event = Event(ticket_id=ticket.id, type="message_out", visibility="public", body=body,
                  data={"purpose": "rating_invitation", "survey_id": survey.id,
                        "reminder": reminder}, created_at=now)
    db.session.add(event)
    db.session.flush()
    queue_message(ticket=ticket, purpose="rating_invitation", body=f"{body}\n{link_line}",
                  event_id=event.id, locale=locale)


def send_survey(ticket: Ticket, occasion: str, now: datetime | None = None) -> Survey | None:
    """Invite the person to rate, once per ticket and occasion; None when already invited
    or not surveyable. Writes inside the caller's transaction."""
    if not surveyable(ticket):
        return None
    with db.session.no_autoflush:
        already = db.session.scalar(select(Survey.id).where(Survey.ticket_id == ticket.id,
                                                            Survey.occasion == occasion))
    if already is not None:
        return None
    survey = Survey(ticket_id=ticket.id, occasion=occasion, stage=rating_stage(ticket),
                    sent_at=now or utcnow())
    survey.ticket = ticket
    db.session.add(survey)
    db.session.flush()
    _write_invitation(survey, reminder=False)
    return survey


def invite_after_transition(event: TicketTransitioned) -> None:
    """Before commit: resolved, or the committee's decision (approved/rejected; a deferral
    is not one), sends the survey once. A volunteering application's acceptance is not a
    service to rate."""
    if event.to_status == "resolved":
        occasion = "resolved"
    elif isinstance(event, TicketDecided) and event.action in DECISION_ACTIONS \
            and event.from_status == "committee":
        occasion = "decided"
    else:
        return
    ticket = db.session.get(Ticket, event.ticket_id)
    if ticket is not None:
        send_survey(ticket, occasion)


def _answered(survey: Survey) -> bool:
    return db.session.scalar(select(exists().where(Rating.ticket_id == survey.ticket_id,
                                                   Rating.stage == survey.stage))) or False


def remind_unanswered_surveys(now: datetime) -> int:
    """The one reminder of each unanswered survey sent REMINDER_AFTER_DAYS ago (and not
    older than REMINDER_WITHIN_DAYS); returns how many were sent. Idempotent: the survey's
    row is claimed with a conditional update, so however often (or concurrently) it runs,
    a survey is reminded at most once."""
    due = now - timedelta(days=REMINDER_AFTER_DAYS)
    oldest = now - timedelta(days=REMINDER_WITHIN_DAYS)
    candidates = list(db.session.scalars(
        select(Survey.id).where(Survey.reminded_at.is_(None), Survey.sent_at <= due,
                                Survey.sent_at >= oldest).order_by(Survey.id)))
    sent = 0
    for survey_id in candidates:
        claimed = db.session.execute(
            update(Survey).where(Survey.id == survey_id, Survey.reminded_at.is_(None))
            .values(reminded_at=now).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            db.session.rollback()
            continue
        survey = db.session.get(Survey, survey_id, populate_existing=True)
        if not _answered(survey) and surveyable(survey.ticket):
            _write_invitation(survey, reminder=True)
            sent += 1
        db.session.commit()  # claimed even when nothing was sent: never tried again
    return sent


# ---------------------------------------------------------------------------------------
# The person's answers

def rating_edit_days() -> int:
    return int(current_app.config.get("PORTAL_RATING_EDIT_DAYS", RATING_EDIT_DAYS))


def rating_editable_until(rating: Rating) -> datetime:
    return rating.created_at + timedelta(days=rating_edit_days())


def can_edit_rating(rating: Rating | None, now: datetime | None = None) -> bool:
    return rating is None or (now or utcnow()) < rating_editable_until(rating)


def rating_of(ticket: Ticket, stage: str | None = None) -> Rating | None:
    return db.session.scalar(select(Rating).where(
        Rating.ticket_id == ticket.id, Rating.stage == (stage or rating_stage(ticket))))


def _score(value: Any) -> int | None:
    text = to_ascii_digits(str(value if value is not None else "")).strip()
    if not text:
        return None
    try:
        number = int(text)
    except ValueError:
        return 0
    return number


def clean_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The survey's answers, checked: overall 1–5 required; speed, courtesy, clarity
    1–5 when given; a comment. Raises ValidationError naming each field."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name in QUESTIONS:
        value = _score(answers.get(name))
        if value is None and name == "stars":
            errors[name] = _("Choose your overall rating, from one to five.")
        elif value is not None and not 1 <= value <= 5:
            errors[name] = _("Choose from one to five.") if name != "stars" \
                else _("Choose your overall rating, from one to five.")
        cleaned[name] = value
    cleaned["comment"] = clean_text(answers.get("comment"), max_length=MAX_COMMENT)
    if errors:
        raise ValidationError(errors)
    return cleaned


def rate(ticket: Ticket, answers: Mapping[str, Any], *, source: str = "portal",
         stage: str | None = None,
         also: Callable[[Ticket, datetime], None] | None = None) -> Rating:
    """Record (or, within RATING_EDIT_DAYS, change) the person's rating of ``stage`` (the
    ticket's current one by default); each rating or change is a public 'rating' event.
    ``also`` runs in the same transaction (the kiosk spends its pass)."""
    cleaned = clean_answers(answers)

    def work(current: Ticket, now: datetime) -> Rating:
        asked = stage or rating_stage(current)
        rating = rating_of(current, asked)
        if rating is not None and not can_edit_rating(rating, now):
            raise ValidationError({"stars": ngettext(
                "A rating can be changed for %(num)d day only.",
                "A rating can be changed for %(num)d days only.", rating_edit_days())})
        edited = rating is not None
        if rating is None:
            rating = Rating(ticket_id=current.id, stage=asked, created_at=now)
            db.session.add(rating)
        for name in QUESTIONS:
            setattr(rating, name, cleaned[name])
        rating.comment, rating.source, rating.updated_at = cleaned["comment"], source, now
        db.session.flush()
        db.session.add(Event(
            ticket_id=current.id, type="rating", visibility="public",
            body=cleaned["comment"], created_at=now,
            data={"stars": cleaned["stars"], "speed": cleaned["speed"],
                  "courtesy": cleaned["courtesy"], "clarity": cleaned["clarity"],
                  "stage": asked, "edited": edited, "source": source,
                  "rating_id": rating.id}))
        if also is not None:
            also(current, now)
        db.session.flush()
        return rating

    return change_as_person(ticket.id, work)


# ---------------------------------------------------------------------------------------
# Follow-ups of low ratings (a handler)

def _lead_of(ticket: Ticket) -> tuple[int | None, int | None]:
    team = db.session.get(Team, ticket.team_id) if ticket.team_id else None
    if team is None:
        return None, None
    return team.id, team.lead_id


def open_follow_up(event: ServiceRated) -> None:
    """Before commit: a rating of LOW_RATING or less with a comment opens one follow-up
    (per rating) for the ticket's team lead, else for the managers, noted internally on
    the ticket's timeline."""
    if event.stars is None or event.stars > LOW_RATING or not (event.body or "").strip():
        return
    with db.session.no_autoflush:
        rating = db.session.scalar(select(Rating).where(Rating.ticket_id == event.ticket_id,
                                                        Rating.stage == event.stage))
        if rating is None or db.session.scalar(
                select(FollowUp.id).where(FollowUp.rating_id == rating.id)) is not None:
            return
        ticket = db.session.get(Ticket, event.ticket_id)
    team_id, lead_id = _lead_of(ticket)
    now = utcnow()
    follow_up = FollowUp(ticket_id=ticket.id, rating_id=rating.id, team_id=team_id,
                         lead_id=lead_id, status="open", created_at=now)
    db.session.add(follow_up)
    db.session.flush()
    db.session.add(Event(ticket_id=ticket.id, type="satisfaction_follow_up",
                         visibility="internal", created_at=now,
                         data={"follow_up_id": follow_up.id, "lead_id": lead_id,
                               "team_id": team_id}))


def close_follow_up(follow_up_id: int, *, actor: Any, outcome: Any) -> FollowUp:
    """The lead (or a manager) notes what was learnt and closes the follow-up."""
    follow_up = db.session.get(FollowUp, follow_up_id)
    if follow_up is None or not may_handle_follow_up(actor, follow_up):
        raise TicketNotFound()
    text = clean_text(outcome, max_length=MAX_OUTCOME)
    if not text:
        raise ValidationError({"outcome": _("Write what was learnt or improved.")})
    if follow_up.status == "done":
        raise ValidationError({"outcome": _("This follow-up is already closed.")})
    follow_up.status, follow_up.outcome, follow_up.closed_at = "done", text, utcnow()
    db.session.commit()
    return follow_up


# ---------------------------------------------------------------------------------------
# Who sees what

def sees_every_team(user: Any) -> bool:
    return can(user, "satisfaction.teams")


def led_team_ids(user: Any) -> list[int]:
    user_id = getattr(user, "id", None)
    if user_id is None:
        return []
    return list(db.session.scalars(select(Team.id).where(Team.lead_id == user_id)))


def sees_team_figures(user: Any) -> bool:
    return sees_every_team(user) or bool(led_team_ids(user))


def may_see_ticket_ratings(user: Any, ticket: Ticket) -> bool:
    """The ticket's own agent, the lead of its team, and managers; never a colleague."""
    user_id = getattr(user, "id", None)
    if user_id is None:
        return False
    if ticket.assignee_id == user_id or sees_every_team(user):
        return True
    return ticket.team_id is not None and ticket.team_id in led_team_ids(user)


def may_handle_follow_up(user: Any, follow_up: FollowUp) -> bool:
    if sees_every_team(user):
        return True
    return follow_up.lead_id is not None and follow_up.lead_id == getattr(user, "id", None)


# ---------------------------------------------------------------------------------------
# The front-desk kiosk

def open_kiosk(ref: TicketRef, *, actor: Any) -> str:
    """A one-time pass for the tablet (the caller signs the staff member out)."""
    if not can(actor, "satisfaction.kiosk"):
        raise PermissionDenied("satisfaction.kiosk")
    access = ticket_access(actor, ref)
    if access is None:
        raise TicketNotFound()
    ticket = access.ticket
    if ticket.status == "cancelled":
        raise ValidationError({"kiosk": _("A cancelled request cannot be rated.")})
    kiosk_pass = KioskPass(ticket_id=ticket.id, nonce=secrets.token_urlsafe(24),
                           opened_by_id=actor.id, created_at=utcnow())
    db.session.add(kiosk_pass)
    db.session.commit()
    return _serializer(KIOSK_SALT).dumps([kiosk_pass.id, kiosk_pass.nonce])


def kiosk_pass_for_token(token: str) -> KioskPass | None:
    """The pass a kiosk link names, while unused and fresh; None otherwise."""
    try:
        pass_id, nonce = _serializer(KIOSK_SALT).loads(token, max_age=KIOSK_PASS_MINUTES * 60)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pass_id, int) or not isinstance(nonce, str):
        return None
    kiosk_pass = db.session.get(KioskPass, pass_id)
    if kiosk_pass is None or kiosk_pass.used_at is not None or not hmac.compare_digest(
            kiosk_pass.nonce.encode(), nonce.encode()):
        return None
    ticket = db.session.get(Ticket, kiosk_pass.ticket_id)
    if ticket is None or ticket.status == "cancelled":
        return None
    return kiosk_pass


def rate_at_kiosk(token: str, answers: Mapping[str, Any]) -> Rating | None:
    """The person's rating at the front desk; the pass is spent with it (None: the pass
    is no longer valid)."""
    kiosk_pass = kiosk_pass_for_token(token)
    if kiosk_pass is None:
        return None
    pass_id = kiosk_pass.id

    def spend(_ticket: Ticket, now: datetime) -> None:
        spent = db.session.execute(
            update(KioskPass).where(KioskPass.id == pass_id, KioskPass.used_at.is_(None))
            .values(used_at=now).execution_options(synchronize_session=False))
        if spent.rowcount != 1:
            raise ValidationError({"stars": _("This rating page has already been used.")})

    ticket = db.session.get(Ticket, kiosk_pass.ticket_id)
    return rate(ticket, answers, source="kiosk", also=spend)


# ---------------------------------------------------------------------------------------
# The review list (managers)

def mark_review_item(kind: Any, item_id: Any, *, actor: Any, status: Any,
                     action_taken: Any = None) -> ReviewMark:
    """Mark a suggestion or a rating comment read, acted on (saying what was done) or not
    applicable; marking again replaces the mark."""
    if not can(actor, "satisfaction.review"):
        raise PermissionDenied("satisfaction.review")
    errors: dict[str, str] = {}
    if kind not in REVIEW_KINDS:
        raise TicketNotFound()
    try:
        item_id = int(item_id)
    except (TypeError, ValueError):
        raise TicketNotFound() from None
    if not _review_item_exists(kind, item_id):
        raise TicketNotFound()
    if status not in REVIEW_STATUSES:
        errors["status"] = _("Choose how this item was handled.")
    action = clean_text(action_taken, max_length=MAX_OUTCOME)
    if status == "acted_on" and not action:
        errors["action_taken"] = _("Write what was done.")
    if errors:
        raise ValidationError(errors)
    mark = db.session.scalar(select(ReviewMark).where(ReviewMark.item_kind == kind,
                                                      ReviewMark.item_id == item_id))
    if mark is None:
        mark = ReviewMark(item_kind=kind, item_id=item_id)
        db.session.add(mark)
    mark.status = status
    mark.action_taken = action if status == "acted_on" else None
    mark.marked_by_id, mark.marked_at = actor.id, utcnow()
    db.session.commit()
    return mark


def _review_item_exists(kind: str, item_id: int) -> bool:
    if kind == "suggestion":
        clause = exists().where(Ticket.id == item_id, Ticket.kind == "suggestion")
    else:
        clause = exists().where(and_(Rating.id == item_id, Rating.comment.is_not(None)))
    return bool(db.session.scalar(select(clause)))
