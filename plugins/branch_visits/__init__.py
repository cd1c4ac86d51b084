"""The branch representatives channel (مناديب المكاتب الفرعية): field visits, planned by
managers and recorded from a phone, also without a connection."""

from helpdesk.plugin_api import hookimpl
from plugins.branch_visits.channel import BranchVisitsChannel
from plugins.branch_visits.demo import helpdesk_demo_data  # noqa: F401  (hook implementation)
from plugins.branch_visits.views import bp


@hookimpl
def helpdesk_channels():
    return [BranchVisitsChannel()]


@hookimpl
def helpdesk_blueprints():
    return [bp]
