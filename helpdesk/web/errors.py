"""Error pages in the user's language; fragments for htmx requests.

The use cases' errors are mapped to HTTP once, here, as the API does: not found → 404,
permission denied → 403, stale ticket or invalid transition → 409, validation → 422. A view
that answers one of them in place (the form again, the fresh ticket with an alert) says how
with ``answering(...)`` around the call; the rest get the error page or fragment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from helpdesk.tickets.errors import (
    InvalidTransition,
    PermissionDenied,
    StaleTicket,
    TicketNotFound,
)
from helpdesk.validation import ValidationError
from helpdesk.web.htmx import is_partial_request

ErrorAnswer = Callable[[Exception], ResponseReturnValue]
# Which answer each error gets, and its status when the view has none.
KINDS: dict[type[Exception], tuple[str, int]] = {
    TicketNotFound: ("not_found", 404),
    PermissionDenied: ("refused", 403),
    StaleTicket: ("conflict", 409),
    InvalidTransition: ("conflict", 409),
    ValidationError: ("invalid", 422),
}


@contextmanager
def answering(**answers: ErrorAnswer) -> Iterator[None]:
    """Run a use case; should it raise, the app's handler answers with ``answers[kind]``
    (kinds: not_found, refused, conflict, invalid), else with the error page.

    The answers stay on ``g`` when the error leaves the block: the handler runs after."""
    g.error_answers = answers
    yield
    g.pop("error_answers", None)


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


def _answer_error(error: Exception) -> ResponseReturnValue:
    kind, status = next(value for cls, value in KINDS.items() if isinstance(error, cls))
    answer = g.pop("error_answers", {}).get(kind)
    if answer is not None:
        try:
            return answer(error)
        except HTTPException as http:  # e.g. the ticket left the user's reach meanwhile
            return current_app.handle_http_exception(http)
    if status == 404:
        return _not_found_page()
    if status == 403:
        return _refused_page()
    if status == 409:
        return _error_page(409, _("Not possible now"), str(error))
    return _error_page(422, _("Some fields need correcting."), " ".join(
        getattr(error, "errors", {}).values()))


def _refused_page():
    return _error_page(403, _("Not allowed"), _("Your role does not allow this page."))


def _not_found_page():
    return _error_page(404, _("Page not found"),
                       _("The page you asked for does not exist or is out of your reach."))


def register_error_handlers(app: Flask, api_error: Callable[[HTTPException], Any]) -> None:
    """``api_error`` answers unknown URLs and wrong methods under /api/ in the API's shape."""
    for error_class in KINDS:
        app.register_error_handler(error_class, _answer_error)

    @app.errorhandler(400)
    def bad_request(error):
        return _error_page(400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _error_page(400, _("Session expired"),
                           _("The form has expired. Reload the page and try again."))

    @app.errorhandler(403)
    def forbidden(error):
        return _refused_page()

    @app.errorhandler(404)
    def not_found(error):
        if _is_api_request():
            return api_error(error)
        return _not_found_page()

    @app.errorhandler(405)
    def method_not_allowed(error):
        if _is_api_request():
            return api_error(error)
        return error

    @app.errorhandler(429)
    def too_many(error):
        return _error_page(429, _("Too many attempts"),
                           _("Too many attempts. Wait a minute and try again."))

    @app.errorhandler(500)
    def server_error(error):
        return _error_page(500, _("Something went wrong"),
                           _("An unexpected error occurred. It has been logged."))
