"""Two test channels for the ticket page's plugin panel: one draws a panel, one fails to."""

from helpdesk.plugin_api import BaseChannel, ChannelMeta, PanelSpec, hookimpl


class PanelledChannel(BaseChannel):
    meta = ChannelMeta(key="panelled", label="Kiosk", icon="display", kinds=("inquiry",))

    def ticket_panel(self, ticket):
        return PanelSpec("channels/panelled/panel.html",
                         {"kiosk": ticket.channel_data.get("kiosk"), "number": ticket.number},
                         title="Kiosk details")


class BrokenPanelChannel(BaseChannel):
    meta = ChannelMeta(key="brokenpanel", label="Broken", icon="bug", kinds=("inquiry",))

    def ticket_panel(self, ticket):
        raise RuntimeError("this plugin's panel is broken")


@hookimpl
def helpdesk_channels():
    return [PanelledChannel(), BrokenPanelChannel()]
