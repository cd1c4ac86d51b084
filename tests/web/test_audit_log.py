"""The audit log page: newest first, keyset pages, filters, readable changes, htmx."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpdesk.admin.audit_log import AuditFilters, audit_page
from helpdesk.audit.services import record_audit
from helpdesk.contacts.services import reveal_national_id
from helpdesk.db_types import utcnow
from helpdesk.extensions import db


@pytest.fixture
def manager(make_user):
    return make_user("manager")


def _entry(actor, action="service.updated", target_type="service", target_id=1, **kw):
    entry = record_audit(actor, action, target_type, target_id, **kw)
    db.session.commit()
    return entry


def _ids(page):
    return [entry.id for entry in page.entries]


def test_pages_go_newest_first_and_follow_each_other_without_gaps(manager):
    entries = [_entry(manager, target_id=n) for n in range(7)]
    seen, filters = [], AuditFilters(action="service.updated")
    while True:
        page = audit_page(filters, limit=3)
        seen.extend(_ids(page))
        if page.next_cursor is None:
            break
        filters = AuditFilters(action="service.updated", after=page.next_cursor)
    assert seen == [e.id for e in reversed(entries)]


def test_filters_by_actor_action_object_and_date(manager, make_user):
    other = make_user("admin")
    mine = _entry(manager, "service.updated", "service")
    theirs = _entry(other, "webhook.created", "webhook_subscription")
    old = _entry(other, "webhook.created", "webhook_subscription")
    old.created_at = utcnow() - timedelta(days=10)
    db.session.commit()
    today = utcnow().date()

    assert _ids(audit_page(AuditFilters(actor=manager.id))) == [mine.id]
    assert _ids(audit_page(AuditFilters(action="webhook.created"))) == [old.id, theirs.id]
    assert _ids(audit_page(AuditFilters(target_type="service"))) == [mine.id]
    assert _ids(audit_page(AuditFilters(actor=other.id,
                                        date_from=today - timedelta(days=1)))) == [theirs.id]
    assert _ids(audit_page(AuditFilters(date_to=today - timedelta(days=5)))) == [old.id]


def test_the_page_shows_who_what_and_the_change_before_and_after(manager, login):
    _entry(manager, "service.updated", "service", 7,
           before={"name_en": "Food basket", "active": True},
           after={"name_en": "Food baskets", "active": True})
    client = login(manager)
    client.post("/locale", data={"locale": "en", "next": "/"})

    html = client.get("/admin/audit").get_data(as_text=True)

    assert "Service changed" in html and manager.name in html
    assert "Food basket" in html and "Food baskets" in html
    assert "<code dir=\"ltr\">active</code>" not in html  # unchanged fields are left out


def test_a_national_id_view_is_listed(manager, make_user, make_contact, login):
    agent = make_user("agent")
    contact = make_contact(national_id="1234567897")
    reveal_national_id(contact, agent)
    db.session.commit()
    client = login(manager)
    client.post("/locale", data={"locale": "en", "next": "/"})

    html = client.get("/admin/audit?action=contact.national_id_viewed").get_data(as_text=True)

    assert "National ID viewed" in html and agent.name in html
    assert "1234567897" not in html


def test_htmx_filters_return_only_the_results(manager, login):
    _entry(manager, "service.updated", "service")
    _entry(manager, "webhook.created", "webhook_subscription")
    client = login(manager)

    response = client.get("/admin/audit?target_type=webhook_subscription",
                          headers={"HX-Request": "true"})

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="audit-results"')
    assert 'data-action="webhook.created"' in html
    assert 'data-action="service.updated"' not in html


def test_the_older_entries_link_keeps_the_filters(manager, login, monkeypatch):
    monkeypatch.setattr("helpdesk.admin.audit_log.PAGE_SIZE", 2)
    for _ in range(3):
        _entry(manager, "webhook.created", "webhook_subscription")
    _entry(manager, "service.updated", "service")
    client = login(manager)

    html = client.get("/admin/audit?action=webhook.created").get_data(as_text=True)

    assert 'data-testid="older-entries"' in html
    assert "action=webhook.created" in html.split('data-testid="older-entries"')[0].rsplit(
        "<a", 1)[1]


def test_a_bad_date_is_reported_at_its_field_and_ignored(manager, login):
    _entry(manager)
    client = login(manager)

    response = client.get("/admin/audit?date_from=yesterday")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-testid="error-date_from"' in html and 'value="yesterday"' in html
    assert 'data-testid="audit-entries"' in html


def test_the_nav_links_to_the_audit_log_for_managers_only(manager, make_user, login, app):
    html = login(manager).get("/").get_data(as_text=True)
    assert 'href="/admin/audit"' in html
    agent_client = app.test_client()
    agent = make_user("agent")
    agent_client.post("/login", data={"email": agent.email, "password": "correct horse battery"})
    assert 'href="/admin/audit"' not in agent_client.get("/").get_data(as_text=True)


def test_a_secret_change_is_shown_without_its_value(manager, login):
    login(manager).post("/admin/channels/social/settings",
                        data={"whatsapp_access_token": "EAAG-very-secret"})
    client = login(manager)
    client.post("/locale", data={"locale": "en", "next": "/"})

    html = client.get("/admin/audit?action=channel.settings").get_data(as_text=True)

    assert "Channel settings changed" in html
    assert "A new secret value (not shown)" in html
    assert "EAAG-very-secret" not in html


def test_stored_keys_read_as_their_labels_and_english_values_are_marked_english(manager,
                                                                                login):
    _entry(manager, "user.created", "user", after={"name": "ريم", "role": "agent"})
    _entry(manager, "webhook.created", "webhook_subscription",
           after={"event_types": ["ticket.created"]})
    _entry(manager, "service.updated", "service", before={"name_en": "Food"},
           after={"name_en": "Food basket", "rules": [{"type": "min", "value": 3}]})
    html = login(manager).get("/admin/audit").get_data(as_text=True)
    assert "موظف علاقات" in html and ">agent<" not in html
    assert "أُنشئت التذكرة" in html and "ticket.created" not in html
    assert '<td lang="en" dir="ltr">Food basket</td>' in html
    assert '<code dir="ltr">{&#34;type&#34;: &#34;min&#34;, &#34;value&#34;: 3}</code>' in html
