"""The phone channel (الاتصالات الهاتفية): calls logged by staff or told by a call system,
answered by SMS."""

from helpdesk.plugin_api import hookimpl
from plugins.phone.channel import PhoneChannel
from plugins.phone.demo import helpdesk_demo_data  # noqa: F401  (hook implementation)
from plugins.phone.views import bp


@hookimpl
def helpdesk_channels():
    return [PhoneChannel()]


@hookimpl
def helpdesk_blueprints():
    return [bp]
