"""Error pages in the user's language; fragments for htmx requests."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from helpdesk.web.htmx import is_partial_request


def _error_page(status: int, title: str, message: str):
    if not is_partial_request():
        return render_template("errors/error.html", status=status, title=title,
                               message=message), status
    # base.html lets htmx swap 403 answers (the ticket page's refusals, retargeted); a refusal
    # the page did not plan for must not replace whatever the request was aimed at.
    html = render_template("errors/_error.html", status=status, title=title, message=message)
    return html, status, {"HX-Reswap": "none"}


def _is_api_request() -> bool:
    """Under /api/ even an unknown URL or a wrong method answers in the API's JSON shape
    (no API route matched, so the API blueprint's own handlers are not consulted)."""
    return request.path == "/api" or request.path.startswith("/api/")


def _api_error(error):
    from helpdesk.api.views import http_error

    return http_error(error)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(error):
        return _error_page(400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _error_page(400, _("Session expired"),
                           _("The form has expired. Reload the page and try again."))

    @app.errorhandler(403)
    def forbidden(error):
        return _error_page(403, _("Not allowed"),
                           _("Your role does not allow this page."))

    @app.errorhandler(404)
    def not_found(error):
        if _is_api_request():
            return _api_error(error)
        return _error_page(404, _("Page not found"),
                           _("The page you asked for does not exist or is out of your reach."))

    @app.errorhandler(405)
    def method_not_allowed(error):
        if _is_api_request():
            return _api_error(error)
        return error

    @app.errorhandler(429)
    def too_many(error):
        return _error_page(429, _("Too many attempts"),
                           _("Too many attempts. Wait a minute and try again."))

    @app.errorhandler(500)
    def server_error(error):
        return _error_page(500, _("Something went wrong"),
                           _("An unexpected error occurred. It has been logged."))
