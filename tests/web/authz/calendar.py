"""The working calendar's page and its forms: the association's managers only."""

from sqlalchemy import select

from helpdesk.accounts.models import Branch
from helpdesk.calendar import services as calendar
from helpdesk.calendar.models import BranchHours, Closure, Holiday
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from tests.web.authz.rules import Rule

MANAGERS = {"admin", "manager"}
FORM = {"ok": {200, 302, 422}}


def _closure(app):
    closure = Closure(starts_on=utcnow().date(), ends_on=utcnow().date(), reason="صيانة")
    db.session.add(closure)
    db.session.commit()
    return {"closure_id": closure.id}


def _holiday(app):
    calendar.generate_year({"year": str(utcnow().year), "replace": "1"}, None)
    return {"holiday_id": db.session.scalar(select(Holiday.id).limit(1))}


def _branch_hours(app):
    branch = Branch(code=f"b{db.session.scalar(select(db.func.count(Branch.id)))}",
                    name_ar="فرع", name_en="Branch")
    db.session.add(branch)
    db.session.flush()
    db.session.add(BranchHours(branch_id=branch.id, opens=utcnow().time().replace(hour=8),
                               closes=utcnow().time().replace(hour=15)))
    db.session.commit()
    return {"branch_id": branch.id}


EXPECTATIONS = {
    "calendar.index": Rule(MANAGERS),
    "calendar.save_hours": Rule(MANAGERS, methods=("POST",), **FORM),
    "calendar.save_branch_hours": Rule(MANAGERS, methods=("POST",), **FORM),
    "calendar.generate_year": Rule(MANAGERS, methods=("POST",), **FORM),
    "calendar.add_holiday": Rule(MANAGERS, methods=("POST",), **FORM),
    "calendar.add_closure": Rule(MANAGERS, methods=("POST",), **FORM),
    "calendar.move_holiday": Rule(MANAGERS, methods=("POST",), setup=_holiday, **FORM),
    "calendar.remove_holiday": Rule(MANAGERS, methods=("POST",), setup=_holiday, ok={302}),
    "calendar.remove_closure": Rule(MANAGERS, methods=("POST",), setup=_closure, ok={302}),
    "calendar.remove_branch_hours": Rule(MANAGERS, methods=("POST",), setup=_branch_hours,
                                         ok={302}),
}
