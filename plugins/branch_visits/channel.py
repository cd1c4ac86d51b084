"""The branch representatives channel: field visits logged from a phone."""

from flask_babel import lazy_gettext as _l

from helpdesk.plugin_api import BaseChannel, Capability, ChannelMeta, FieldSpec, Reach


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
