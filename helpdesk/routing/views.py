"""The teams page, people away, and the routing rules with their "try this rule" box."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from helpdesk.accounts.models import ASSIGNMENT_MODES, Team
from helpdesk.accounts.permissions import permission_required
from helpdesk.channels.registry import registered_channels
from helpdesk.contacts.vocabulary import KIND_LABELS as CONTACT_KIND_LABELS
from helpdesk.extensions import db
from helpdesk.routing import queries
from helpdesk.routing.blueprint import bp
from helpdesk.routing.services import (
    ASSIGN_TEAM,
    RuleInput,
    TeamInput,
    delete_rule,
    get_rule,
    move_rule,
    rule_conditions,
    save_rule,
    save_team,
    set_away,
    set_rule_enabled,
)
from helpdesk.tickets.vocabulary import KINDS, PRIORITIES
from helpdesk.validation import ValidationError
from helpdesk.web.htmx import is_partial_request, render


def _mode_labels() -> dict[str, str]:
    return {"manual": _("By hand (a lead or agent assigns)"),
            "round_robin": _("In turn (round-robin)"),
            "least_open": _("To whoever has the fewest open tickets")}


# ---------------------------------------------------------------------------------------
# Teams and people away


def _team_page(values: TeamInput, errors: dict[str, str], team: Team | None,
               status: int = 200) -> ResponseReturnValue:
    people = queries.staff_people()
    return render("routing/team_form.html", values=values.values, errors=errors, team=team,
                  people=people, branches=queries.branches(), modes=ASSIGNMENT_MODES,
                  mode_labels=_mode_labels()), status


@bp.get("/admin/teams")
@permission_required("admin.routing")
def teams() -> ResponseReturnValue:
    people = queries.staff_people()
    return render("routing/teams.html", teams=queries.list_teams(), people=people,
                  open_counts=queries.people_open_counts(people), mode_labels=_mode_labels())


@bp.route("/admin/teams/new", methods=["GET", "POST"])
@permission_required("admin.routing")
def new_team() -> ResponseReturnValue:
    if request.method == "GET":
        return _team_page(TeamInput.blank(), {}, None)
    data = TeamInput.from_form(request.form)
    try:
        team = save_team(data, actor=current_user)
    except ValidationError as exc:
        return _team_page(data, exc.errors, None, 422)
    flash(_("The team %(name)s was saved.", name=team.name_ar), "success")
    return redirect(url_for("routing.teams"))


@bp.route("/admin/teams/<int:team_id>", methods=["GET", "POST"])
@permission_required("admin.routing")
def edit_team(team_id: int) -> ResponseReturnValue:
    team = db.session.get(Team, team_id)
    if team is None:
        abort(404)
    if request.method == "GET":
        return _team_page(TeamInput.from_team(team), {}, team)
    data = TeamInput.from_form(request.form)
    try:
        save_team(data, actor=current_user, team_id=team_id)
    except ValidationError as exc:
        db.session.rollback()
        return _team_page(data, exc.errors, team, 422)
    flash(_("The team %(name)s was saved.", name=team.name_ar), "success")
    return redirect(url_for("routing.teams"))


@bp.post("/admin/people/<int:user_id>/away")
@permission_required("admin.routing")
def person_away(user_id: int) -> ResponseReturnValue:
    person = set_away(user_id, request.form.get("away") == "1", actor=current_user)
    if person is None:
        abort(404)
    if is_partial_request():
        return render("routing/_away_cell.html", person=person)
    return redirect(url_for("routing.teams"))


@bp.post("/me/away")
@login_required
@permission_required("dashboard.view")
def my_away() -> ResponseReturnValue:
    away = request.form.get("away") == "1"
    set_away(current_user.id, away, actor=current_user)
    flash(_("You are marked away: no tickets are assigned to you automatically.") if away
          else _("Welcome back: tickets are assigned to you again."), "success")
    target = request.form.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("home.index")
    return redirect(target)


# ---------------------------------------------------------------------------------------
# Routing rules


def _rule_choices() -> dict:
    channels = sorted(registered_channels().values(), key=lambda c: c.meta.position)
    return {
        "channel_choices": [(c.meta.key, c.meta.label) for c in channels],
        "kind_choices": list(KINDS.items()),
        "contact_kind_choices": list(CONTACT_KIND_LABELS.items()),
        "priority_choices": list(PRIORITIES.items()),
        "services": queries.services(),
        "branches": queries.branches(),
        "teams": queries.list_teams(),
        "people": [p for p in queries.staff_people() if p.active],
        "assign_team": ASSIGN_TEAM,
    }


def _rule_page(values: RuleInput, errors: dict[str, str], rule_id: int | None,
               status: int = 200) -> ResponseReturnValue:
    return render("routing/rule_form.html", values=values.values, errors=errors,
                  rule_id=rule_id, **_rule_choices()), status


@bp.get("/admin/routing")
@permission_required("admin.routing")
def rules() -> ResponseReturnValue:
    return render("routing/rules.html", "routing/_rules_table.html",
                  rules=queries.list_rules())


@bp.route("/admin/routing/new", methods=["GET", "POST"])
@permission_required("admin.routing")
def new_rule() -> ResponseReturnValue:
    if request.method == "GET":
        return _rule_page(RuleInput.blank(), {}, None)
    data = RuleInput.from_form(request.form)
    try:
        save_rule(data, actor=current_user)
    except ValidationError as exc:
        return _rule_page(data, exc.errors, None, 422)
    flash(_("The rule was saved."), "success")
    return redirect(url_for("routing.rules"))


@bp.route("/admin/routing/<int:rule_id>", methods=["GET", "POST"])
@permission_required("admin.routing")
def edit_rule(rule_id: int) -> ResponseReturnValue:
    rule = get_rule(rule_id)
    if rule is None:
        abort(404)
    if request.method == "GET":
        return _rule_page(RuleInput.from_rule(rule), {}, rule_id)
    data = RuleInput.from_form(request.form)
    try:
        save_rule(data, actor=current_user, rule_id=rule_id)
    except ValidationError as exc:
        return _rule_page(data, exc.errors, rule_id, 422)
    flash(_("The rule was saved."), "success")
    return redirect(url_for("routing.rules"))


@bp.post("/admin/routing/try")
@permission_required("admin.routing")
def try_rule() -> ResponseReturnValue:
    """Which of the last 30 days' tickets the rule as typed would have matched."""
    try:
        conditions = rule_conditions(RuleInput.from_form(request.form))
    except ValidationError as exc:
        return render("routing/_try.html", result=None, errors=exc.errors), 422
    return render("routing/_try.html", result=queries.try_conditions(conditions), errors={})


@bp.post("/admin/routing/<int:rule_id>/move")
@permission_required("admin.routing")
def move(rule_id: int) -> ResponseReturnValue:
    move_rule(rule_id, "up" if request.form.get("direction") == "up" else "down",
              actor=current_user)
    return _rules_answer()


@bp.post("/admin/routing/<int:rule_id>/enabled")
@permission_required("admin.routing")
def enabled(rule_id: int) -> ResponseReturnValue:
    if set_rule_enabled(rule_id, request.form.get("enabled") == "1",
                        actor=current_user) is None:
        abort(404)
    return _rules_answer()


@bp.post("/admin/routing/<int:rule_id>/delete")
@permission_required("admin.routing")
def delete(rule_id: int) -> ResponseReturnValue:
    delete_rule(rule_id, actor=current_user)
    return _rules_answer()


def _rules_answer() -> ResponseReturnValue:
    if is_partial_request():
        return render("routing/_rules_table.html", rules=queries.list_rules())
    return redirect(url_for("routing.rules"))
