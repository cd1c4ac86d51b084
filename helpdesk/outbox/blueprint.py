"""The development inbox: what the worker would have sent."""

from flask import Blueprint

bp = Blueprint("dev_inbox", __name__, url_prefix="/dev")
