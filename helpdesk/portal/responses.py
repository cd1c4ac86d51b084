"""Answers the public pages share: private headers, and the "too many attempts" page."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template
from flask_babel import gettext as _

from helpdesk.admin.services import get_association


def keep_private(response: Response) -> Response:
    """A page holding personal data or a secret link: never cached, indexed, or named to
    another site."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def too_many_attempts(**context: Any) -> tuple[str, int]:
    """The portal's page for refused (rate-limited) posts and lookups, in its layout."""
    context.setdefault("association", get_association())
    return render_template(
        "portal/message.html", title=_("Too many attempts"),
        message=_("Too many attempts. Wait a few minutes and try again."), **context), 429
