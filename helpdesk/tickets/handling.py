"""Changes that keep the status: assignment, team, priority, tags, notes and replies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from werkzeug.datastructures import FileStorage

from helpdesk.accounts.models import Team, User
from helpdesk.accounts.permissions import can
from helpdesk.extensions import db
from helpdesk.services_catalog.models import Service
from helpdesk.tickets.change import (
    DEFAULT_STAFF_FILE_MAX_BYTES,
    MAX_TAG,
    STAFF_FILE_TYPES,
    TicketChange,
    changing,
    raise_if_errors,
    required,
    user_label,
)
from helpdesk.tickets.models import Attachment, Event, Tag, Ticket, ticket_tags
from helpdesk.tickets.queries import (
    TicketRef,
)
from helpdesk.tickets.states import SHORT_PATH, TERMINAL_STATUSES
from helpdesk.tickets.vocabulary import PRIORITIES
from helpdesk.uploads import CheckedUpload, check_field, store_checked
from helpdesk.validation import ValidationError

# ---------------------------------------------------------------------------------------
# Changes that keep the status

def _repoint(change: TicketChange, relation: str, new: Any, event_type: str, labels: str,
             label: Callable[[Any], str | None]) -> Event | None:
    """Point the ticket's ``relation`` (assignee, team) at ``new`` (None: at nothing) if it
    points elsewhere, with one event that also keeps, under ``labels``, what each one was."""
    new_id = new.id if new is not None else None
    if getattr(change.ticket, f"{relation}_id") == new_id:
        return None
    previous = getattr(change.ticket, relation)
    event = change.update(event_type, **{f"{relation}_id": new_id})
    event.data = {**event.data, labels: {"before": label(previous), "after": label(new)}}
    return event


# The changes themselves, on a ticket already being changed: the use cases below make them
# for a person, and other domains (routing rules) make the same changes with the same events.

def repoint_assignee(change: TicketChange, assignee: User | None) -> Event | None:
    """Give the ticket to ``assignee`` (an 'assigned' event), unless it already has them."""
    return _repoint(change, "assignee", assignee, "assigned", "names", user_label)


def repoint_team(change: TicketChange, team: Team | None) -> Event | None:
    """Move the ticket to ``team``'s queue (a 'team_changed' event), unless it is there."""
    return _repoint(change, "team", team, "team_changed", "keys",
                    lambda chosen: chosen.key if chosen else None)


def reprioritise(change: TicketChange, priority: str) -> Event | None:
    """Set the priority (a 'priority_changed' event), unless it already is ``priority``."""
    if change.ticket.priority == priority:
        return None
    return change.update("priority_changed", priority=priority)


def attach_tag(change: TicketChange, name: str) -> Event | None:
    """Put the (normalised, valid) tag on the ticket (a 'tag_added' event), unless it is."""
    tag_id = db.session.scalar(select(Tag.id).where(Tag.name == name))
    if tag_id is None:
        # ON CONFLICT: two people creating the same new tag at once both succeed.
        insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" \
            else sqlite_insert
        db.session.execute(insert(Tag).values(name=name, created_at=change.now)
                           .on_conflict_do_nothing(index_elements=["name"]))
        tag_id = db.session.scalar(select(Tag.id).where(Tag.name == name))
    present = db.session.scalar(select(ticket_tags.c.tag_id).where(
        ticket_tags.c.ticket_id == change.ticket.id, ticket_tags.c.tag_id == tag_id))
    if present is not None:
        return None
    event = change.event("tag_added", data={"tag": name})
    db.session.execute(ticket_tags.insert().values(ticket_id=change.ticket.id, tag_id=tag_id))
    return event


def assign(ticket: TicketRef, *, actor: Any, expected_version: int | None,
           assignee_id: int | None) -> Ticket:
    """Give the ticket to a staff member (None: unassign)."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.assign")
        assignee = db.session.get(User, int(assignee_id)) if assignee_id else None
        if assignee_id and (assignee is None or not assignee.active
                            or not can(assignee, "tickets.work")):
            raise ValidationError({"assignee_id": _(
                "Choose an active staff member who works on tickets.")})
        repoint_assignee(change, assignee)
    return change.ticket


def take(ticket: TicketRef, *, actor: Any, expected_version: int | None) -> Ticket:
    """Assign an unassigned ticket to oneself."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.take")
        current = change.ticket.assignee
        if current is not None and current.id != actor.id:
            raise ValidationError({"assignee_id": _(
                "This ticket is already assigned to %(name)s.", name=current.name)})
        if current is None:
            event = change.update("assigned", assignee_id=actor.id)
            event.data = {**event.data, "took": True,
                          "names": {"before": None, "after": actor.name}}
    return change.ticket


def change_team(ticket: TicketRef, *, actor: Any, expected_version: int | None,
                team_id: int | None) -> Ticket:
    """Move the ticket to another team's queue (None: back to the unrouted pool)."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.assign")
        team = db.session.get(Team, int(team_id)) if team_id else None
        if team_id and team is None:
            raise ValidationError({"team_id": _("Choose an existing team.")})
        repoint_team(change, team)
    return change.ticket


def set_priority(ticket: TicketRef, *, actor: Any, expected_version: int | None,
                 priority: str) -> Ticket:
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.work")
        if priority not in PRIORITIES:
            raise ValidationError({"priority": _("Choose a priority.")})
        reprioritise(change, priority)
    return change.ticket


def reclassify(ticket: TicketRef, *, actor: Any, expected_version: int | None,
               kind: str, service_id: int | None) -> Ticket:
    """Say what the ticket is about: another kind among the short path's (an inquiry that
    is a complaint) and/or another service (None: none). The clocks and the routing rules
    follow the change (their handlers of TicketChanged). Support requests and volunteering
    keep their kind: their records (a case, an application) belong to it."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.assign")
        current = change.ticket
        if current.status in TERMINAL_STATUSES:
            raise ValidationError({"kind": _(
                "A closed or cancelled ticket cannot be reclassified; reopen it first.")})
        if current.kind not in SHORT_PATH:
            raise ValidationError({"kind": _(
                "Support requests and volunteering applications keep their kind and "
                "service: they have their own records.")})
        errors: dict[str, str] = {}
        if kind not in SHORT_PATH:
            errors["kind"] = _(
                "Choose an inquiry, a complaint, a suggestion, appreciation or other.")
        service = db.session.get(Service, int(service_id)) if service_id else None
        if service_id and (service is None or (not service.active
                                              and service.id != current.service_id)):
            errors["service_id"] = _("Choose an active service, or none.")
        raise_if_errors(errors)
        new_service_id = service.id if service is not None else None
        if kind == current.kind and new_service_id == current.service_id:
            raise ValidationError({"kind": _(
                "Nothing to change: choose another kind or another service.")})
        change.update("reclassified", kind=kind, service_id=new_service_id)
    return change.ticket


def normalise_tag(name: Any) -> str:
    return " ".join(str(name or "").split()).lower()


def add_tag(ticket: TicketRef, *, actor: Any, expected_version: int | None,
            name: str) -> Ticket:
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.work")
        name = normalise_tag(name)
        if not name or len(name) > MAX_TAG:
            raise ValidationError({"name": ngettext(
                "Write a tag of at most %(num)d character.",
                "Write a tag of at most %(num)d characters.", MAX_TAG)})
        attach_tag(change, name)
    return change.ticket


def remove_tag(ticket: TicketRef, *, actor: Any, expected_version: int | None,
               name: str) -> Ticket:
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.work")
        name = normalise_tag(name)
        tag_id = db.session.scalar(select(Tag.id).where(Tag.name == name))
        if tag_id is not None and db.session.execute(
                delete(ticket_tags).where(ticket_tags.c.ticket_id == change.ticket.id,
                                          ticket_tags.c.tag_id == tag_id)).rowcount:
            change.event("tag_removed", data={"tag": name})
    return change.ticket


def staff_file_max_bytes() -> int:
    return int(current_app.config.get("STAFF_FILE_MAX_BYTES", DEFAULT_STAFF_FILE_MAX_BYTES))


def _checked_file(file: FileStorage | None, errors: dict[str, str]) -> CheckedUpload | None:
    return check_field(file, errors, "file", allowed_types=STAFF_FILE_TYPES,
                       max_bytes=staff_file_max_bytes(),
                       type_message=_("Attach a photo (JPEG, PNG or WebP) or a PDF file."))


def _attach(change: TicketChange, event: Event, checked: CheckedUpload | None) -> None:
    """The file sent with a note or a reply, kept with its timeline entry."""
    if checked is None:
        return
    stored = store_checked(checked)
    db.session.flush()
    attachment = Attachment(
        ticket_id=change.ticket.id, event_id=event.id, display_name=stored.display_name,
        stored_name=stored.stored_name, content_type=stored.content_type, size=stored.size,
        sha256=stored.sha256, uploaded_by_id=getattr(change.actor, "id", None),
        created_at=change.now)
    db.session.add(attachment)
    db.session.flush()
    event.data = {**(event.data or {}), "attachments": [attachment.id]}


def add_note(ticket: TicketRef, *, actor: Any, expected_version: int | None,
             body: str, file: FileStorage | None = None) -> Ticket:
    """An internal note (with a photo or a PDF, e.g. of a field visit): staff only.
    Referees and committee members may add one too."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.note", work=False)
        errors: dict[str, str] = {}
        body = required(errors, "body", body, _("Write the note."))
        checked = _checked_file(file, errors)
        raise_if_errors(errors)
        event = change.event("note", body=body, visibility="internal")
        _attach(change, event, checked)
    return change.ticket


def reply(ticket: TicketRef, *, actor: Any, expected_version: int | None,
          body: str, file: FileStorage | None = None) -> Ticket:
    """A public reply, delivered to the person through the ticket's channel; a file sent
    with it is theirs to download from the tracking page."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.reply")
        errors: dict[str, str] = {}
        body = required(errors, "body", body, _("Write the reply."))
        checked = _checked_file(file, errors)
        raise_if_errors(errors)
        change.tell("reply", lambda: body)
        _attach(change, change.events[-1], checked)
    return change.ticket
