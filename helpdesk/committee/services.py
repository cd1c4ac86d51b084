"""Committee use cases: hold a sitting, decide requests one by one or several at a sitting.

A decision is a lifecycle transition (approve, reject, defer at ``committee``) plus a
CommitteeDecision row; the person is told in the same transaction (outbox, purpose
``decision``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from helpdesk.accounts.models import User
from helpdesk.accounts.permissions import can
from helpdesk.audit.services import record_audit
from helpdesk.committee.models import DECISIONS, CommitteeDecision, CommitteeSitting
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.tickets.errors import PermissionDenied
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.queries import TicketRef
from helpdesk.tickets.services import (
    TicketTransaction,
    both_dates,
    clean_text,
    decision_due_on,
    person_locale,
    riyadh_today,
    ticket_transaction,
)
from helpdesk.validation import ValidationError

DECISION_LABELS = {
    "approve": _l("Approve"),
    "reject": _l("Reject"),
    "defer": _l("Defer"),
}


@dataclass(frozen=True)
class AgendaDecision:
    """One line of a sitting's minutes: the request, the version seen, the decision."""

    ticket_id: int
    expected_version: int | None
    decision: str
    reason: str
    new_due_on: date | None = None
    message: str | None = None


def _as_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def open_sitting(*, actor: Any, meeting_on: date | str | None, member_ids: Sequence[int],
                 notes: str | None = None) -> CommitteeSitting:
    """Record a meeting of the committee and the members present."""
    if not can(actor, "committee.decide"):
        raise PermissionDenied("committee.decide")
    errors: dict[str, str] = {}
    day = _as_date(meeting_on)
    if day is None:
        errors["meeting_on"] = _("Choose the meeting date.")
    ids = sorted({int(member_id) for member_id in member_ids or ()})
    members = list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []
    if not ids:
        errors["member_ids"] = _("Choose the members present.")
    elif len(members) != len(ids) or any(
            not member.active or not can(member, "committee.decide") for member in members):
        errors["member_ids"] = _("Choose members of the committee only.")
    if errors:
        raise ValidationError(errors)
    sitting = CommitteeSitting(meeting_on=day, notes=clean_text(notes),
                               created_by_id=getattr(actor, "id", None), created_at=utcnow())
    sitting.members = members
    db.session.add(sitting)
    db.session.flush()
    record_audit(actor, "committee.sitting_opened", "committee_sitting", sitting.id,
                 after={"meeting_on": day.isoformat(), "member_ids": ids})
    db.session.commit()
    return sitting


def _decision_errors(decision: str, reason: Any, new_due_on: date | str | None,
                     today: date, suffix: str = "") -> dict[str, str]:
    errors: dict[str, str] = {}
    if decision not in DECISIONS:
        errors[f"decision{suffix}"] = _("Choose approve, reject or defer.")
    if clean_text(reason) is None:
        errors[f"reason{suffix}"] = _("Write the reason for the decision.")
    if decision == "defer" and new_due_on not in (None, ""):
        due = _as_date(new_due_on)
        if due is None or due <= today:
            errors[f"new_due_on{suffix}"] = _("Choose a date after today.")
    return errors


def _record(transaction: TicketTransaction, ref: TicketRef, *, actor: Any,
            expected_version: int | None, decision: str, reason: str,
            new_due_on: date | str | None, message: str | None,
            sitting: CommitteeSitting | None) -> Ticket:
    with transaction.change(ref, actor=actor, expected_version=expected_version) as change:
        if decision not in DECISIONS:
            raise ValidationError({"decision": _("Choose approve, reject or defer.")})
        # Committee members see the agenda without working the tickets: the right to
        # decide comes from the role, the reach from the access rule's committee term.
        change.check(decision, work=False)
        today = riyadh_today(change.now)
        errors = _decision_errors(decision, reason, new_due_on, today)
        if errors:
            raise ValidationError(errors)
        ticket = change.ticket
        due_before = ticket.decision_due_on
        values = {}
        if decision == "defer":
            values["decision_due_on"] = _as_date(new_due_on) or \
                decision_due_on(ticket, today)
        reason = clean_text(reason)
        event = change.transition(decision, body=reason,
                                  data={"sitting_id": sitting.id if sitting else None},
                                  **values)
        db.session.flush()
        db.session.add(CommitteeDecision(
            ticket_id=ticket.id, sitting_id=sitting.id if sitting else None,
            decision=decision, reason=reason, decided_by_id=actor.id,
            decided_at=change.now, due_on_before=due_before,
            due_on_after=values.get("decision_due_on"), event_id=event.id,
        ))
        number, custom = ticket.number, clean_text(message)
        locale = person_locale(ticket)
        if decision == "approve":
            change.tell("decision", lambda: custom or _(
                "Good news: the research committee has approved your request %(number)s. "
                "We will contact you about the next steps.", number=number))
        elif decision == "reject":
            change.tell("decision", lambda: custom or _(
                "After studying your request %(number)s, the research committee could not "
                "approve it. You are welcome to contact us for details.", number=number))
        else:
            due = values["decision_due_on"]
            change.tell("decision", lambda: custom or _(
                "The research committee needs more time to study your request %(number)s. "
                "We expect a decision by %(date)s.", number=number,
                date=both_dates(due, locale)))
    return change.ticket


def _sitting(sitting_id: int | None) -> CommitteeSitting | None:
    if sitting_id is None:
        return None
    sitting = db.session.get(CommitteeSitting, int(sitting_id))
    if sitting is None:
        raise ValidationError({"sitting_id": _("Choose an existing sitting.")})
    return sitting


def decide(ticket: TicketRef, *, actor: Any, expected_version: int | None, decision: str,
           reason: str, sitting_id: int | None = None, new_due_on: date | str | None = None,
           message: str | None = None) -> Ticket:
    """Approve, reject or defer (to ``new_due_on``, else a new window) a request at the
    committee; ``message`` replaces the standard text sent to the person."""
    with ticket_transaction() as transaction:
        ticket = _record(transaction, ticket, actor=actor, expected_version=expected_version,
                         decision=decision, reason=reason, new_due_on=new_due_on,
                         message=message, sitting=_sitting(sitting_id))
    return ticket


def decide_in_sitting(sitting_id: int, *, actor: Any,
                      decisions: Sequence[AgendaDecision]) -> list[Ticket]:
    """Several requests decided at one sitting, all or none.

    Field errors are keyed ``<field>-<ticket_id>`` (decision, reason, new_due_on); a
    request changed meanwhile raises StaleTicket and nothing is recorded.
    """
    if not can(actor, "committee.decide"):
        raise PermissionDenied("committee.decide")
    if not decisions:
        raise ValidationError({"decisions": _("Choose at least one request to decide.")})
    today = riyadh_today()
    errors: dict[str, str] = {}
    for line in decisions:
        errors.update(_decision_errors(line.decision, line.reason, line.new_due_on, today,
                                       suffix=f"-{line.ticket_id}"))
    if errors:
        raise ValidationError(errors)
    tickets = []
    with ticket_transaction() as transaction:
        sitting = _sitting(sitting_id)
        for line in decisions:
            tickets.append(_record(transaction, line.ticket_id, actor=actor,
                                   expected_version=line.expected_version,
                                   decision=line.decision, reason=line.reason,
                                   new_due_on=line.new_due_on, message=line.message,
                                   sitting=sitting))
    return tickets
