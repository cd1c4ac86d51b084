"""The queue as CSV: exactly the tickets the user's queue shows, streamed in keyset batches.

The rows come from the queue's own query (``queue_page``: the access rule, the saved view,
the filters, the search and the sort), walked page after page by its cursor in batches of
``BATCH_SIZE`` — never OFFSET, never everything in memory — up to ``MAX_ROWS``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from phonenumbers import NumberParseException
from sqlalchemy import func, select

from helpdesk.accounts.models import User
from helpdesk.accounts.permissions import can
from helpdesk.audit.services import record_audit
from helpdesk.channels.registry import registered_channels
from helpdesk.contacts.identifiers import national_phone
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.i18n.dates import RIYADH
from helpdesk.i18n.language import current_language
from helpdesk.services_catalog.models import Service
from helpdesk.tickets.models import Event, Ticket
from helpdesk.tickets.queue import QueueFilters, queue_clauses, queue_page, without_cursor
from helpdesk.tickets.vocabulary import KINDS, PRIORITIES, RESOLUTION_CODES, STATUSES

BATCH_SIZE = 1000
MAX_ROWS = 100_000
AUDIT_ACTION = "tickets.exported"
BOM = "\ufeff"  # Excel reads a CSV as UTF-8 (Arabic included) only with it
# A cell starting with one of these is a formula to a spreadsheet: it is written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """The value as text, with a leading ``'`` when a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def header() -> list[str]:
    return [_("Number"), _("Created (Riyadh time)"), _("Channel"), _("Kind"), _("Status"),
            _("Priority"), _("Service"), _("Contact name"), _("Contact phone"), _("Team"),
            _("Assignee"), _("Due"), _("Closed at"), _("Resolution code")]


def _local(value: datetime | None) -> str:
    """Riyadh time, ISO 8601 with a space (spreadsheets read it as a date and time)."""
    return value.astimezone(RIYADH).strftime("%Y-%m-%d %H:%M") if value else ""


def _phone(phone: str | None) -> str:
    """As the staff lists show it (the national form); national IDs are never exported."""
    if not phone:
        return ""
    try:
        return national_phone(phone)
    except NumberParseException:  # a stored oddity: shown as it was stored
        return phone


def _resolution_codes(tickets: list[Ticket]) -> dict[int, str]:
    """The code of each closed ticket's latest closing, from its status events."""
    closed = [t.id for t in tickets if t.status == "closed"]
    if not closed:
        return {}
    codes: dict[int, str] = {}
    rows = db.session.execute(
        select(Event.ticket_id, Event.data)
        .where(Event.ticket_id.in_(closed), Event.type == "status_changed")
        .order_by(Event.ticket_id, Event.id))
    for ticket_id, data in rows:
        if (data or {}).get("to") == "closed" and data.get("resolution_code"):
            codes[ticket_id] = data["resolution_code"]
    return codes


class _Labels:
    """Names read once per export: channels, services, then the reader's language."""

    def __init__(self) -> None:
        self.arabic = current_language() == "ar"
        self.channels = {key: channel.meta.label for key, channel in registered_channels().items()}
        self.services = {
            service_id: (name_ar if self.arabic else name_en)
            for service_id, name_ar, name_en in db.session.execute(
                select(Service.id, Service.name_ar, Service.name_en))
        }

    def named(self, item: Any) -> str:
        if item is None:
            return ""
        return item.name_ar if self.arabic else item.name_en


def _row(ticket: Ticket, labels: _Labels, codes: dict[int, str]) -> list[Any]:
    contact = ticket.contact
    code = codes.get(ticket.id)
    return [
        ticket.number,
        _local(ticket.created_at),
        labels.channels.get(ticket.channel_key, ticket.channel_key),
        KINDS.get(ticket.kind, ticket.kind),
        STATUSES.get(ticket.status, ticket.status),
        PRIORITIES.get(ticket.priority, ticket.priority),
        labels.services.get(ticket.service_id, "") if ticket.service_id else "",
        contact.name if contact and contact.name else "",
        _phone(contact.phone) if contact else "",
        labels.named(ticket.team),
        ticket.assignee.name if ticket.assignee else "",
        _local(ticket.resolution_due_at),
        _local(ticket.closed_at),
        RESOLUTION_CODES.get(code, code) if code else "",
    ]


def export_rows(user: Any, filters: QueueFilters) -> Iterator[list[Any]]:
    """The header, then the queue's tickets in its order, batch after batch (keyset), and a
    note as the last row when there were more than ``MAX_ROWS``."""
    labels = _Labels()
    yield header()
    filters = without_cursor(filters)
    written = 0
    while True:
        page = queue_page(user, filters, limit=min(BATCH_SIZE, MAX_ROWS - written))
        codes = _resolution_codes(page.tickets)
        for ticket in page.tickets:
            yield _row(ticket, labels, codes)
        written += len(page.tickets)
        if page.next_cursor is None:
            return
        if written >= MAX_ROWS:
            yield [ngettext(
                "Only the first %(num)d ticket was exported: narrow the filters to export "
                "the rest.",
                "Only the first %(num)d tickets were exported: narrow the filters to export "
                "the rest.", MAX_ROWS)]
            return
        # The batch's tickets go out of scope here: the session holds them only weakly.
        filters = replace(filters, after=page.next_cursor)


def csv_chunks(rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """UTF-8 CSV with a byte-order mark, one chunk per ``BATCH_SIZE`` rows at most."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    pending = 0
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        pending += 1
        if pending >= BATCH_SIZE:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")


@dataclass(frozen=True)
class QueueExport:
    """An export that has been authorised and written to the audit log, ready to stream.

    It holds plain values, never the request's ORM objects: the body is written after the
    view has returned, when the request's session is gone (its objects detached), so the
    rows are read again, as this user and in this language, by the stream's own session.
    """

    user_id: int
    locale: str
    filters: QueueFilters
    filename: str
    rows: int
    truncated: bool

    def chunks(self) -> Iterator[bytes]:
        with force_locale(self.locale):
            user = db.session.get(User, self.user_id)
            if user is None:  # deleted between the audit entry and the first byte
                return
            yield from csv_chunks(export_rows(user, self.filters))


def _matching_count(user: Any, filters: QueueFilters, bound: int) -> int:
    """How many tickets the queue shows, counted up to ``bound`` (the ids only)."""
    ids = select(Ticket.id).where(*queue_clauses(user, filters)).limit(bound).subquery()
    return db.session.scalar(select(func.count()).select_from(ids)) or 0


def start_export(user: Any, filters: QueueFilters) -> QueueExport:
    """Record the export (who, which filters, how many rows) and return it to be streamed.

    The entry is committed before the first byte is sent, so an export that fails or is
    abandoned halfway is still on record. A stream only knows its length at its end, so the
    row count is counted beforehand over the same query (bounded by ``MAX_ROWS + 1``): the
    number of rows the file holds, give or take tickets changed while it downloads.
    Raises PermissionError for a user without ``tickets.export``.
    """
    if not (can(user, "tickets.view") and can(user, "tickets.export")):
        raise PermissionError("tickets.export")
    filters = without_cursor(filters)
    matched = _matching_count(user, filters, MAX_ROWS + 1)
    rows, truncated = min(matched, MAX_ROWS), matched > MAX_ROWS
    record_audit(user, AUDIT_ACTION, "ticket_queue", None,
                 after={"format": "csv", "filters": filters.query_args(), "rows": rows,
                        "truncated": truncated})
    db.session.commit()
    stamp = utcnow().astimezone(RIYADH).strftime("%Y%m%d-%H%M")
    return QueueExport(user_id=user.id, locale=current_language(), filters=filters,
                       filename=f"sila-tickets-{stamp}.csv", rows=rows, truncated=truncated)
