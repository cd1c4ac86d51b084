"""The reports pages: parse the filters, build the reports, render or send the file."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask.typing import ResponseReturnValue

from helpdesk.accounts.permissions import permission_required
from helpdesk.i18n.language import current_language
from helpdesk.reports.blueprint import bp
from helpdesk.reports.export import report_csv, report_xlsx
from helpdesk.reports.services import (
    SECTIONS,
    board_report,
    build_reports,
    filter_choices,
    find_report,
    format_number,
    parse_filters,
    period_names,
)
from helpdesk.web.downloads import content_disposition

EXPORT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.get("/")
@permission_required("reports.view")
def index() -> ResponseReturnValue:
    form = parse_filters(request.args)
    hijri, gregorian = period_names(form.filters)
    return render_template(
        "reports/index.html", form=form, choices=filter_choices(), sections=SECTIONS,
        reports=build_reports(form.filters), period_hijri=hijri, period_gregorian=gregorian,
        number=format_number, export_types=EXPORT_TYPES)


@bp.get("/export/<key>.<kind>")
@permission_required("reports.view")
def export(key: str, kind: str) -> ResponseReturnValue:
    if kind not in EXPORT_TYPES:
        abort(404)
    form = parse_filters(request.args)
    report = find_report(form.filters, key)
    if report is None:
        abort(404)
    language = current_language()
    period = period_names(form.filters, language)
    body = report_csv(report, period) if kind == "csv" else \
        report_xlsx(report, period, right_to_left=language == "ar")
    response = Response(body, mimetype=EXPORT_TYPES[kind])
    stamp = form.filters.period.first_day.strftime("%Y%m%d")
    response.headers["Content-Disposition"] = content_disposition(
        "attachment", f"sila-{key.replace('_', '-')}-{stamp}.{kind}", "sila-report")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/board")
@permission_required("reports.view")
def board() -> ResponseReturnValue:
    form = parse_filters(request.args)
    return render_template("reports/board.html", form=form, board=board_report(form),
                           sections=SECTIONS, number=format_number)
