"""The routing pages: teams, people away, and the ordered routing rules."""

from flask import Blueprint

bp = Blueprint("routing", __name__, template_folder="templates")
