"""The managers' reports: the page, each report's CSV and XLSX, and the board's print view."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
