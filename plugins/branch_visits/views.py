"""The branch representatives' pages: their day and the visit form (mobile first, works
offline through a service worker and a queue on the phone), and the managers' page."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from helpdesk.plugin_api.core import RecordingRefused, core_services, staff_required
from plugins.branch_visits import visits
from plugins.branch_visits.channel import BranchVisitsChannel

bp = Blueprint("channel_branch_visits", __name__, template_folder="templates")


@bp.before_request
def only_while_active() -> ResponseReturnValue | None:
    """An administrator who deactivates the channel closes its pages and its endpoint."""
    if not core_services().channel_active(visits.KEY):
        abort(404)
    return None


SCRIPTS = Path(__file__).resolve().parent / "scripts"
RECORDERS = "tickets.create"
MANAGERS = "tickets.view_all"


def _kinds() -> tuple[str, ...]:
    return BranchVisitsChannel.meta.kinds


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _script(name: str) -> Response:
    response = Response((SCRIPTS / name).read_text(encoding="utf-8"),
                        mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _day_page(values: dict[str, str], errors: dict[str, str], status: int = 200
              ) -> ResponseReturnValue:
    staff = core_services().current_staff()
    day = visits.representative_day(staff, visits.today())
    return render_template("channels/branch_visits/day.html", day=day, today=visits.today(),
                           values=values, errors=errors, kinds=_kinds(), staff=staff,
                           photos_help=ngettext(
                               "Up to %(num)d photo of at most %(mb)d MB. Photos are made "
                               "smaller on the phone before sending.",
                               "Up to %(num)d photos of at most %(mb)d MB each. Photos are "
                               "made smaller on the phone before sending.", visits.MAX_PHOTOS,
                               mb=visits.MAX_PHOTO_BYTES // (1024 * 1024))), status


@bp.get("/")
@staff_required(RECORDERS)
def index() -> ResponseReturnValue:
    staff = core_services().current_staff()
    return _day_page(visits.new_visit_values(staff, request.args.get("plan", "")), {})


@bp.post("/visits")
@staff_required(RECORDERS)
def record_visit() -> ResponseReturnValue:
    photos = []
    for file in request.files.getlist("photos"):
        try:
            if file.filename:
                photos.append((file.read(visits.MAX_PHOTO_BYTES + 1), file.filename))
        finally:
            file.close()  # a large upload is spooled to a temporary file: close it here
    try:
        recorded = visits.record_visit(request.form, photos, _kinds())
    except RecordingRefused as refused:
        if _wants_json():
            return jsonify({"ok": False, "errors": refused.errors}), 422
        values = {name: request.form.get(name, "") for name in visits.VISIT_FIELDS}
        return _day_page(values, refused.errors, 422)
    if recorded.duplicate:
        message = _("This visit was already sent: ticket %(number)s.",
                    number=recorded.ticket_number)
    elif recorded.created:
        message = _("The visit was recorded: ticket %(number)s was opened.",
                    number=recorded.ticket_number)
    else:
        message = _("The visit was added to ticket %(number)s.", number=recorded.ticket_number)
    if _wants_json():
        return jsonify({"ok": True, "ticket": recorded.ticket_number,
                        "duplicate": recorded.duplicate, "message": message})
    flash(message, "info" if recorded.duplicate else "success")
    return redirect(url_for("channel_branch_visits.index"))


@bp.get("/lookup")
@staff_required(RECORDERS)
def lookup() -> ResponseReturnValue:
    """The person with this phone and their open tickets, for the visit form (JSON)."""
    card = core_services().find_contact_by_phone(request.args.get("phone", ""))
    if card is None:
        return jsonify({"found": False})
    return jsonify({"found": True, "name": card.name,
                    "tickets": [{"number": t.number, "subject": t.subject}
                                for t in card.open_tickets]})


@bp.get("/visits.js")
def visits_script() -> ResponseReturnValue:
    return _script("visits.js")


@bp.get("/sw.js")
def service_worker() -> ResponseReturnValue:
    """The service worker keeps the day page and its scripts for use without a connection;
    its scope is this channel's pages."""
    return _script("sw.js")


def _manage_page(values: dict[str, str], errors: dict[str, str], status: int = 200
                 ) -> ResponseReturnValue:
    reps = visits.representatives()
    day = visits.parse_date(request.args.get("day", "")) or visits.today()
    branch = request.args.get("branch", "")
    rep = request.args.get("representative", "")
    report = visits.visits_report(day, int(branch) if branch.isdigit() else None,
                                  int(rep) if rep.isdigit() else None)
    return render_template("channels/branch_visits/manage.html", report=report, reps=reps,
                           branches=visits.branches(reps), branch=branch, rep=rep,
                           values=values, errors=errors), status


@bp.get("/manage")
@staff_required(MANAGERS)
def manage() -> ResponseReturnValue:
    values = {name: "" for name in visits.PLAN_FIELDS}
    values["planned_on"] = visits.today().isoformat()
    return _manage_page(values, {})


@bp.post("/plans")
@staff_required(MANAGERS)
def plan() -> ResponseReturnValue:
    try:
        plan = visits.plan_visit(request.form)
    except RecordingRefused as refused:
        values = {name: request.form.get(name, "") for name in visits.PLAN_FIELDS}
        return _manage_page(values, refused.errors, 422)
    flash(_("The visit was planned."), "success")
    return redirect(url_for("channel_branch_visits.manage", day=plan.planned_on.isoformat()))
