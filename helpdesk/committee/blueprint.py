"""The research committee's agenda, sittings and decisions."""

from flask import Blueprint

bp = Blueprint("committee", __name__, url_prefix="/committee")
