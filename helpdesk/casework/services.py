"""Casework use cases: a support request becomes a case with a checklist, a declaration
and the research officer's study.

``open_case`` runs inside the caller's transaction (the application form commits); the
staff use cases below are one transaction each, through the ticket lifecycle's machinery
(helpdesk.tickets.services.changing), so every change is checked, versioned and recorded
on the timeline with who, when and before/after.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.lists import format_list
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from helpdesk.accounts.permissions import can
from helpdesk.casework.eligibility import check_eligibility
from helpdesk.casework.models import (
    OUTSTANDING_STATES,
    RECOMMENDATIONS,
    Case,
    CaseStudy,
    ChecklistItem,
    Declaration,
)
from helpdesk.committee.models import CommitteeDecision
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.services_catalog.schema import (
    answers_to_json,
    current_language,
    read_date,
    validate_answers,
)
from helpdesk.services_catalog.services import service_definition
from helpdesk.tickets.errors import InvalidTransition, PermissionDenied
from helpdesk.tickets.models import Attachment, Event, Ticket
from helpdesk.tickets.outbox import queue_message
from helpdesk.tickets.queries import TicketAccess, TicketRef
from helpdesk.tickets.services import (
    MAX_TEXT,
    TicketChange,
    changing,
    clean_text,
    person_locale,
    riyadh_today,
)
from helpdesk.uploads import CheckedUpload, store_checked
from helpdesk.validation import ValidationError

# The version of the declaration text; change it whenever the wording changes, so each
# recorded declaration says which words the person agreed to.
DECLARATION_VERSION = "2026-11-v1"
IN_PERSON = "in_person"  # the channel recorded for a declaration made at the association
SUPPORT_REQUEST = "support_request"
# What a staff member may set an item to, and the permission it takes.
STAFF_STATES = ("verified", "rejected", "missing", "received")


@dataclass(frozen=True)
class DeclarationInput:
    """What the applicant was shown (the text's version) and whether they accepted it;
    made in person at the desk, the name they typed and the signature they drew (a checked
    PNG; None when they sign the printed form by hand)."""

    text_version: str
    accepted: bool
    in_person: bool = False
    signed_name: str | None = None
    signature: CheckedUpload | None = None


def current_declaration_text() -> tuple[str, str]:
    """(version key, the declaration in the current locale) as shown to the applicant."""
    return DECLARATION_VERSION, _(
        "I confirm that the data I have given is correct and I am responsible for it.")


def _declaration_text(locale: str) -> str:
    with force_locale(locale):
        return current_declaration_text()[1]


# ---------------------------------------------------------------------------------------
# Reading


def get_case(ticket: Ticket | int) -> Case | None:
    ticket_id = ticket.id if isinstance(ticket, Ticket) else ticket
    return db.session.scalar(select(Case).where(Case.ticket_id == ticket_id))


def answers_as_read(case: Case) -> dict[str, str]:
    """The applicant's answers as a person reads them (a choice by its label), by field."""
    answers = case.answers or {}
    fields = {field.name: field for field in service_definition(case.service).fields} \
        if case.service is not None else {}
    return {name: fields[name].answer_text(value) if name in fields else str(value)
            for name, value in answers.items()}


def checklist(ticket: Ticket | int) -> list[ChecklistItem]:
    ticket_id = ticket.id if isinstance(ticket, Ticket) else ticket
    return list(db.session.scalars(select(ChecklistItem)
                                   .where(ChecklistItem.ticket_id == ticket_id)
                                   .order_by(ChecklistItem.position, ChecklistItem.id)))


def item_label(item: ChecklistItem, language: str | None = None) -> str:
    return item.label.text(language)


def outstanding_items(ticket: Ticket | int) -> list[ChecklistItem]:
    """Required items still missing or rejected: what keeps the ticket waiting."""
    return [item for item in checklist(ticket)
            if item.required and item.state in OUTSTANDING_STATES]


def missing_documents(ticket: Ticket | int) -> list[ChecklistItem]:
    """Documents the person can still upload (missing or rejected, required or not)."""
    return [item for item in checklist(ticket)
            if item.kind == "document" and item.state in OUTSTANDING_STATES]


def declarations(ticket: Ticket | int) -> list[Declaration]:
    ticket_id = ticket.id if isinstance(ticket, Ticket) else ticket
    return list(db.session.scalars(select(Declaration)
                                   .where(Declaration.ticket_id == ticket_id)
                                   .order_by(Declaration.id)))


def current_study(ticket: Ticket | int) -> CaseStudy | None:
    ticket_id = ticket.id if isinstance(ticket, Ticket) else ticket
    return db.session.scalar(select(CaseStudy).where(CaseStudy.ticket_id == ticket_id)
                             .order_by(CaseStudy.version.desc()).limit(1))


def study_history(ticket: Ticket | int) -> list[CaseStudy]:
    ticket_id = ticket.id if isinstance(ticket, Ticket) else ticket
    return list(db.session.scalars(select(CaseStudy).where(CaseStudy.ticket_id == ticket_id)
                                   .order_by(CaseStudy.version.desc())))


def studies_for(ticket_ids: Sequence[int]) -> dict[int, CaseStudy]:
    """The current study of each ticket that has one (the committee agenda)."""
    if not ticket_ids:
        return {}
    latest = (select(CaseStudy.ticket_id, func.max(CaseStudy.version).label("version"))
              .where(CaseStudy.ticket_id.in_(list(ticket_ids)))
              .group_by(CaseStudy.ticket_id).subquery())
    rows = db.session.scalars(select(CaseStudy).join(
        latest, (CaseStudy.ticket_id == latest.c.ticket_id)
        & (CaseStudy.version == latest.c.version)))
    return {study.ticket_id: study for study in rows}


# ---------------------------------------------------------------------------------------
# The message listing what is missing


def _missing_message(number: str, items: Sequence[ChecklistItem]) -> Callable[[], str]:
    """Rendered later inside the person's locale (TicketChange.tell forces it)."""
    def render() -> str:
        language = current_language()
        heading = ngettext(
            "To continue with your request %(number)s, we need one more item:",
            "To continue with your request %(number)s, we need %(num)d more items:",
            len(items), number=number)
        lines = [heading]
        for item in items:
            line = f"• {item_label(item, language)}"
            if item.state == "rejected" and item.note:
                line += f" ({item.note})"
            lines.append(line)
        return "\n".join(lines)
    return render


def _tell_missing(change: TicketChange, items: Sequence[ChecklistItem], *,
                  receipt: Callable[[], str] | None = None) -> None:
    """The list of what is missing; with ``receipt``, the person's receipt heads it in the
    one message sent (the timeline keeps only the list: the receipt's tracking link is
    the person's secret)."""
    change.tell("missing_information", _missing_message(change.ticket.number, items),
                private_preface=receipt)


def _item_data(item: ChecklistItem) -> dict[str, Any]:
    return {"item_id": item.id, "kind": item.kind, "key": item.key,
            "label_ar": item.label_ar, "label_en": item.label_en}


# ---------------------------------------------------------------------------------------
# Opening a case (inside the caller's transaction)


def _system_change(ticket: Ticket, actor: Any, now: datetime) -> TicketChange:
    """A change made on the applicant's behalf: the intake itself, not a staff member's
    choice, so no role check (the table is still asked for every transition)."""
    return TicketChange(TicketAccess(ticket, True, False, False), actor, now)


def open_case(ticket: Ticket, *, service: Any, answers: Mapping[str, Any],
              documents: Mapping[str, Sequence[Attachment]],
              declaration: DeclarationInput | None, channel_key: str,
              actor: Any = None, receipt: Callable[[], str] | None = None,
              verified: Collection[str] = ()) -> Case:
    """Turn a freshly opened support request into a case; flushes, never commits.

    Stores the answers (normalised per the service definition) and the eligibility verdict
    (an event staff see; an ineligible applicant still gets a case), builds the checklist
    from the service's fields and documents (provided ones "received"), records the
    declaration, and when a required item is missing moves the ticket to awaiting
    information and queues a message to the person listing exactly what is missing.

    ``receipt`` renders the acknowledgement the person is owed for the new request (its
    number and tracking link), in the current locale. The person then gets exactly one
    message: the receipt heading the list of what is missing, or the receipt alone when
    nothing is. Without it, only the missing-items message goes (if anything is missing).
    ``verified`` names the items staff checked with the applicant present ("field:<name>",
    "document:<key>"): an answer given, or a document seen (its original shown at the desk
    or its file attached), is then verified by ``actor``.
    The caller commits (the unit of work announces the changes).
    """
    now = utcnow()
    definition = service_definition(service)
    clean, errors = validate_answers(definition.fields, answers)
    verdict = check_eligibility(service, answers, ticket.contact)
    if ticket.service_id != service.id:
        ticket.service_id = service.id
    case = Case(ticket_id=ticket.id, service_id=service.id, answers=answers_to_json(clean),
                eligibility=verdict.status, eligibility_reasons=list(verdict.reasons),
                created_at=now)
    db.session.add(case)
    change = _system_change(ticket, actor, now)
    change.event("eligibility_checked", body="\n".join(verdict.reasons) or None,
                 data={"service": service.key, **verdict.to_json()})

    position = 0
    for field in definition.fields:
        provided = field.name in clean
        checked = provided and f"field:{field.name}" in verified
        db.session.add(ChecklistItem(
            ticket_id=ticket.id, kind="field", key=field.name, label_ar=field.label.ar,
            label_en=field.label.en, required=field.required, position=position,
            state="verified" if checked else "received" if provided else "missing",
            note=None if provided else errors.get(field.name), created_at=now,
            updated_at=now, **_verified_by(checked, actor, now)))
        position += 1
    for document in definition.documents:
        attached = [a for a in documents.get(document.key, ()) if a is not None]
        checked = f"document:{document.key}" in verified
        db.session.add(ChecklistItem(
            ticket_id=ticket.id, kind="document", key=document.key,
            label_ar=document.label.ar, label_en=document.label.en,
            required=document.required, position=position,
            state="verified" if checked else "received" if attached else "missing",
            attachment_ids=[a.id for a in attached], created_at=now, updated_at=now,
            **_verified_by(checked, actor, now)))
        position += 1
    db.session.flush()
    in_person = sorted(item.key for item in checklist(ticket) if item.state == "verified")
    change.event("case_opened", data={
        "service": service.key, "answers": case.answers,
        "documents": {key: [a.id for a in value if a is not None]
                      for key, value in documents.items()},
        **({"verified_in_person": in_person} if in_person else {})})

    if declaration is not None and declaration.accepted:
        _record_declaration(change, text_version=declaration.text_version,
                            channel_key=IN_PERSON if declaration.in_person else channel_key,
                            recorded_by=actor if declaration.in_person else None,
                            signed_name=declaration.signed_name,
                            signature=declaration.signature)

    missing = outstanding_items(ticket)
    if missing:
        if ticket.status != "awaiting_information":
            change.transition("request_information", data={
                "missing": [item_label(item) for item in missing], "automatic": True})
        _tell_missing(change, missing, receipt=receipt)
    elif receipt is not None:
        _send_receipt(ticket, receipt)
    db.session.flush()
    return case


def _send_receipt(ticket: Ticket, receipt: Callable[[], str]) -> None:
    """The receipt on its own, in the person's locale; outbox only, like every receipt (its
    tracking link is the person's secret, so it is kept off the timeline)."""
    locale = person_locale(ticket)
    with force_locale(locale):
        body = str(receipt())
    queue_message(ticket=ticket, purpose="receipt", body=body, locale=locale)


def _verified_by(checked: bool, actor: Any, now: datetime) -> dict[str, Any]:
    if not checked:
        return {}
    return {"verified_by_id": getattr(actor, "id", None), "verified_at": now}


def _record_declaration(change: TicketChange, *, text_version: str, channel_key: str,
                        recorded_by: Any, signed_name: str | None = None,
                        signature: CheckedUpload | None = None) -> Declaration:
    """The declaration on the timeline; a drawn signature is kept as a file of that entry."""
    text = _declaration_text(person_locale(change.ticket))
    row = Declaration(ticket_id=change.ticket.id, text_version=text_version, text=text,
                      channel_key=channel_key, declared_at=change.now,
                      recorded_by_id=getattr(recorded_by, "id", None))
    db.session.add(row)
    data: dict[str, Any] = {"text_version": text_version, "channel": channel_key,
                            "in_person": recorded_by is not None,
                            "declared_at": change.now.isoformat()}
    if signed_name:
        data["signed_name"] = signed_name
    if recorded_by is not None:
        data["signature"] = "drawn" if signature is not None else "on_paper"
    event = change.event("declaration_recorded", body=text, data=data)
    if signature is not None:
        stored = store_checked(signature)
        db.session.flush()
        attachment = Attachment(
            ticket_id=change.ticket.id, event_id=event.id, display_name=stored.display_name,
            stored_name=stored.stored_name, content_type=stored.content_type,
            size=stored.size, sha256=stored.sha256,
            uploaded_by_id=getattr(recorded_by, "id", None), created_at=change.now)
        db.session.add(attachment)
        db.session.flush()
        event.data = {**data, "attachments": [attachment.id]}
    return row


# ---------------------------------------------------------------------------------------
# Guards the lifecycle asks before moving a support request on


class CaseIncomplete(InvalidTransition):
    """Required items are still missing or rejected: the ticket keeps waiting for them."""

    def __init__(self, ticket: Ticket, labels: Sequence[str]):
        super().__init__(ticket.kind, ticket.status, "information_received")
        self.labels = list(labels)

    @property
    def message(self) -> str:
        return ngettext(
            "The request cannot move on while this item is missing or rejected: %(items)s.",
            "The request cannot move on while these %(num)d items are missing or rejected: "
            "%(items)s.", len(self.labels),
            items=format_list(self.labels, locale=current_language()))


class StudyRequired(InvalidTransition):
    """A case goes to the committee only with the research officer's study recorded."""

    def __init__(self, ticket: Ticket):
        super().__init__(ticket.kind, ticket.status, "send_to_committee")

    @property
    def message(self) -> str:
        return _("Record the social research study before sending the request to the "
                 "committee.")


def require_nothing_missing(ticket: Ticket) -> None:
    """Raise CaseIncomplete when a required checklist item is missing or rejected."""
    missing = outstanding_items(ticket)
    if missing:
        raise CaseIncomplete(ticket, [item_label(item) for item in missing])


def require_study(ticket: Ticket) -> None:
    """Raise StudyRequired when the ticket is a case without a recorded study."""
    if ticket.kind == SUPPORT_REQUEST and get_case(ticket) is not None \
            and current_study(ticket) is None:
        raise StudyRequired(ticket)


# ---------------------------------------------------------------------------------------
# Staff: verifying the checklist (one transaction each)

LONGEST_NOTE = 1000


def _require_case(change: TicketChange) -> Case:
    case = get_case(change.ticket)
    if change.ticket.kind != SUPPORT_REQUEST or case is None:
        raise InvalidTransition(change.ticket.kind, change.ticket.status, "casework")
    return case


def _item_of(ticket: Ticket, item_id: Any) -> ChecklistItem:
    text = str(item_id or "").strip()
    item = None
    if text.isdigit() and int(text) < 2**31:
        item = db.session.get(ChecklistItem, int(text))
    if item is None or item.ticket_id != ticket.id:
        raise ValidationError({"item": _("Choose an item of this request's checklist.")})
    return item


def set_item_state(ticket: TicketRef, *, actor: Any, expected_version: int | None,
                   item_id: Any, state: str, note: Any = None) -> ChecklistItem:
    """A staff member verifies, rejects, or marks an item missing or received.

    Rejecting needs the reason, which the person is told. When a required item becomes
    missing or rejected, the person is sent the list of everything still missing (and a
    request being worked goes back to awaiting information).
    """
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.work")
        _require_case(change)
        item = _item_of(change.ticket, item_id)
        if state not in STAFF_STATES:
            raise ValidationError({"state": _("Choose what to do with this item.")})
        note_text = clean_text(note, max_length=LONGEST_NOTE)
        if state == "rejected" and not note_text:
            raise ValidationError({"note": _("Write why the item is rejected; the applicant "
                                             "will be told.")})
        before = {"state": item.state, "note": item.note}
        item.state = state
        item.note = note_text
        item.updated_at = change.now
        if state in ("verified", "rejected"):
            item.verified_by_id = getattr(actor, "id", None)
            item.verified_at = change.now
        else:
            item.verified_by_id = None
            item.verified_at = None
        change.event("checklist_item_changed", body=note_text, data={
            **_item_data(item), "before": before,
            "after": {"state": item.state, "note": item.note}})
        db.session.flush()
        if state in OUTSTANDING_STATES and item.required:
            missing = outstanding_items(change.ticket)
            if change.ticket.status in ("new", "in_progress", "reopened"):
                labels = [item_label(i) for i in missing]
                try:
                    change.transition("request_information",
                                      data={"missing": labels, "automatic": True})
                except InvalidTransition:
                    pass  # this status does not wait on the person; the message still goes
            _tell_missing(change, missing)
    return item


def record_declaration_in_person(ticket: TicketRef, *, actor: Any,
                                 expected_version: int | None) -> Declaration:
    """The applicant made the declaration at the association; a staff member records it."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.work")
        _require_case(change)
        row = _record_declaration(change, text_version=DECLARATION_VERSION,
                                  channel_key=IN_PERSON, recorded_by=actor)
    return row


# ---------------------------------------------------------------------------------------
# The research officer's study


def _visit_date(raw: Any, today: date, errors: dict[str, str]) -> date | None:
    if isinstance(raw, date):
        value: date | None = raw
    else:
        value = read_date(raw) if str(raw or "").strip() else None
        if value is None:
            errors["visit_date"] = _("Enter the visit date as YYYY-MM-DD.")
            return None
    if value > today:
        errors["visit_date"] = _("The visit date cannot be in the future.")
        return None
    return value


def record_study(ticket: TicketRef, *, actor: Any, expected_version: int | None,
                 visit_date: Any, findings: Any, recommendation: Any) -> CaseStudy:
    """Record the study, or correct it: a correction is a new version, and the timeline
    keeps what it was and what it became. The research officer a request is referred to
    records it too: the study is their answer to the referral."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.work", work=False)
        if not (change.access.can_work or change.access.is_referee):
            raise PermissionDenied("tickets.work")
        _require_case(change)
        errors: dict[str, str] = {}
        visit = _visit_date(visit_date, riyadh_today(change.now), errors)
        text = clean_text(findings, max_length=MAX_TEXT)
        if text is None:
            errors["findings"] = _("Write the findings of the study.")
        if recommendation not in RECOMMENDATIONS:
            errors["recommendation"] = _("Choose a recommendation.")
        if errors:
            raise ValidationError(errors)
        previous = current_study(change.ticket)
        study = CaseStudy(ticket_id=change.ticket.id,
                          version=(previous.version + 1) if previous else 1,
                          visit_date=visit, findings=text, recommendation=recommendation,
                          recorded_by_id=getattr(actor, "id", None), recorded_at=change.now)
        db.session.add(study)
        after = _study_data(study)
        change.event("study_corrected" if previous else "study_recorded", body=text, data={
            "version": study.version,
            "before": _study_data(previous) if previous else None, "after": after})
    return study


def _study_data(study: CaseStudy) -> dict[str, Any]:
    return {"visit_date": study.visit_date.isoformat(), "findings": study.findings,
            "recommendation": study.recommendation}


# ---------------------------------------------------------------------------------------
# The applicant uploads a missing document through the portal


def document_arrived(ticket: Ticket, *, document_key: str, attachment: Attachment,
                     now: datetime) -> ChecklistItem | None:
    """Inside the portal's transaction: the named missing document is now received."""
    item = db.session.scalar(select(ChecklistItem).where(
        ChecklistItem.ticket_id == ticket.id, ChecklistItem.kind == "document",
        ChecklistItem.key == document_key))
    if item is None or item.state not in OUTSTANDING_STATES:
        return None
    before = {"state": item.state, "note": item.note}
    item.state = "received"
    item.attachment_ids = [*(item.attachment_ids or []), attachment.id]
    item.verified_by_id = None
    item.verified_at = None
    item.updated_at = now
    db.session.add(Event(ticket_id=ticket.id, type="checklist_item_changed",
                         visibility="internal", data={
                             **_item_data(item), "before": before,
                             "after": {"state": item.state, "note": item.note},
                             "via": "portal", "attachment_id": attachment.id},
                         created_at=now))
    return item


def can_study(user: Any, ticket: Ticket) -> bool:
    return ticket.kind == SUPPORT_REQUEST and can(user, "tickets.work")



def committee_outcomes(tickets: Sequence[Ticket]) -> dict[int, CommitteeDecision]:
    """The committee's final word (approve or reject) on each support request of a list
    that has one, read in one query (a contact's history shows it per row)."""
    ids = [ticket.id for ticket in tickets if ticket.kind == SUPPORT_REQUEST]
    if not ids:
        return {}
    latest = (select(func.max(CommitteeDecision.id))
              .where(CommitteeDecision.ticket_id.in_(ids),
                     CommitteeDecision.decision.in_(("approve", "reject")))
              .group_by(CommitteeDecision.ticket_id))
    rows = db.session.scalars(select(CommitteeDecision).where(CommitteeDecision.id.in_(latest)))
    return {decision.ticket_id: decision for decision in rows}
