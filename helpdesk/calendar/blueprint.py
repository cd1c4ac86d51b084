"""The working calendar's admin page, under the association's settings."""

from flask import Blueprint

bp = Blueprint("calendar", __name__, url_prefix="/admin/calendar")
