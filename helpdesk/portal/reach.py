"""How to use each open channel, from the association's profile: the portal's channel tiles."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from helpdesk.admin.models import Association
from helpdesk.contacts.identifiers import national_phone
from helpdesk.i18n.language import current_language
from helpdesk.plugin_api import Reach
from helpdesk.volunteers.services import active_branches


@dataclass(frozen=True)
class ReachTile:
    """One channel's tile: a link (href and its text) or lines to read, and a sentence that
    says how to use it; ``missing`` when the association has not set what it needs."""

    key: str
    label: Any
    icon: str
    how: Any
    href: str | None = None
    link_text: Any = ""
    lines: tuple[str, ...] = ()
    missing: bool = False
    ltr: bool = False  # a number or an address the page shows left to right


# What each tile says when the association has not set what the channel needs.
MISSING = {
    Reach.PHONE: _l("Our phone number is not published yet. Please reach us through "
                    "another channel."),
    Reach.WHATSAPP: _l("Our WhatsApp number is not published yet. Please reach us through "
                       "another channel."),
    Reach.BRANCHES: _l("Our office address is not published yet. Please call or write to "
                       "us before you visit."),
    Reach.POSTAL_ADDRESS: _l("Our postal address is not published yet. Please reach us "
                             "through another channel."),
    Reach.CONTACT_FORM: _l("The contact form is not available at the moment."),
    Reach.VOLUNTEER_FORM: _l("The volunteering form is not available at the moment."),
    Reach.SUPPORT_FORM: _l("The support request form is not available at the moment."),
}


def _has_route(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def _number_link(number: str | None, how: Any, href: str) -> dict:
    """``href`` is formatted with the number in E.164 and its digits alone."""
    if not number:
        return {}
    return {"how": how, "href": href.format(e164=number, digits=number.lstrip("+")),
            "link_text": national_phone(number), "ltr": True}


def _phone(association: Association | None) -> dict:
    return _number_link(association.phone if association else None, _l("Call us on"),
                        "tel:{e164}")


def _whatsapp(association: Association | None) -> dict:
    return _number_link(association.whatsapp_number if association else None,
                        _l("Message us on WhatsApp"), "https://wa.me/{digits}")


def _branch_line(branch: Any) -> str:
    name = branch.name_ar if current_language() == "ar" else branch.name_en
    return f"{name} — {branch.city}" if branch.city else name


def _branches(association: Association | None) -> dict:
    lines = [association.address] if association and association.address else []
    lines += [_branch_line(branch) for branch in active_branches()]
    if not lines:
        return {}
    return {"how": _l("Visit us at:"), "lines": tuple(lines)}


def _postal_address(association: Association | None) -> dict:
    address = association.postal_address if association else None
    if not address:
        return {}
    return {"how": _l("Send your letter to:"), "lines": (address,)}


def _form(endpoint: str | None, how: Any, link_text: Any) -> dict:
    if not endpoint or not _has_route(endpoint):
        return {}
    return {"how": how, "href": url_for(endpoint), "link_text": link_text}


def _forms(submit_endpoint: str | None) -> dict[Reach, Callable[..., dict]]:
    return {
        Reach.CONTACT_FORM: lambda association: _form(
            submit_endpoint, _l("An inquiry, a complaint or a suggestion:"), _l("Write to us")),
        Reach.VOLUNTEER_FORM: lambda association: _form(
            "volunteers.apply", _l("Offer your time and skills:"), _l("Apply to volunteer")),
        Reach.SUPPORT_FORM: lambda association: _form(
            "applications.apply", _l("Apply for one of our services:"),
            _l("Request help (support)")),
    }


def reach_tiles(statuses: Sequence[Any], association: Association | None,
                submit_endpoint: str | None) -> list[ReachTile]:
    """A tile per open channel (``statuses`` from channel_statuses, in order) saying how to
    use it with the association's details, or politely that it cannot be used yet."""
    readers: dict[Reach, Callable[..., dict]] = {
        Reach.PHONE: _phone, Reach.WHATSAPP: _whatsapp, Reach.BRANCHES: _branches,
        Reach.POSTAL_ADDRESS: _postal_address, **_forms(submit_endpoint)}
    tiles = []
    for status in statuses:
        meta = status.channel.meta
        base = {"key": status.key, "label": meta.label, "icon": meta.icon}
        reader = readers.get(meta.reach) if meta.reach else None
        if reader is None:
            tiles.append(ReachTile(**base, how=meta.description))
            continue
        found = reader(association)
        tiles.append(ReachTile(**base, **found) if found
                     else ReachTile(**base, how=MISSING[meta.reach], missing=True))
    return tiles
