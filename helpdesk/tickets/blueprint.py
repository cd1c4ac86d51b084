"""The staff's ticket pages: the queue, one ticket, its actions, attachments and export."""

from flask import Blueprint

bp = Blueprint("tickets", __name__, url_prefix="/tickets")
