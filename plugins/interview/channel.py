"""The walk-in interview channel: staff record the visit and the person's request."""

from flask_babel import lazy_gettext as _l

from helpdesk.plugin_api import BaseChannel, Capability, ChannelMeta, FieldSpec, Reach


class InterviewChannel(BaseChannel):
    meta = ChannelMeta(
        key="interview",
        label=_l("Walk-in interview"),
        icon="person-vcard",
        kinds=("inquiry", "support_request", "complaint", "suggestion", "appreciation",
               "other"),
        capabilities=frozenset({Capability.STAFF_INTAKE, Capability.ATTACHMENTS}),
        description=_l("People received in person at the association's office."),
        position=10,
        reach=Reach.BRANCHES,
    )

    def intake_fields(self):
        return (
            FieldSpec("name", _l("Visitor's name"), required=True, max_length=160),
            FieldSpec("phone", _l("Mobile number"), type="phone"),
            FieldSpec("national_id", _l("National ID or iqama"), type="national_id"),
            FieldSpec("summary", _l("What the visitor asked for"), type="textarea",
                      required=True, max_length=4000),
        )
