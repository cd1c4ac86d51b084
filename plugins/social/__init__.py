"""The social media channel (وسائل التواصل الاجتماعي): WhatsApp and other accounts."""

from helpdesk.plugin_api import hookimpl
from plugins.social.channel import SocialChannel
from plugins.social.demo import helpdesk_demo_data  # noqa: F401  (hook implementation)


@hookimpl
def helpdesk_channels():
    return [SocialChannel()]
