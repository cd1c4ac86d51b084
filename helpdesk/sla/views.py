"""The admin page of service-level targets: one small form per kind and per service."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.accounts.permissions import permission_required
from helpdesk.sla.blueprint import bp
from helpdesk.sla.clocks import AT_RISK_MIN_SECONDS, AT_RISK_SHARE
from helpdesk.sla.targets import (
    TARGET_FIELDS,
    TargetRow,
    get_service,
    kind_row,
    kind_rows,
    service_row,
    service_rows,
    set_kind_targets,
    set_service_targets,
)
from helpdesk.tickets.vocabulary import KINDS
from helpdesk.validation import ValidationError
from helpdesk.web.htmx import fragment, is_partial_request, render


def _page(errors_for: tuple[str, str] | None = None, row: TargetRow | None = None,
          errors: dict[str, str] | None = None, status: int = 200) -> ResponseReturnValue:
    kinds, services = kind_rows(), service_rows()
    if row is not None:  # the refused row keeps what was typed, with its errors
        rows = kinds if row.scope == "kind" else services
        rows[:] = [row if r.key == row.key else r for r in rows]
    return render("sla/targets.html", kinds=kinds, services=services,
                  errors_for=errors_for, errors=errors or {},
                  at_risk_percent=int(AT_RISK_SHARE * 100),
                  at_risk_hours=AT_RISK_MIN_SECONDS // 3600), status


def _posted() -> dict[str, Any]:
    return {name: (request.form.get(name) or "")[:40] for name in TARGET_FIELDS}


def _answer(row: TargetRow, errors: dict[str, str] | None,
            saved: bool) -> ResponseReturnValue:
    if is_partial_request():
        return fragment("sla/_row.html", {"row": row, "errors": errors or {}, "saved": saved},
                        422 if errors else 200)
    if errors:
        return _page((row.scope, row.key), row, errors, 422)
    flash(_("The targets were saved."), "success")
    return redirect(url_for("sla.index"))


@bp.get("")
@permission_required("admin.services")
def index() -> ResponseReturnValue:
    return _page()


@bp.post("/kinds/<kind>")
@permission_required("admin.services")
def save_kind(kind: str) -> ResponseReturnValue:
    row = kind_row(kind)
    if row is None or kind not in KINDS:
        abort(404)
    values = _posted()
    try:
        set_kind_targets(kind, values, actor=current_user)
    except ValidationError as exc:
        row.values = values
        return _answer(row, exc.errors, saved=False)
    return _answer(kind_row(kind), None, saved=True)  # type: ignore[arg-type]


@bp.post("/services/<int:service_id>")
@permission_required("admin.services")
def save_service(service_id: int) -> ResponseReturnValue:
    if get_service(service_id) is None:
        abort(404)
    row = service_row(service_id)
    values = _posted()
    try:
        set_service_targets(service_id, values, actor=current_user)
    except ValidationError as exc:
        row.values = values  # type: ignore[union-attr]
        return _answer(row, exc.errors, saved=False)  # type: ignore[arg-type]
    return _answer(service_row(service_id), None, saved=True)  # type: ignore[arg-type]
