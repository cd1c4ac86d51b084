"""The support request form for the portal and for staff, with its drafts."""

from flask import Blueprint

bp = Blueprint("applications", __name__)
