"""The phone channel (الاتصالات الهاتفية): calls logged by staff, answered by SMS."""

from helpdesk.plugin_api import hookimpl
from plugins.phone.channel import PhoneChannel
from plugins.phone.demo import helpdesk_demo_data  # noqa: F401  (hook implementation)


@hookimpl
def helpdesk_channels():
    return [PhoneChannel()]
