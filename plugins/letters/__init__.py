"""The official letters channel (الخطابات): letters received and registered."""

from helpdesk.plugin_api import hookimpl
from plugins.letters.channel import LettersChannel
from plugins.letters.demo import helpdesk_demo_data  # noqa: F401  (hook implementation)


@hookimpl
def helpdesk_channels():
    return [LettersChannel()]
