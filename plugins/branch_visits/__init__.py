"""The branch representatives channel (مناديب المكاتب الفرعية): field visits."""

from helpdesk.plugin_api import hookimpl
from plugins.branch_visits.channel import BranchVisitsChannel
from plugins.branch_visits.demo import helpdesk_demo_data  # noqa: F401  (hook implementation)


@hookimpl
def helpdesk_channels():
    return [BranchVisitsChannel()]
