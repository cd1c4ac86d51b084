"""Sign in, sign out and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from helpdesk.accounts.blueprint import bp
from helpdesk.accounts.services import authenticate, set_user_locale
from helpdesk.config import SUPPORTED_LOCALES
from helpdesk.extensions import limiter
from helpdesk.web.htmx import render


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") \
            and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    values = {"email": request.form.get("email", "")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        user = authenticate(values["email"], request.form.get("password", ""))
        if user is not None:
            login_user(user, remember=bool(request.form.get("remember")))
            if user.locale and "locale" not in session:
                session["locale"] = user.locale
            return redirect(_safe_next(request.args.get("next")))
        errors["password"] = _("The email or password is incorrect.")
    return render("auth/login.html", values=values, errors=errors), 200 if not errors else 422


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    logout_user()
    session.pop("locale", None)
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/locale")
def set_locale() -> ResponseReturnValue:
    """Switch the interface language; remembered for the session and the user."""
    locale = request.form.get("locale", "")
    if locale in SUPPORTED_LOCALES:
        session["locale"] = locale
        if current_user.is_authenticated:
            set_user_locale(current_user, locale)
    return redirect(_safe_next(request.form.get("next")))
