"""The services catalogue pages and the eligibility check."""

from flask import Blueprint

bp = Blueprint("services_catalog", __name__)
