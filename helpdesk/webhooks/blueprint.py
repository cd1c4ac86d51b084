"""The administrator's outgoing webhook subscriptions."""

from flask import Blueprint

bp = Blueprint("outgoing_webhooks", __name__, url_prefix="/admin/webhooks")
