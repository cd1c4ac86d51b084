"""The website channel (الموقع الإلكتروني): the public contact form."""

from helpdesk.plugin_api import hookimpl
from plugins.website.channel import WebsiteChannel
from plugins.website.demo import helpdesk_demo_data  # noqa: F401  (hook implementation)


@hookimpl
def helpdesk_channels():
    return [WebsiteChannel()]
