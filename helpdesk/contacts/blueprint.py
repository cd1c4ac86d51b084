"""The contacts list, one contact's history, and merging duplicates."""

from flask import Blueprint

bp = Blueprint("contacts", __name__, url_prefix="/contacts")
