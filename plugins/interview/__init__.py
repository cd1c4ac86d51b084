"""The walk-in interview channel (المقابلة): people received at the association's office."""

from helpdesk.plugin_api import hookimpl
from plugins.interview.channel import InterviewChannel
from plugins.interview.demo import helpdesk_demo_data  # noqa: F401  (hook implementation)


@hookimpl
def helpdesk_channels():
    return [InterviewChannel()]
