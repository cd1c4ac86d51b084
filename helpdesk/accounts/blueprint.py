"""Signing in and out, and the staff's own language."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
