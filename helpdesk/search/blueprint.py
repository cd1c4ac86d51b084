"""One search box over tickets and contacts."""

from flask import Blueprint

bp = Blueprint("search", __name__)
