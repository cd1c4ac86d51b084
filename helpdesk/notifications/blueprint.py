"""The notifications blueprint: the bell, the list, and each person's preferences."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
