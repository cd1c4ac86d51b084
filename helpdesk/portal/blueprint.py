"""The public portal: home, contact form, tracking, rating and the person's downloads."""

from flask import Blueprint

bp = Blueprint("portal", __name__)
