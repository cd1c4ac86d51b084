"""A support request's case on the ticket page: checklist, declaration, study."""

from flask import Blueprint

bp = Blueprint("casework", __name__, url_prefix="/tickets")
