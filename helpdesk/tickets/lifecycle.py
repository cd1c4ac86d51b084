"""The status changes: one use case per row of the transition table (states.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from helpdesk.accounts.models import Team, User
from helpdesk.accounts.permissions import can
from helpdesk.extensions import db
from helpdesk.tickets.change import (
    MAX_ITEM,
    both_dates,
    changing,
    clean_text,
    decision_due_on,
    person_locale,
    raise_if_errors,
    required,
    riyadh_today,
    user_label,
)
from helpdesk.tickets.errors import (
    InvalidTransition,
    PermissionDenied,
)
from helpdesk.tickets.models import Referral, Ticket
from helpdesk.tickets.queries import (
    TicketRef,
    is_referee,
    open_referral,
    ticket_access,
)
from helpdesk.tickets.vocabulary import CANCEL_REASONS, RESOLUTION_CODES

# ---------------------------------------------------------------------------------------
# Status changes (rows of states.TRANSITIONS)

def _plain(ref: TicketRef, action: str, *, actor: Any, expected_version: int | None,
           note: str | None = None) -> Ticket:
    with changing(ref, actor=actor, expected_version=expected_version) as change:
        change.check(action)
        change.transition(action, body=clean_text(note))
    return change.ticket


def start(ticket: TicketRef, *, actor: Any, expected_version: int | None,
          note: str | None = None) -> Ticket:
    """new/reopened → in progress."""
    return _plain(ticket, "start", actor=actor, expected_version=expected_version, note=note)


def information_received(ticket: TicketRef, *, actor: Any, expected_version: int | None,
                         note: str | None = None) -> Ticket:
    """awaiting information → in progress (the resolution clock resumes); a case waits
    while a required checklist item is missing or rejected."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.check("information_received")
        change.transition("information_received", body=clean_text(note))
    return change.ticket


def register(ticket: TicketRef, *, actor: Any, expected_version: int | None,
             note: str | None = None) -> Ticket:
    """approved → registration (support requests)."""
    return _plain(ticket, "register", actor=actor, expected_version=expected_version, note=note)


def deliver(ticket: TicketRef, *, actor: Any, expected_version: int | None,
            note: str | None = None) -> Ticket:
    """registration → service delivered (support requests)."""
    return _plain(ticket, "deliver", actor=actor, expected_version=expected_version, note=note)


def resolve(ticket: TicketRef, *, actor: Any, expected_version: int | None,
            note: str | None = None) -> Ticket:
    """in progress → resolved (the short path)."""
    return _plain(ticket, "resolve", actor=actor, expected_version=expected_version, note=note)


def request_information(ticket: TicketRef, *, actor: Any, expected_version: int | None,
                        missing: Sequence[str], note: str | None = None) -> Ticket:
    """→ awaiting information; the person is sent the list of what is missing."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.check("request_information")
        items: list[str] = []
        for item in missing or ():
            text = clean_text(item, max_length=MAX_ITEM)
            if text and text not in items:
                items.append(text)
        raise_if_errors({"missing": _("List at least one missing item.")} if not items else {})
        change.transition("request_information", body=clean_text(note),
                          data={"missing": items})
        number = change.ticket.number

        def render() -> str:
            heading = ngettext(
                "To continue with your request %(number)s, we need one more item:",
                "To continue with your request %(number)s, we need %(num)d more items:",
                len(items), number=number)
            return "\n".join([heading, *(f"• {item}" for item in items)])

        change.tell("missing_information", render)
    return change.ticket


def refer(ticket: TicketRef, *, actor: Any, expected_version: int | None, question: str,
          to_user_id: int | None = None, to_team_id: int | None = None) -> Ticket:
    """→ referred: a question to a team or a person, who answers and returns the ticket."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.check("refer")
        errors: dict[str, str] = {}
        question = required(errors, "question", question,
                             _("Write the question for the referral."))
        to_user = db.session.get(User, int(to_user_id)) if to_user_id else None
        to_team = db.session.get(Team, int(to_team_id)) if to_team_id else None
        if to_user_id and to_team_id:
            errors["to_user_id"] = _("Refer to a team or to a person, not both.")
        elif not to_user_id and not to_team_id:
            errors["to_user_id"] = _("Choose the team or the person to refer to.")
        elif to_user_id and (to_user is None or not to_user.active
                             or not can(to_user, "tickets.answer_referral")):
            errors["to_user_id"] = _("This person cannot receive referrals.")
        elif to_user is not None and to_user.id == getattr(actor, "id", None):
            errors["to_user_id"] = _("You cannot refer a ticket to yourself.")
        elif to_team_id and to_team is None:
            errors["to_team_id"] = _("Choose an existing team.")
        raise_if_errors(errors)
        referee = {"to_user_id": to_user.id if to_user else None,
                   "to_user_name": user_label(to_user),
                   "to_team_id": to_team.id if to_team else None,
                   "to_team_key": to_team.key if to_team else None}
        change.transition("refer", body=question, data={"referral": referee})
        db.session.add(Referral(ticket_id=change.ticket.id,
                                referred_by_id=getattr(actor, "id", None),
                                to_user_id=referee["to_user_id"],
                                to_team_id=referee["to_team_id"], question=question,
                                status="open", created_at=change.now))
    return change.ticket


def return_referral(ticket: TicketRef, *, actor: Any, expected_version: int | None,
                    answer: str) -> Ticket:
    """referred → in progress: the referee answers the question and hands the ticket back."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.check("return_referral", work=False)
        referral = open_referral(change.ticket)
        if referral is None:  # the table and the data disagree: refuse rather than guess
            raise InvalidTransition(change.ticket.kind, change.ticket.status,
                                    "return_referral")
        if not (is_referee(actor, referral) or can(actor, "tickets.view_all")):
            raise PermissionDenied("tickets.answer_referral")
        errors: dict[str, str] = {}
        answer = required(errors, "answer", answer,
                           _("Write your answer before returning the ticket."))
        raise_if_errors(errors)
        referral.status = "answered"
        referral.answer = answer
        referral.answered_by_id = getattr(actor, "id", None)
        referral.answered_at = change.now
        change.transition("return_referral", body=answer,
                          data={"referral_id": referral.id, "question": referral.question})
    return change.ticket


def send_to_committee(ticket: TicketRef, *, actor: Any, expected_version: int | None,
                      note: str | None = None) -> Ticket:
    """in progress → at the committee, due within the service's decision window; a case
    goes only with the research officer's study recorded."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.check("send_to_committee")
        due = decision_due_on(change.ticket, riyadh_today(change.now))
        change.transition("send_to_committee", body=clean_text(note), decision_due_on=due)
        number = change.ticket.number
        locale = person_locale(change.ticket)
        change.tell("status_update", lambda: _(
            "Your request %(number)s is now with the research committee. "
            "We expect a decision by %(date)s.", number=number, date=both_dates(due, locale)))
    return change.ticket


def decide_application(ticket: TicketRef, *, actor: Any, expected_version: int | None,
                       decision: str, reason: str, message: str | None = None) -> Ticket:
    """A volunteering application accepted (approve) or declined (reject), with the reason.

    Support requests are decided by the committee (helpdesk.committee.services.decide).
    """
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        if decision not in ("approve", "reject") or change.ticket.status == "committee":
            raise InvalidTransition(change.ticket.kind, change.ticket.status, decision)
        change.check(decision)
        errors: dict[str, str] = {}
        reason = required(errors, "reason", reason, _("Write the reason for the decision."))
        raise_if_errors(errors)
        change.transition(decision, body=reason)
        number, custom = change.ticket.number, clean_text(message)
        if decision == "approve":
            change.tell("decision", lambda: custom or _(
                "Thank you for volunteering with us: your application %(number)s has been "
                "accepted. We will contact you to arrange the next steps.", number=number))
        else:
            change.tell("decision", lambda: custom or _(
                "Thank you for your interest in volunteering with us. We are unable to accept "
                "your application %(number)s at this time.", number=number))
    return change.ticket


def close(ticket: TicketRef, *, actor: Any, expected_version: int | None,
          resolution_code: str, resolution_note: str, message: str | None = None) -> Ticket:
    """→ closed, with a resolution code and note; the person gets the closing message
    (``message`` or the standard one). The satisfaction survey is not asked again here: it
    went out when the ticket was resolved or decided (helpdesk/satisfaction)."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.check("close")
        errors: dict[str, str] = {}
        if resolution_code not in RESOLUTION_CODES:
            errors["resolution_code"] = _("Choose a resolution code.")
        resolution_note = required(errors, "resolution_note", resolution_note,
                                    _("Write a resolution note."))
        raise_if_errors(errors)
        change.transition("close", body=resolution_note,
                          data={"resolution_code": resolution_code})
        number, custom = change.ticket.number, clean_text(message)
        change.tell("closing", lambda: custom or _(
            "Your request %(number)s has been closed. Thank you for contacting us.",
            number=number))
    return change.ticket


def cancel(ticket: TicketRef, *, actor: Any, expected_version: int | None, reason_code: str,
           note: str | None = None, duplicate_of: str | None = None) -> Ticket:
    """→ cancelled (duplicate, spam, opened by mistake, other), with the reason."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.check("cancel")
        errors: dict[str, str] = {}
        if reason_code not in CANCEL_REASONS:
            errors["reason_code"] = _("Choose why the ticket is cancelled.")
        note = clean_text(note)
        if reason_code == "other" and not note:
            errors["note"] = _("Write why the ticket is cancelled.")
        original = clean_text(duplicate_of, max_length=32)
        if original:
            target = ticket_access(actor, original)
            if target is None:
                errors["duplicate_of"] = _("No ticket has this number.")
            elif target.ticket.id == change.ticket.id:
                errors["duplicate_of"] = _("A ticket cannot duplicate itself.")
        raise_if_errors(errors)
        change.transition("cancel", body=note,
                          data={"reason_code": reason_code, "duplicate_of": original})
    return change.ticket


def reopen(ticket: TicketRef, *, actor: Any, expected_version: int | None,
           reason: str) -> Ticket:
    """closed/resolved → reopened, with the reason."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.check("reopen")
        errors: dict[str, str] = {}
        reason = required(errors, "reason", reason, _("Write why the ticket is reopened."))
        raise_if_errors(errors)
        change.transition("reopen", body=reason)
    return change.ticket
