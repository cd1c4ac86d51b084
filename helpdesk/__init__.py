"""Sila (صلة): an Arabic-first helpdesk for Saudi non-profit associations."""

from helpdesk.app import create_app

__all__ = ["create_app"]
