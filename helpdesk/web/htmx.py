"""Partial (htmx) versus full-page rendering."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue


def is_partial_request() -> bool:
    """htmx asked for a fragment; a history restore needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def render(page_template: str, partial_template: str | None = None, /,
           **context: Any) -> ResponseReturnValue:
    """Render the partial for htmx requests and the page otherwise, varying on HX-Request."""
    template = partial_template if partial_template and is_partial_request() else page_template
    return render_template(template, **context)


def add_vary_header(response):
    response.vary.add("HX-Request")
    return response
