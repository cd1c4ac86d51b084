"""The main navigation, filtered by what the signed-in user's role may open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from helpdesk.accounts.permissions import can


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: Any
    icon: str
    permission: str
    setting: str | None = None  # shown only while this config setting is on


NAVIGATION = (
    NavItem("home.index", _l("Home"), "house", "dashboard.view"),
    NavItem("tickets.queue", _l("Tickets"), "inbox", "tickets.view"),
    NavItem("intake.new", _l("New ticket"), "plus-circle", "tickets.create"),
    NavItem("committee.agenda", _l("Committee"), "hammer", "committee.decide"),
    NavItem("volunteers.queue", _l("Volunteers"), "people", "volunteers.decide"),
    NavItem("satisfaction.mine", _l("Satisfaction"), "star", "tickets.view"),
    NavItem("reports.index", _l("Reports"), "bar-chart-line", "reports.view"),
    NavItem("contacts.index", _l("Contacts"), "person-vcard", "contacts.view"),
    NavItem("channels.index", _l("Channels"), "diagram-3", "channels.view"),
    NavItem("admin.association", _l("Association"), "building", "admin.association"),
    NavItem("calendar.index", _l("Working calendar"), "calendar-week", "admin.association"),
    NavItem("admin.users", _l("Users"), "people", "admin.users"),
    NavItem("services_catalog.index", _l("Services"), "grid", "admin.services"),
    NavItem("routing.rules", _l("Routing"), "signpost-split", "admin.routing"),
    NavItem("sla.index", _l("Service-level targets"), "stopwatch", "admin.services"),
    NavItem("admin.channels", _l("Channel settings"), "sliders", "admin.channels"),
    NavItem("admin.audit", _l("Audit log"), "journal-text", "admin.audit"),
    NavItem("outgoing_webhooks.index", _l("Webhooks"), "broadcast", "admin.webhooks"),
    NavItem("dev_inbox.index", _l("Development inbox"), "mailbox", "tickets.view",
            setting="DEV_INBOX"),
)


def navigation_items() -> list[NavItem]:
    return [item for item in NAVIGATION if can(current_user, item.permission)
            and (item.setting is None or current_app.config.get(item.setting))]


def register_navigation(app: Flask) -> None:
    app.jinja_env.globals.update(navigation_items=navigation_items, can=can)
