"""The help requests channel: support requests for the association's services."""

from flask_babel import lazy_gettext as _l

from helpdesk.plugin_api import BaseChannel, Capability, ChannelMeta, FieldSpec, Reach


class HelpRequestsChannel(BaseChannel):
    meta = ChannelMeta(
        key="help_requests",
        label=_l("Help requests"),
        icon="life-preserver",
        kinds=("support_request",),
        capabilities=frozenset({Capability.STAFF_INTAKE, Capability.PUBLIC_INTAKE,
                                Capability.ATTACHMENTS, Capability.SUPPORT_APPLICATIONS}),
        description=_l("Support requests studied by the social researcher and the committee."),
        position=50,
        reach=Reach.SUPPORT_FORM,
    )

    def intake_fields(self):
        return (
            FieldSpec("name", _l("Applicant's name"), required=True, max_length=160),
            FieldSpec("national_id", _l("National ID or iqama"), type="national_id",
                      required=True),
            FieldSpec("phone", _l("Mobile number"), type="phone", required=True),
            FieldSpec("summary", _l("Description of the need"), type="textarea",
                      required=True, max_length=4000),
        )
