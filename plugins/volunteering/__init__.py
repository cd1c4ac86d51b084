"""The volunteering channel (خدمة التطوع): volunteer applications."""

from helpdesk.plugin_api import hookimpl
from plugins.volunteering.channel import VolunteeringChannel
from plugins.volunteering.demo import helpdesk_demo_data  # noqa: F401  (hook implementation)


@hookimpl
def helpdesk_channels():
    return [VolunteeringChannel()]
