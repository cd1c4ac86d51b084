"""The working calendar page: hours, branch hours, holidays per year and closures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from helpdesk.accounts.permissions import permission_required
from helpdesk.calendar import services
from helpdesk.calendar.blueprint import bp
from helpdesk.calendar.queries import active_branches, calendar_page
from helpdesk.i18n.language import current_language
from helpdesk.validation import ValidationError
from helpdesk.web.htmx import is_partial_request, render

PERMISSION = "admin.association"  # the association's own settings, like its profile
HOLIDAY_NAMES = {
    "founding_day": _l("Founding Day"),
    "eid_al_fitr": _l("Eid al-Fitr"),
    "eid_al_adha": _l("Eid al-Adha"),
    "national_day": _l("National Day"),
}


def _page(status: int = 200, values: dict[str, str] | None = None,
          **context: Any) -> ResponseReturnValue:
    page = calendar_page()
    settings = page.settings
    shown = {"opens": f"{settings.opens:%H:%M}", "closes": f"{settings.closes:%H:%M}",
             "eid_al_fitr_days": str(settings.eid_al_fitr_days),
             "eid_al_adha_days": str(settings.eid_al_adha_days)}
    stored = {year.year for year in page.years if year.generated}
    this_year = page.year_choices[services.GENERATE_YEARS_BEHIND]
    shown["year"] = str(next((year for year in page.year_choices
                              if year >= this_year and year not in stored), this_year))
    shown.update(values or {})
    context.setdefault("errors", {})
    english = current_language() != "ar"
    branch_choices = [("", _("Choose a branch"))] + [
        (str(branch.id), branch.name_en if english else branch.name_ar)
        for branch in page.branches]
    year_choices = [(str(year), str(year)) for year in page.year_choices]
    return render("calendar/index.html", "calendar/_calendar.html", page=page,
                  values=shown, holiday_names=HOLIDAY_NAMES, branch_choices=branch_choices,
                  year_choices=year_choices, **context), status


def _done(message: str) -> ResponseReturnValue:
    if not is_partial_request():
        flash(message, "success")
        return redirect(url_for("calendar.index"))
    return _page(saved=message)


def _submit(change: Callable[[dict[str, str]], Any], message: str) -> ResponseReturnValue:
    values = request.form.to_dict()
    try:
        change(values)
    except ValidationError as exc:
        return _page(422, values=values, errors=exc.errors)
    return _done(message)


@bp.get("/")
@permission_required(PERMISSION)
def index() -> ResponseReturnValue:
    return _page()


@bp.post("/hours")
@permission_required(PERMISSION)
def save_hours() -> ResponseReturnValue:
    return _submit(lambda values: services.save_settings(values, current_user),
                   _("The working hours were saved."))


@bp.post("/branches")
@permission_required(PERMISSION)
def save_branch_hours() -> ResponseReturnValue:
    return _submit(lambda values: services.save_branch_hours(values, active_branches(),
                                                             current_user),
                   _("The branch's hours were saved."))


@bp.post("/branches/<int:branch_id>/remove")
@permission_required(PERMISSION)
def remove_branch_hours(branch_id: int) -> ResponseReturnValue:
    if not services.remove_branch_hours(branch_id, current_user):
        abort(404)
    return _done(_("The branch keeps the association's hours again."))


@bp.post("/years")
@permission_required(PERMISSION)
def generate_year() -> ResponseReturnValue:
    return _submit(lambda values: services.generate_year(values, current_user),
                   _("The holidays were generated: check each day and correct it if needed."))


@bp.post("/holidays")
@permission_required(PERMISSION)
def add_holiday() -> ResponseReturnValue:
    return _submit(lambda values: services.add_holiday(values, current_user),
                   _("The holiday was added."))


@bp.post("/holidays/<int:holiday_id>")
@permission_required(PERMISSION)
def move_holiday(holiday_id: int) -> ResponseReturnValue:
    typed = request.form.get("day", "")
    try:
        moved = services.move_holiday(holiday_id, typed, current_user)
    except ValidationError as exc:
        return _page(422, row_values={holiday_id: typed},
                     row_errors={holiday_id: exc.errors.get("day", "")})
    if moved is None:
        abort(404)
    return _done(_("The holiday's day was corrected."))


@bp.post("/holidays/<int:holiday_id>/remove")
@permission_required(PERMISSION)
def remove_holiday(holiday_id: int) -> ResponseReturnValue:
    if not services.remove_holiday(holiday_id, current_user):
        abort(404)
    return _done(_("The holiday was removed."))


@bp.post("/closures")
@permission_required(PERMISSION)
def add_closure() -> ResponseReturnValue:
    return _submit(lambda values: services.add_closure(values, current_user),
                   _("The closure was added."))


@bp.post("/closures/<int:closure_id>/remove")
@permission_required(PERMISSION)
def remove_closure(closure_id: int) -> ResponseReturnValue:
    if not services.remove_closure(closure_id, current_user):
        abort(404)
    return _done(_("The closure was removed."))
