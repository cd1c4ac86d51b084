"""The channels' status page and the failed intakes waiting for staff."""

from flask import Blueprint

bp = Blueprint("channels", __name__)
