"""The branch representatives' use cases: their day, a field visit, managers' plans and lists.

A visit carries a client-made id (a UUID the phone makes when the visit is typed): it is the
intake's external id, so a visit sent twice (a double tap, a resend after the connection came
back) opens one ticket.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from helpdesk.plugin_api import InboundMessage
from helpdesk.plugin_api.core import (
    ChannelTicket,
    PersonDetails,
    Photo,
    Recorded,
    RecordingRefused,
    StaffMember,
    core_services,
    session,
    utcnow,
)
from plugins.branch_visits.models import VisitPlan

KEY = "branch_visits"
RIYADH = ZoneInfo("Asia/Riyadh")
REPRESENTATIVE_ROLES = ("branch_rep",)
MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 5 * 1024 * 1024
CLIENT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                       re.IGNORECASE)
ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
LIMITS = {"name": 160, "purpose": 500, "findings": 4000, "needs": 2000, "address": 300}
VISIT_FIELDS = ("client_id", "plan_id", "name", "national_id", "phone", "purpose", "findings",
                "needs", "kind", "ticket", "visit_date", "latitude", "longitude", "accuracy",
                "keep_location")
PLAN_FIELDS = ("representative_id", "planned_on", "person_name", "phone", "address", "purpose")


def today() -> date:
    return utcnow().astimezone(RIYADH).date()


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=RIYADH).astimezone(UTC)
    return start, start + timedelta(days=1)


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.translate(ARABIC_DIGITS).strip())
    except ValueError:
        return None


def _coordinate(value: str, limit: float) -> float | None:
    try:
        number = float(value.translate(ARABIC_DIGITS))
    except ValueError:
        return None
    return round(number, 6) if -limit <= number <= limit else None


def _text(values: dict[str, str], errors: dict[str, str], name: str, *, required: bool,
          message: str) -> str:
    value = values.get(name, "")
    if required and not value:
        errors[name] = message
    elif len(value) > LIMITS[name]:
        errors[name] = _("Use at most %(n)d characters.", n=LIMITS[name])
    return value


# ---------------------------------------------------------------------------------------
# The representative's day

@dataclass(frozen=True)
class Day:
    plans: list[VisitPlan]
    visits: list[ChannelTicket]


def representative_day(staff: StaffMember, day: date) -> Day:
    plans = list(session.scalars(
        select(VisitPlan).where(VisitPlan.representative_id == staff.id,
                                VisitPlan.planned_on >= day,
                                VisitPlan.planned_on < day + timedelta(days=7))
        .order_by(VisitPlan.planned_on, VisitPlan.id)))
    since, until = _day_bounds(day)
    visits = [ticket for ticket in core_services().channel_tickets(KEY, since=since, until=until)
              if ticket.channel_data.get("representative_id") == staff.id]
    return Day(plans, visits)


def plan_of(plan_id: str, staff: StaffMember) -> VisitPlan | None:
    if not plan_id.isdigit():
        return None
    plan = session.get(VisitPlan, int(plan_id))
    return plan if plan is not None and plan.representative_id == staff.id else None


def new_visit_values(staff: StaffMember, plan_id: str = "") -> dict[str, str]:
    values = {name: "" for name in VISIT_FIELDS}
    values.update(kind="support_request", visit_date=today().isoformat(),
                  client_id=str(uuid.uuid4()))
    plan = plan_of(plan_id, staff)
    if plan is not None:
        values.update(plan_id=str(plan.id), name=plan.person_name, phone=plan.phone or "",
                      purpose=plan.purpose, visit_date=plan.planned_on.isoformat())
    return values


# ---------------------------------------------------------------------------------------
# Recording a visit

def record_visit(form: Mapping[str, Any], photos: Sequence[tuple[bytes, str]],
                 kinds: tuple[str, ...]) -> Recorded:
    """A field visit: a new ticket, or a note on the open ticket it joins. Idempotent on
    the client-made id; RecordingRefused with a message per field."""
    staff = core_services().current_staff()
    values = {name: str(form.get(name) or "").strip() for name in VISIT_FIELDS}
    errors: dict[str, str] = {}
    if not CLIENT_ID.match(values["client_id"]):
        errors["client_id"] = _("The form is out of date: open the page again.")
    name = _text(values, errors, "name", required=True, message=_("Enter the person's name."))
    purpose = _text(values, errors, "purpose", required=True,
                    message=_("Write the purpose of the visit."))
    findings = _text(values, errors, "findings", required=True,
                     message=_("Write what the visit found."))
    needs = _text(values, errors, "needs", required=False, message="")
    clean, person_errors = core_services().check_person(phone=values["phone"],
                                                        national_id=values["national_id"])
    errors.update(person_errors)
    if values["kind"] not in kinds:
        errors["kind"] = _("Choose the ticket kind.")
    visit_day = parse_date(values["visit_date"]) if values["visit_date"] else today()
    if visit_day is None:
        errors["visit_date"] = _("Enter a valid date.")
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = ngettext("Attach at most %(num)d photo.",
                                    "Attach at most %(num)d photos.", MAX_PHOTOS)
    if errors:
        raise RecordingRefused(errors)
    keep_location = values["keep_location"] in ("1", "on", "true")
    lat = _coordinate(values["latitude"], 90) if values["latitude"] else None
    lng = _coordinate(values["longitude"], 180) if values["longitude"] else None
    data: dict[str, Any] = {
        "visit_date": visit_day.isoformat(), "purpose": purpose, "representative_id": staff.id,
        "representative_name": staff.name, "branch_id": staff.branch_id,
        "branch_name": staff.branch_name, "client_id": values["client_id"].lower()}
    if needs:
        data["needs"] = needs
    if lat is not None and lng is not None:
        data["location"] = {"latitude": lat, "longitude": lng}
    plan = plan_of(values["plan_id"], staff)
    if plan is not None:
        data["plan_id"] = plan.id
    body = "\n".join(line for line in (
        _("Purpose of the visit: %(text)s", text=purpose),
        _("Findings: %(text)s", text=findings),
        _("Needs observed: %(text)s", text=needs) if needs else "") if line)
    message = InboundMessage(external_id=f"visit:{values['client_id'].lower()}", body=body,
                             kind=values["kind"],
                             subject=_("Field visit: %(name)s", name=name))
    recorded = core_services().record(
        KEY, message, PersonDetails(name=name, phone=clean["phone"],
                                    national_id=clean["national_id"]),
        channel_data=data, join_ticket=values["ticket"] or None,
        photos=[Photo(data=content, filename=filename, keep_location=keep_location)
                for content, filename in photos],
        max_photo_bytes=MAX_PHOTO_BYTES)
    if plan is not None and plan.ticket_number is None:
        plan.ticket_number = recorded.ticket_number
        session.commit()
    return recorded


# ---------------------------------------------------------------------------------------
# Managers: plans and the visits list

def representatives() -> list[StaffMember]:
    return core_services().staff_members(REPRESENTATIVE_ROLES)


def plan_visit(form: Mapping[str, Any]) -> VisitPlan:
    values = {name: str(form.get(name) or "").strip() for name in PLAN_FIELDS}
    errors: dict[str, str] = {}
    reps = {str(rep.id): rep for rep in representatives()}
    if values["representative_id"] not in reps:
        errors["representative_id"] = _("Choose a representative.")
    planned_on = parse_date(values["planned_on"])
    if planned_on is None:
        errors["planned_on"] = _("Enter a valid date.")
    elif planned_on < today():
        errors["planned_on"] = _("Choose today or a later day.")
    if not values["person_name"]:
        errors["person_name"] = _("Enter the person's name.")
    elif len(values["person_name"]) > LIMITS["name"]:
        errors["person_name"] = _("Use at most %(n)d characters.", n=LIMITS["name"])
    if len(values["address"]) > LIMITS["address"]:
        errors["address"] = _("Use at most %(n)d characters.", n=LIMITS["address"])
    if not values["purpose"]:
        errors["purpose"] = _("Write the purpose of the visit.")
    elif len(values["purpose"]) > LIMITS["purpose"]:
        errors["purpose"] = _("Use at most %(n)d characters.", n=LIMITS["purpose"])
    clean, person_errors = core_services().check_person(phone=values["phone"])
    errors.update(person_errors)
    if errors:
        raise RecordingRefused(errors)
    manager = core_services().current_staff()
    plan = VisitPlan(representative_id=int(values["representative_id"]), planned_on=planned_on,
                     person_name=values["person_name"], address=values["address"] or None,
                     phone=clean["phone"], purpose=values["purpose"],
                     created_by_id=manager.id if manager else None, created_at=utcnow())
    session.add(plan)
    session.commit()
    return plan


@dataclass(frozen=True)
class VisitsReport:
    day: date
    visits: list[ChannelTicket]
    plans: list[tuple[VisitPlan, str]]   # each plan with its representative's name


def visits_report(day: date, branch_id: int | None, representative_id: int | None
                  ) -> VisitsReport:
    since, until = _day_bounds(day)
    visits = [ticket for ticket in core_services().channel_tickets(KEY, since=since, until=until)
              if (branch_id is None or ticket.channel_data.get("branch_id") == branch_id)
              and (representative_id is None
                   or ticket.channel_data.get("representative_id") == representative_id)]
    reps = {rep.id: rep for rep in representatives()}
    query = select(VisitPlan).where(VisitPlan.planned_on == day).order_by(VisitPlan.id)
    if representative_id is not None:
        query = query.where(VisitPlan.representative_id == representative_id)
    plans = []
    for plan in session.scalars(query):
        rep = reps.get(plan.representative_id)
        if branch_id is not None and (rep is None or rep.branch_id != branch_id):
            continue
        plans.append((plan, rep.name if rep else ""))
    return VisitsReport(day, visits, plans)


def branches(reps: list[StaffMember]) -> list[tuple[int, str]]:
    """The branches the representatives work for, by name."""
    found = {rep.branch_id: rep.branch_name for rep in reps if rep.branch_id is not None}
    return sorted(((key, name or "") for key, name in found.items()), key=lambda b: b[1])
