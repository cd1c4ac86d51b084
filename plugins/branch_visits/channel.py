"""The branch representatives channel: field visits logged from a phone."""

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from helpdesk.plugin_api import (
    BaseChannel,
    Capability,
    ChannelMeta,
    FieldSpec,
    PanelSpec,
    Reach,
    TicketSnapshot,
)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _coordinates(value: Any) -> tuple[float, float] | None:
    if not isinstance(value, dict):
        return None
    lat, lng = value.get("latitude"), value.get("longitude")
    if isinstance(lat, int | float) and isinstance(lng, int | float):
        return float(lat), float(lng)
    return None


class BranchVisitsChannel(BaseChannel):
    meta = ChannelMeta(
        key="branch_visits",
        label=_l("Branch-office representatives"),
        icon="geo-alt",
        kinds=("inquiry", "support_request", "complaint", "suggestion", "other"),
        capabilities=frozenset({Capability.STAFF_INTAKE, Capability.ATTACHMENTS,
                                Capability.FIELD_VISITS}),
        description=_l("Visits and requests logged in the field by branch representatives."),
        position=80,
        reach=Reach.BRANCHES,
    )

    def intake_fields(self):
        return (
            FieldSpec("name", _l("Beneficiary's name"), required=True, max_length=160),
            FieldSpec("phone", _l("Mobile number"), type="phone"),
            FieldSpec("visit_date", _l("Visit date"), type="date", required=True),
            FieldSpec("location", _l("Location"), max_length=200),
            FieldSpec("summary", _l("Findings of the visit"), type="textarea", required=True,
                      max_length=4000),
        )

    def ticket_panel(self, ticket: TicketSnapshot) -> PanelSpec | None:
        """The visit's details: who went, when, why, what was needed, and where."""
        data = ticket.channel_data or {}
        if not data.get("client_id"):
            return None  # a visit typed in the staff intake form shows its fields already
        return PanelSpec("channels/branch_visits/panel.html", title=_l("The field visit"),
                         context={"visit_date": _day(data.get("visit_date")),
                                  "purpose": data.get("purpose"), "needs": data.get("needs"),
                                  "representative": data.get("representative_name"),
                                  "branch": data.get("branch_name"),
                                  "location": _coordinates(data.get("location"))})
