"""The volunteering channel: applications to volunteer with the association."""

from flask_babel import lazy_gettext as _l

from helpdesk.plugin_api import (
    BaseChannel,
    Capability,
    ChannelMeta,
    FieldSpec,
    Reach,
    volunteering,
)

# The core's volunteering vocabulary: the coordinator filters and matches on these keys.
SKILLS = tuple(volunteering.SKILLS.items())
DAYS = tuple(volunteering.DAYS.items())
TIME_SLOTS = tuple(volunteering.TIME_SLOTS.items())
INTERESTS = tuple(volunteering.INTERESTS.items())


class VolunteeringChannel(BaseChannel):
    meta = ChannelMeta(
        key="volunteering",
        label=_l("Volunteering"),
        icon="people",
        kinds=("volunteering",),
        capabilities=frozenset({Capability.STAFF_INTAKE, Capability.PUBLIC_INTAKE,
                                Capability.VOLUNTEER_APPLICATIONS}),
        description=_l("People who offer their time and skills to the association."),
        position=60,
        reach=Reach.VOLUNTEER_FORM,
    )

    def intake_fields(self):
        return (
            FieldSpec("name", _l("Volunteer's name"), required=True, max_length=160),
            FieldSpec("phone", _l("Mobile number"), type="phone", required=True),
            FieldSpec("email", _l("Email"), type="email"),
            FieldSpec("skills", _l("Skills"), type="multiselect", choices=SKILLS),
            FieldSpec("skills_note", _l("Other skills"), max_length=300),
            FieldSpec("days", _l("Days available"), type="multiselect", choices=DAYS,
                      required=True),
            FieldSpec("time_slots", _l("Times available"), type="multiselect",
                      choices=TIME_SLOTS, required=True),
            FieldSpec("interests", _l("Areas of interest"), type="multiselect",
                      choices=INTERESTS),
            FieldSpec("experience", _l("Previous volunteering experience"), type="textarea",
                      max_length=2000),
        )
