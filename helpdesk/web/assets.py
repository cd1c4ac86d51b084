"""Serves the pinned front-end libraries straight from node_modules (never copied in)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, send_from_directory
from flask.typing import ResponseReturnValue

from helpdesk.config import PROJECT_ROOT

bp = Blueprint("assets", __name__)

# Only these folders of the installed packages are reachable.
VENDOR_FOLDERS = {
    "htmx": "htmx.org/dist",
    "bootstrap": "bootstrap/dist",
    "bootstrap-icons": "bootstrap-icons/font",
    "chartjs": "chart.js/dist",
    "noto-sans-arabic": "@fontsource/noto-sans-arabic",
}
NODE_MODULES = PROJECT_ROOT / "node_modules"
ONE_YEAR = 365 * 24 * 3600


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str) -> ResponseReturnValue:
    folder = VENDOR_FOLDERS.get(package)
    if folder is None:
        abort(404)
    max_age = 0 if current_app.debug else ONE_YEAR
    return send_from_directory(NODE_MODULES / folder, filename, max_age=max_age)
