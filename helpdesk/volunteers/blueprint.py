"""The volunteer form and the coordinator's pages."""

from flask import Blueprint

bp = Blueprint("volunteers", __name__)
