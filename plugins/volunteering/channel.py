"""The volunteering channel: applications to volunteer with the association."""

from flask_babel import lazy_gettext as _l

from helpdesk.plugin_api import BaseChannel, Capability, ChannelMeta, FieldSpec, Reach

# The keys are the core's volunteering vocabulary (helpdesk/volunteers/vocabulary.py): the
# coordinator filters and matches volunteers on them.
SKILLS = (
    ("teaching", _l("Teaching and tutoring")),
    ("driving", _l("Driving and delivery")),
    ("medical", _l("Medical and first aid")),
    ("technology", _l("Computers and technology")),
    ("media", _l("Photography, design and media")),
    ("accounting", _l("Accounting and finance")),
    ("translation", _l("Translation")),
    ("events", _l("Organising events")),
    ("social_work", _l("Social work and counselling")),
    ("legal", _l("Legal advice")),
)
DAYS = (
    ("sat", _l("Saturday")), ("sun", _l("Sunday")), ("mon", _l("Monday")),
    ("tue", _l("Tuesday")), ("wed", _l("Wednesday")), ("thu", _l("Thursday")),
    ("fri", _l("Friday")),
)
TIME_SLOTS = (("morning", _l("Morning")), ("afternoon", _l("Afternoon")),
              ("evening", _l("Evening")))
INTERESTS = (
    ("food_baskets", _l("Food basket distribution")),
    ("education", _l("Education and tutoring")),
    ("health", _l("Health days")),
    ("field_visits", _l("Field visits to families")),
    ("events", _l("Events and campaigns")),
    ("office", _l("Office and administrative work")),
    ("media", _l("Media and social networks")),
)


class VolunteeringChannel(BaseChannel):
    meta = ChannelMeta(
        key="volunteering",
        label=_l("Volunteering"),
        icon="people",
        kinds=("volunteering",),
        capabilities=frozenset({Capability.STAFF_INTAKE, Capability.PUBLIC_INTAKE}),
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
