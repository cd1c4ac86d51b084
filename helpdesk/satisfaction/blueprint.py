"""Satisfaction: the survey and kiosk pages (public) and the staff's satisfaction pages."""

from flask import Blueprint

bp = Blueprint("satisfaction", __name__)
