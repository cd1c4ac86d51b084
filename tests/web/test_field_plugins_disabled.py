"""The phone and branch visits plugins can each be left out, or their channel deactivated,
without breaking the application."""

from __future__ import annotations

import pytest

from helpdesk.accounts.services import create_user
from helpdesk.channels.models import ChannelConfig
from helpdesk.extensions import db
from helpdesk.plugin_api.manager import installed_plugins

PAGES = {"phone": ["/channels/phone/", "/channels/phone/calls/new", "/channels/phone/ringing"],
         "branch_visits": ["/channels/branch_visits/", "/channels/branch_visits/manage",
                           "/channels/branch_visits/sw.js"]}


@pytest.mark.parametrize("left_out", sorted(PAGES))
def test_without_the_plugin_its_pages_are_gone_and_the_rest_works(make_app, left_out):
    others = [f"plugins.{name}" for name in sorted(installed_plugins()) if name != left_out]
    app = make_app(plugins=others)
    with app.app_context():
        manager = create_user(email="boss@example.org", name="مدير", role="manager",
                              password="correct horse battery")
        client = app.test_client()
        client.post("/login", data={"email": manager.email,
                                    "password": "correct horse battery"})
        for url in PAGES[left_out]:
            assert client.get(url).status_code == 404
        assert client.get("/").status_code == 200
        assert client.get("/tickets/new").status_code == 200
        assert client.get("/tickets").status_code == 200
        remaining = next(key for key in PAGES if key != left_out)
        assert client.get(PAGES[remaining][0]).status_code == 200


@pytest.mark.parametrize("key", sorted(PAGES))
def test_a_deactivated_channel_closes_its_pages(app, client, login, make_user, key):
    login(make_user("manager"))
    db.session.add(ChannelConfig(channel_key=key, active=False, settings={}))
    db.session.commit()
    for url in PAGES[key]:
        assert client.get(url).status_code == 404
    assert client.get("/").status_code == 200


def test_a_deactivated_phone_channel_takes_no_telephony_event(app, client):
    db.session.add(ChannelConfig(channel_key="phone", active=False,
                                 settings={"telephony_secret": "x"}))
    db.session.commit()
    assert client.post("/channels/phone/events", data=b"{}").status_code == 404


def test_the_channels_page_links_each_active_channel_s_own_page(app, client, login,
                                                               make_user):
    login(make_user("manager"))
    page = client.get("/channels").get_data(as_text=True)
    assert 'href="/channels/phone/"' in page and 'href="/channels/branch_visits/"' in page
    db.session.add(ChannelConfig(channel_key="phone", active=False, settings={}))
    db.session.commit()
    page = client.get("/channels").get_data(as_text=True)
    assert 'href="/channels/phone/"' not in page
