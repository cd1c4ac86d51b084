"""The association's settings pages: profile, users, channels and the audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
