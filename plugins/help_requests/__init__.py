"""The help requests channel (خدمات طلب المساعدة): support requests for services."""

from helpdesk.plugin_api import hookimpl
from plugins.help_requests.channel import HelpRequestsChannel
from plugins.help_requests.demo import helpdesk_demo_data  # noqa: F401  (hook implementation)


@hookimpl
def helpdesk_channels():
    return [HelpRequestsChannel()]
