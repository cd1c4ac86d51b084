"""The official letters channel: letters received, registered and answered in writing."""

from flask_babel import lazy_gettext as _l

from helpdesk.plugin_api import BaseChannel, Capability, ChannelMeta, FieldSpec, Reach


class LettersChannel(BaseChannel):
    meta = ChannelMeta(
        key="letters",
        label=_l("Official letters"),
        icon="envelope-paper",
        kinds=("inquiry", "support_request", "complaint", "suggestion", "appreciation",
               "other"),
        capabilities=frozenset({Capability.STAFF_INTAKE, Capability.ATTACHMENTS}),
        description=_l("Letters from people and organisations, registered on arrival."),
        position=40,
        reach=Reach.POSTAL_ADDRESS,
    )

    def intake_fields(self):
        return (
            FieldSpec("name", _l("Sender"), required=True, max_length=160),
            FieldSpec("organisation", _l("Sending organisation"), max_length=200),
            FieldSpec("reference", _l("Letter reference number"), max_length=64),
            FieldSpec("letter_date", _l("Letter date"), type="date"),
            FieldSpec("summary", _l("Subject of the letter"), type="textarea", required=True,
                      max_length=4000),
        )
