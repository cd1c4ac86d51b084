"""The service-level targets' admin page."""

from flask import Blueprint

bp = Blueprint("sla", __name__, url_prefix="/admin/sla")
