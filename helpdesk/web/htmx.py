"""Partial (htmx) versus full-page rendering."""

from __future__ import annotations

from typing import Any

from flask import make_response, render_template, request
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


def fragment(template: str, context: dict[str, Any], status: int = 200, *,
             target: str | None = None, swap: str = "outerHTML", push: str | None = None):
    """A partial for htmx with its status; ``target`` (an element id) sends it elsewhere
    than the requesting element's own target (HX-Retarget), swapped as ``swap``."""
    response = make_response(render_template(template, **context), status)
    if target:
        response.headers["HX-Retarget"] = f"#{target}"
        response.headers["HX-Reswap"] = swap
    if push:
        response.headers["HX-Push-Url"] = push
    return response
