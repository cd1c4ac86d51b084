"""The service-level targets in force, and the admin's changes to them.

A target is a number of working days (fractions allowed: 0.5 is half a working day) for the
first answer and for the resolution. A service's targets override its kind's; a kind the
admin never set keeps the defaults below. The committee's decision window is the service's
``decision_window_days`` (else the association's), counted in working days too.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from helpdesk.audit.services import record_audit
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.services_catalog.models import Service
from helpdesk.sla.models import SlaTarget
from helpdesk.tickets.vocabulary import KINDS
from helpdesk.validation import ValidationError

# (first response, resolution) in working days, for a kind the admin has not set.
DEFAULT_TARGETS: dict[str, tuple[float, float]] = {
    "inquiry": (1, 3),
    "complaint": (0.5, 5),
    "support_request": (1, 15),
    "suggestion": (2, 10),
    "volunteering": (2, 10),
    "appreciation": (2, 5),
    "other": (1, 5),
}
FALLBACK_TARGETS = (1.0, 5.0)
MAX_TARGET_DAYS = 250  # about a working year: anything longer is a typing mistake
TARGET_FIELDS = ("first_response_days", "resolution_days")
ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫,", "01234567890123456789..")
NUMBER = re.compile(r"^\d+(\.\d+)?$|^\.\d+$")


@dataclass(frozen=True)
class Targets:
    first_response_days: float
    resolution_days: float
    source: str  # "service", "kind" or "default"


def targets_for(kind: str, service_id: int | None) -> Targets:
    """The targets a ticket of ``kind`` for ``service_id`` is held to."""
    if service_id is not None:
        row = db.session.scalar(select(SlaTarget).where(SlaTarget.service_id == service_id))
        if row is not None:
            return Targets(row.first_response_days, row.resolution_days, "service")
    row = db.session.scalar(select(SlaTarget).where(SlaTarget.kind == kind))
    if row is not None:
        return Targets(row.first_response_days, row.resolution_days, "kind")
    first, resolution = DEFAULT_TARGETS.get(kind, FALLBACK_TARGETS)
    return Targets(float(first), float(resolution), "default")


# -- the admin page's read model ------------------------------------------------------

@dataclass
class TargetRow:
    """One editable row: a kind (always has targets) or a service (may follow its kind)."""

    key: str            # the kind's key, or the service's id as text
    scope: str          # "kind" or "service"
    label: str
    values: dict[str, str]
    overridden: bool    # a service with its own targets (a kind: set by the admin)
    decision_window_days: int | None = None


def format_days(days: float | None) -> str:
    if days is None:
        return ""
    return str(int(days)) if float(days).is_integer() else f"{days:g}"


def kind_rows() -> list[TargetRow]:
    stored = {row.kind: row for row in db.session.scalars(
        select(SlaTarget).where(SlaTarget.kind.is_not(None)))}
    rows = []
    for kind, label in KINDS.items():
        targets = targets_for(kind, None)
        rows.append(TargetRow(kind, "kind", str(label), {
            "first_response_days": format_days(targets.first_response_days),
            "resolution_days": format_days(targets.resolution_days)}, kind in stored))
    return rows


def kind_row(kind: str) -> TargetRow | None:
    return next((row for row in kind_rows() if row.key == kind), None)


def service_rows() -> list[TargetRow]:
    services = db.session.scalars(select(Service).order_by(Service.name_ar, Service.id))
    stored = {row.service_id: row for row in db.session.scalars(
        select(SlaTarget).where(SlaTarget.service_id.is_not(None)))}
    rows = []
    for service in services:
        row = stored.get(service.id)
        rows.append(TargetRow(str(service.id), "service", service.name_ar, {
            "first_response_days": format_days(row.first_response_days if row else None),
            "resolution_days": format_days(row.resolution_days if row else None)},
            row is not None, service.decision_window_days))
    return rows


def service_row(service_id: int) -> TargetRow | None:
    return next((row for row in service_rows() if row.key == str(service_id)), None)


# -- changing targets -------------------------------------------------------------------

def parse_days(raw: Any) -> tuple[float | None, str | None]:
    """A number of working days typed by a person (Arabic digits and comma accepted):
    the value, or the message to show beside the field."""
    text = str(raw or "").strip().translate(ARABIC_DIGITS)
    if not text:
        return None, _("Enter a number of working days, such as 0.5 or 3.")
    if not NUMBER.match(text):
        return None, _("Enter a number of working days, such as 0.5 or 3.")
    days = float(text)
    if not math.isfinite(days) or days <= 0:
        return None, _("A target must be more than zero working days.")
    if days > MAX_TARGET_DAYS:
        return None, _("A target can be at most %(n)d working days.", n=MAX_TARGET_DAYS)
    if round(days, 2) != days:
        return None, _("Use at most two decimal places, such as 0.25.")
    return days, None


def _parse(values: dict[str, Any]) -> dict[str, float]:
    errors: dict[str, str] = {}
    clean: dict[str, float] = {}
    for name in TARGET_FIELDS:
        days, error = parse_days(values.get(name))
        if error:
            errors[name] = error
        else:
            clean[name] = days  # type: ignore[assignment]
    if not errors and clean["resolution_days"] < clean["first_response_days"]:
        errors["resolution_days"] = _(
            "The resolution cannot be due before the first response.")
    if errors:
        raise ValidationError(errors)
    return clean


def _save(row: SlaTarget | None, create: dict[str, Any], clean: dict[str, float],
          actor: Any) -> SlaTarget:
    before = {name: getattr(row, name) for name in TARGET_FIELDS} if row else None
    if row is None:
        row = SlaTarget(**create)
        db.session.add(row)
    for name, value in clean.items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    db.session.flush()
    record_audit(actor, "sla_target.updated", "sla_target", row.id, before=before,
                 after={**create, **clean})
    db.session.commit()
    return row


def set_kind_targets(kind: str, values: dict[str, Any], *, actor: Any) -> SlaTarget:
    """Set the targets of a ticket kind; refused (ValidationError) at the field."""
    if kind not in KINDS:
        raise ValidationError({"kind": _("Choose a value from the list.")})
    clean = _parse(values)
    row = db.session.scalar(select(SlaTarget).where(SlaTarget.kind == kind))
    return _save(row, {"kind": kind}, clean, actor)


def set_service_targets(service_id: int, values: dict[str, Any], *,
                        actor: Any) -> SlaTarget | None:
    """Set a service's own targets; both fields empty: the service follows its kind."""
    row = db.session.scalar(select(SlaTarget).where(SlaTarget.service_id == service_id))
    if not any(str(values.get(name) or "").strip() for name in TARGET_FIELDS):
        if row is not None:
            record_audit(actor, "sla_target.updated", "sla_target", row.id,
                         before={name: getattr(row, name) for name in TARGET_FIELDS},
                         after=None)
            db.session.delete(row)
            db.session.commit()
        return None
    clean = _parse(values)
    return _save(row, {"service_id": service_id}, clean, actor)


def get_service(service_id: int) -> Service | None:
    return db.session.get(Service, service_id)
