"""The volunteering channel: applications to volunteer with the association."""

from flask_babel import lazy_gettext as _l

from helpdesk.plugin_api import BaseChannel, Capability, ChannelMeta, FieldSpec


class VolunteeringChannel(BaseChannel):
    meta = ChannelMeta(
        key="volunteering",
        label=_l("Volunteering"),
        icon="people",
        kinds=("volunteering",),
        capabilities=frozenset({Capability.STAFF_INTAKE, Capability.PUBLIC_INTAKE}),
        description=_l("People who offer their time and skills to the association."),
        position=60,
    )

    def intake_fields(self):
        return (
            FieldSpec("name", _l("Volunteer's name"), required=True, max_length=160),
            FieldSpec("phone", _l("Mobile number"), type="phone", required=True),
            FieldSpec("skills", _l("Skills"), type="textarea", max_length=2000),
            FieldSpec("availability", _l("Availability"), max_length=200),
        )
