"""The ticket page's actions, as plain form posts and through htmx: the lifecycle, the side
panels, the reply box, the refusals (404, 403, 409, 422) and the queue's bulk actions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from helpdesk.accounts.roles import ROLES
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.tickets import services
from helpdesk.tickets.errors import StaleTicket
from helpdesk.tickets.models import Event, Referral, Ticket
from helpdesk.tickets.outbox_models import OutboxMessage
from helpdesk.tickets.page import EVENT_LABELS, event_label
from helpdesk.tickets.queries import ticket_tag_names
from tests.web.authz.tickets_actions import EXPECTATIONS
from tests.web.crew import HTMX, Crew, status_of, version_of


@pytest.fixture
def crew(app, make_user, make_ticket, client) -> Crew:
    return Crew(make_user, make_ticket, client)


def act(crew: Crew, ticket: Ticket, action: str, fields=None, *, htmx: bool = False,
        version: int | None = None):
    """Post one lifecycle form as the page draws it ("<action>-<field>" names)."""
    data = {f"{action}-{name}": value for name, value in (fields or {}).items()}
    data["version"] = str(version if version is not None else version_of(ticket))
    return crew.client.post(f"/tickets/{ticket.number}/actions/{action}", data=data,
                            headers=HTMX if htmx else None)


def post(crew: Crew, ticket: Ticket, route: str, data=None, *, htmx: bool = False):
    data = dict(data or {})
    data.setdefault("version", str(version_of(ticket)))
    return crew.client.post(f"/tickets/{ticket.number}/actions/{route}", data=data,
                            headers=HTMX if htmx else None)


def text(response) -> str:
    return response.get_data(as_text=True)


def count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


# ---------------------------------------------------------------------------------------
# The page


def test_the_page_shows_the_actions_panels_and_reply_box_the_user_may_use(crew):
    ticket = crew.request(body="أحتاج مساعدة في دفع الإيجار")
    crew.sign_in(crew.agent)
    html = text(crew.client.get(f"/tickets/{ticket.number}"))
    for action in ("start", "request_information", "refer", "cancel"):
        assert f'data-testid="action-{action}"' in html
    assert 'data-testid="action-close"' not in html  # not from "new"
    for panel in ("assignment", "priority", "tags", "referrals", "committee", "outbox"):
        assert f'data-testid="panel-{panel}"' in html
    assert 'data-testid="action-take"' in html
    assert 'id="form-reply"' in html and 'id="reply-internal"' in html
    # The contact has a phone and the help requests channel cannot answer: SMS carries it.
    assert 'data-testid="reply-route"' in html and ticket.contact.phone in html
    assert 'name="version" value="1"' in html


def test_a_committee_member_sees_the_decisions_but_no_work_forms(crew):
    ticket = crew.at_committee(crew.request())
    crew.sign_in(crew.member)
    html = text(crew.client.get(f"/tickets/{ticket.number}"))
    for action in ("approve", "reject", "defer"):
        assert f'data-testid="action-{action}"' in html
    assert 'id="form-assign"' not in html and 'id="form-add_tag"' not in html
    assert 'id="reply-public"' not in html and 'id="reply-internal"' in html  # notes only


def test_internal_events_look_different_from_what_the_person_sees(crew):
    ticket = crew.inquiry()
    services.add_note(ticket, actor=crew.agent, expected_version=None, body="ملاحظة داخلية")
    crew.sign_in(crew.agent)
    html = text(crew.client.get(f"/tickets/{ticket.number}"))
    note = re.search(r'<li class="([^"]*)"[^>]*data-event-type="note"', html)
    created = re.search(r'<li class="([^"]*)"[^>]*data-event-type="created"', html)
    assert "sila-event-internal" in note.group(1) and "border-warning" in note.group(1)
    assert "sila-event-public" in created.group(1)
    assert 'data-testid="internal-badge"' in html


def test_every_event_the_services_write_has_a_label(crew):
    ticket = crew.request()
    services.take(ticket, actor=crew.agent, expected_version=None)
    services.change_team(ticket, actor=crew.manager, expected_version=None,
                         team_id=crew.research.id)
    services.set_priority(ticket, actor=crew.manager, expected_version=None, priority="high")
    services.add_tag(ticket, actor=crew.manager, expected_version=None, name="رمضان")
    services.remove_tag(ticket, actor=crew.manager, expected_version=None, name="رمضان")
    services.add_note(ticket, actor=crew.manager, expected_version=None, body="ملاحظة")
    services.reply(ticket, actor=crew.manager, expected_version=None, body="رد")
    services.start(ticket, actor=crew.manager, expected_version=None)
    services.refer(ticket, actor=crew.manager, expected_version=None, question="سؤال؟",
                   to_user_id=crew.officer.id)
    written = {event.type for event in db.session.scalars(select(Event))}
    written |= {"message_in", "delivery_failed", "sla_breached", "contact_merged"}
    assert written <= set(EVENT_LABELS)
    for event in db.session.scalars(select(Event)):
        assert event_label(event) != event.type
    crew.sign_in(crew.manager)
    html = text(crew.client.get(f"/tickets/{ticket.number}"))
    assert ">status_changed<" not in html and ">tag_added<" not in html


def test_the_outbox_panel_shows_each_message_with_its_delivery_state_and_last_error(crew):
    ticket = crew.inquiry()
    services.reply(ticket, actor=crew.agent, expected_version=None, body="نفيدكم بأن الموعد غداً")
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id))
    message.status, message.attempts, message.last_error = "failed", 2, "SMS gateway timeout"
    db.session.commit()
    crew.sign_in(crew.agent)
    html = text(crew.client.get(f"/tickets/{ticket.number}"))
    panel = html[html.index('id="panel-outbox"'):]
    assert 'data-outbox-status="failed"' in panel
    assert "SMS gateway timeout" in panel


def test_the_outbox_panel_names_the_channel_by_its_label_not_its_key(crew, app):
    ticket = crew.inquiry(channel_key="website")
    services.reply(ticket, actor=crew.agent, expected_version=None, body="نفيدكم بأن الموعد غداً")
    crew.sign_in(crew.agent)
    html = text(crew.client.get(f"/tickets/{ticket.number}"))
    panel = html[html.index('id="panel-outbox"'):html.index("</section>", html.index(
        'id="panel-outbox"'))]
    with force_locale("ar"):
        label = str(app.extensions["helpdesk_plugins"].channel("website").meta.label)
    assert f"({label})" in panel
    assert "website" not in re.sub(r"<[^>]+>", "", panel)


def test_a_team_change_and_a_referral_to_a_team_name_the_teams_not_their_keys(crew):
    ticket = crew.inquiry()
    services.change_team(ticket, actor=crew.manager, expected_version=None,
                         team_id=crew.research.id)
    services.start(ticket, actor=crew.manager, expected_version=None)
    services.refer(ticket, actor=crew.manager, expected_version=None, question="هل سبق الصرف؟",
                   to_team_id=crew.finance.id)
    crew.sign_in(crew.manager)
    html = text(crew.client.get(f"/tickets/{ticket.number}"))
    team_event = re.search(r'data-event-type="team_changed".*?</li>', html, re.S).group(0)
    assert "العلاقات" in team_event and "البحث الاجتماعي" in team_event
    start = html.index('id="ticket-timeline"')
    timeline = re.sub(r"<[^>]+>", " ", html[start:html.index("</ol>", start)])
    assert "المالية" in timeline  # referred to
    assert not {"relations", "research", "finance"} & set(re.findall(r"[a-z]+", timeline))


def test_the_contacts_other_tickets_are_listed(crew, make_contact):
    contact = make_contact()
    first = crew.inquiry(contact=contact, subject="السؤال الأول")
    second = crew.inquiry(contact=contact)
    crew.sign_in(crew.agent)
    html = text(crew.client.get(f"/tickets/{second.number}"))
    assert 'data-testid="related-tickets"' in html and first.number in html


def test_the_channel_plugins_panel_is_drawn_and_a_failing_one_is_left_out(make_app, make_user,
                                                                          make_contact):
    app = make_app(plugins=["plugins.phone", "tests.web.panel_plugin"])
    with app.app_context():
        agent = make_user("agent")
        good = services.open_ticket(channel_key="panelled", kind="inquiry", subject="كشك",
                                    channel_data={"kiosk": "K-7"})
        broken = services.open_ticket(channel_key="brokenpanel", kind="inquiry", subject="عطل")
        client = app.test_client()
        client.post("/login", data={"email": agent.email, "password": "correct horse battery"})
        html = text(client.get(f"/tickets/{good.number}"))
        assert 'data-testid="kiosk-panel"' in html and "Kiosk K-7" in html
        assert "Kiosk details" in html
        response = client.get(f"/tickets/{broken.number}")
        assert response.status_code == 200 and 'data-testid="panel-channel"' not in text(response)


# ---------------------------------------------------------------------------------------
# The lifecycle through the page: plain posts and htmx


def _support_walk(crew: Crew):
    return [
        (crew.agent, "start", {}, "in_progress"),
        (crew.agent, "request_information", {"missing": "صورة الهوية الوطنية\nعقد الإيجار",
                                             "note": ""}, "awaiting_information"),
        (crew.agent, "information_received", {}, "in_progress"),
        (crew.agent, "refer", {"to_user_id": str(crew.officer.id), "to_team_id": "",
                               "question": "هل الأسرة مسجلة لدينا سابقاً؟"}, "referred"),
        (crew.officer, "return_referral", {"answer": "نعم، منذ عام 1445 هـ."}, "in_progress"),
        (crew.agent, "send_to_committee", {"note": "الملف مكتمل"}, "committee"),
        (crew.member, "defer", {"reason": "نحتاج زيارة ميدانية", "new_due_on": "",
                                "message": ""}, "committee"),
        (crew.member, "approve", {"reason": "الحالة مستوفية للشروط", "message": ""},
         "approved"),
        (crew.agent, "register", {}, "registration"),
        (crew.agent, "deliver", {}, "service_delivered"),
        (crew.agent, "close", {"resolution_code": "service_provided",
                               "resolution_note": "سُلّمت الإعانة", "message": ""}, "closed"),
    ]


def _short_walk(crew: Crew):
    return [
        (crew.agent, "start", {}, "in_progress"),
        (crew.agent, "resolve", {}, "resolved"),
        (crew.agent, "close", {"resolution_code": "answered", "resolution_note": "أجبناه",
                               "message": "شكراً لتواصلك"}, "closed"),
        (crew.agent, "reopen", {"reason": "عاود التواصل"}, "reopened"),
        (crew.agent, "cancel", {"reason_code": "mistake", "note": "", "duplicate_of": ""},
         "cancelled"),
    ]


def _volunteer_walk(crew: Crew):
    return [
        (crew.coordinator, "start", {}, "in_progress"),
        (crew.coordinator, "approve", {"reason": "مهارات مناسبة", "message": ""}, "approved"),
        (crew.coordinator, "close", {"resolution_code": "answered",
                                     "resolution_note": "انضم للفريق", "message": ""},
         "closed"),
    ]


WALKS = {"support_request": _support_walk, "inquiry": _short_walk,
         "volunteering": _volunteer_walk}


@pytest.mark.parametrize("kind", sorted(WALKS))
def test_each_action_works_as_a_plain_post_back_to_the_page_with_a_flash(crew, kind):
    ticket = crew.request() if kind == "support_request" else crew.inquiry(kind=kind)
    for actor, action, fields, status in WALKS[kind](crew):
        crew.sign_in(actor)
        response = act(crew, ticket, action, fields)
        assert response.status_code == 302, (action, text(response)[:300])
        assert status_of(ticket) == status, action
        page = crew.client.get(response.headers["Location"])
        html = text(page)
        assert 'class="alert alert-success"' in html, action
        if response.headers["Location"].endswith(ticket.number):
            assert f'data-status="{status}"' in html


@pytest.mark.parametrize("kind", sorted(WALKS))
def test_each_action_through_htmx_returns_only_the_regions_it_changed(crew, kind):
    ticket = crew.request() if kind == "support_request" else crew.inquiry(kind=kind)
    for actor, action, fields, status in WALKS[kind](crew):
        crew.sign_in(actor)
        response = act(crew, ticket, action, fields, htmx=True)
        html = text(response)
        assert response.status_code == 200, (action, html[:300])
        assert "<html" not in html and "<body" not in html
        assert status_of(ticket) == status, action
        assert f'data-status="{status}"' in html
        if response.headers.get("HX-Retarget") == "#ticket":
            # Done and now out of reach (the referee, the committee member): said in place.
            assert 'data-testid="ticket-gone"' in html and actor in (crew.officer, crew.member)
            continue
        assert html.lstrip().startswith('<div id="ticket-alert"')
        for region in ("ticket-header", "ticket-actions", "ticket-timeline", "panel-assignment",
                       "panel-outbox"):
            assert re.search(rf'id="{region}"[^>]*hx-swap-oob="true"', html), (action, region)
        assert f'data-version="{version_of(ticket)}"' in html
        # The reply box keeps what is being typed: only its version moves on.
        assert f'id="reply-version" value="{version_of(ticket)}" hx-swap-oob="true"' in html


def test_the_reply_box_sends_a_public_reply_through_the_outbox(crew):
    ticket = crew.inquiry()
    crew.sign_in(crew.agent)
    response = post(crew, ticket, "reply", {"reply-visibility": "public",
                                            "reply-body": "نفيدكم بأن موعد التوزيع الأحد"})
    assert response.status_code == 302
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id))
    assert message.purpose == "reply" and message.body == "نفيدكم بأن موعد التوزيع الأحد"
    html = text(crew.client.get(f"/tickets/{ticket.number}"))
    assert 'data-outbox-status="pending"' in html


def test_the_reply_box_writes_an_internal_note_through_htmx(crew):
    ticket = crew.inquiry()
    crew.sign_in(crew.agent)
    response = post(crew, ticket, "reply", {"reply-visibility": "internal",
                                            "reply-body": "اتصلت ولم يرد"}, htmx=True)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    note = db.session.scalar(select(Event).where(Event.ticket_id == ticket.id,
                                                 Event.type == "note"))
    assert note.visibility == "internal" and note.body == "اتصلت ولم يرد"
    assert count(OutboxMessage, ticket_id=ticket.id) == 0
    assert re.search(r'id="ticket-reply"[^>]*hx-swap-oob="true"', html)  # a fresh, empty box


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_the_side_panels_take_assign_move_prioritise_and_tag(crew, htmx):
    ticket = crew.inquiry(team_id=None)  # unrouted: relations agents triage it
    crew.sign_in(crew.agent)
    ok = {200} if htmx else {302}
    assert post(crew, ticket, "take", htmx=htmx).status_code in ok
    assert db.session.get(Ticket, ticket.id).assignee_id == crew.agent.id
    assert post(crew, ticket, "assign", {"assign-assignee_id": str(crew.other_agent.id)},
                htmx=htmx).status_code in ok
    assert post(crew, ticket, "set_priority", {"set_priority-priority": "urgent"},
                htmx=htmx).status_code in ok
    assert post(crew, ticket, "add_tag", {"add_tag-name": "رمضان"}, htmx=htmx).status_code in ok
    assert post(crew, ticket, "add_tag", {"add_tag-name": "أيتام"}, htmx=htmx).status_code in ok
    assert post(crew, ticket, "remove_tag", {"remove_tag-name": "أيتام"},
                htmx=htmx).status_code in ok
    response = post(crew, ticket, "change_team", {"change_team-team_id": str(crew.relations.id)},
                    htmx=htmx)
    assert response.status_code in ok
    db.session.expire_all()
    fresh = db.session.get(Ticket, ticket.id)
    assert (fresh.assignee_id, fresh.priority, fresh.team_id) == \
        (crew.other_agent.id, "urgent", crew.relations.id)
    assert ticket_tag_names(fresh) == ["رمضان"]
    if htmx:
        assert re.search(r'id="panel-assignment"[^>]*hx-swap-oob="true"', text(response))


# ---------------------------------------------------------------------------------------
# Refusals


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_stale_version_answers_409_with_the_fresh_ticket_what_changed_and_a_reload_link(
        crew, htmx):
    ticket = crew.inquiry()
    seen = version_of(ticket)
    services.add_tag(ticket, actor=crew.other_agent, expected_version=None, name="عاجل")
    crew.sign_in(crew.agent)
    response = act(crew, ticket, "start", version=seen, htmx=htmx)
    html = text(response)
    assert response.status_code == 409
    assert status_of(ticket) == "new"
    with force_locale("ar"):
        message = StaleTicket().message
    assert re.search(r'data-testid="ticket-alert" data-kind="warning">\s*' + re.escape(message),
                     html)
    assert f'name="version" value="{version_of(ticket)}"' in html  # the fresh version
    assert 'data-tag="عاجل"' in html                                 # the other change
    # What changed meanwhile, who changed it and when, and a way to reload the page.
    alert = html.split('data-testid="ticket-alert"', 1)[1].split("</div>", 1)[0]
    changes = alert.split('data-testid="conflict-changes"', 1)[1].split("</ul>", 1)[0]
    assert changes.count("<li>") == 1
    assert "أُضيف وسم" in changes and "خالد الشهري" in changes and "هـ" in changes
    assert f'href="/tickets/{ticket.number}"' in alert and 'data-testid="reload-ticket"' in alert
    if htmx:
        assert "<html" not in html and response.headers["HX-Retarget"] == "#ticket"
        assert html.lstrip().startswith('<div id="ticket"')
    else:
        assert "<html" in html


def test_a_reply_to_a_ticket_changed_meanwhile_keeps_the_typed_text(crew):
    ticket = crew.inquiry()
    seen = version_of(ticket)
    services.set_priority(ticket, actor=crew.other_agent, expected_version=None,
                          priority="high")
    crew.sign_in(crew.agent)
    response = post(crew, ticket, "reply", {"version": str(seen), "reply-visibility": "public",
                                            "reply-body": "رد طويل كتبته بعناية"}, htmx=True)
    html = text(response)
    assert response.status_code == 409
    assert count(OutboxMessage, ticket_id=ticket.id) == 0
    assert "رد طويل كتبته بعناية" in html
    assert f'name="version" value="{version_of(ticket)}" id="reply-version"' in html


def test_an_empty_note_comes_back_in_the_reply_box_with_the_note_tab_chosen(crew):
    ticket = crew.inquiry()
    crew.sign_in(crew.agent)
    response = post(crew, ticket, "reply", {"reply-visibility": "internal", "reply-body": " "},
                    htmx=True)
    html = text(response)
    assert response.status_code == 422 and response.headers["HX-Retarget"] == "#ticket-reply"
    assert 'data-testid="error-reply-body"' in html
    assert re.search(r'id="reply-internal" value="internal"\s*checked', html)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_validation_error_answers_422_keeping_every_typed_value(crew, htmx):
    ticket = walk_to_resolved(crew)
    crew.sign_in(crew.agent)
    response = act(crew, ticket, "close", {"resolution_code": "", "resolution_note": "",
                                           "message": "رسالة كتبتها بعناية"}, htmx=htmx)
    html = text(response)
    assert response.status_code == 422
    assert status_of(ticket) == "resolved"
    assert "رسالة كتبتها بعناية" in html
    assert 'data-testid="error-close-resolution_code"' in html
    assert 'data-testid="error-close-resolution_note"' in html
    assert '<details class="sila-action" data-action="close" open>' in html
    if htmx:
        assert "<html" not in html and response.headers["HX-Retarget"] == "#ticket-actions"
    else:
        assert "<html" in html


def walk_to_resolved(crew: Crew) -> Ticket:
    ticket = crew.inquiry()
    ticket = services.start(ticket, actor=crew.agent, expected_version=None)
    return services.resolve(ticket, actor=crew.agent, expected_version=None)


def test_a_refer_form_keeps_the_question_when_no_referee_is_chosen(crew):
    ticket = crew.inquiry()
    crew.sign_in(crew.agent)
    response = act(crew, ticket, "refer", {"to_user_id": "", "to_team_id": "",
                                           "question": "ما حالة الأسرة؟"}, htmx=True)
    html = text(response)
    assert response.status_code == 422
    assert "ما حالة الأسرة؟" in html and 'data-testid="error-refer-to_user_id"' in html


def test_a_tampered_select_value_is_a_field_error_not_a_crash(crew):
    ticket = crew.inquiry()
    crew.sign_in(crew.agent)
    response = act(crew, ticket, "refer", {"to_user_id": "abc", "question": "سؤال"})
    assert response.status_code == 422
    assert 'data-testid="error-refer-to_user_id"' in text(response)
    response = post(crew, ticket, "assign", {"assign-assignee_id": "1 OR 1=1"})
    assert response.status_code == 422


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_an_action_the_status_does_not_allow_answers_409_with_the_reason(crew, htmx):
    ticket = crew.inquiry()
    crew.sign_in(crew.agent)
    response = act(crew, ticket, "close", {"resolution_code": "answered",
                                           "resolution_note": "تم"}, htmx=htmx)
    assert response.status_code == 409
    assert 'data-kind="warning"' in text(response)
    assert status_of(ticket) == "new"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_an_action_the_role_does_not_allow_answers_403_with_the_reason(crew, htmx):
    ticket = crew.at_committee(crew.request())
    crew.sign_in(crew.member)  # sees the request on the agenda; may not reply to the person
    response = post(crew, ticket, "reply", {"reply-visibility": "public", "reply-body": "رد"},
                    htmx=htmx)
    html = text(response)
    assert response.status_code == 403
    assert 'data-kind="danger"' in html
    assert count(OutboxMessage, ticket_id=ticket.id, purpose="reply") == 0
    if htmx:
        assert response.headers["HX-Retarget"] == "#ticket-alert" and "<html" not in html


def test_an_unknown_action_is_not_found(crew):
    ticket = crew.inquiry()
    crew.sign_in(crew.agent)
    assert act(crew, ticket, "explode").status_code == 404


def test_a_duplicate_of_a_ticket_out_of_reach_is_told_apart_from_nothing(crew):
    ticket = crew.inquiry()
    hidden = crew.out_of_reach()
    crew.sign_in(crew.agent)
    response = act(crew, ticket, "cancel", {"reason_code": "duplicate",
                                            "duplicate_of": hidden.number, "note": ""})
    html = text(response)
    assert response.status_code == 422
    assert 'data-testid="error-cancel-duplicate_of"' in html
    assert hidden.subject not in html


# Every action route, with the ticket's number changed to one out of reach.
ACTION_ROUTES = sorted(endpoint.split(".")[1] for endpoint in EXPECTATIONS
                       if endpoint not in ("tickets.bulk", "tickets.act"))


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_action_on_a_ticket_out_of_reach_is_not_found_for_each_role(crew, make_user,
                                                                          role):
    hidden = crew.out_of_reach()
    user = make_user(role)
    crew.sign_in(user)
    paths = [f"actions/{route}" for route in ACTION_ROUTES] + ["actions/start", "actions/close"]
    for path in paths:
        for headers in (None, HTMX):
            response = crew.client.post(f"/tickets/{hidden.number}/{path}",
                                        data={"version": "1"}, headers=headers)
            html = text(response)
            if role in ("admin", "manager"):
                assert response.status_code in (200, 302, 409, 422), (path, role)
            else:
                assert response.status_code == 404, (path, role, response.status_code)
                assert hidden.subject not in html
    if role not in ("admin", "manager"):
        assert hidden.subject not in text(crew.client.get("/tickets"))


# ---------------------------------------------------------------------------------------
# The referee's queue


def test_the_referee_finds_the_ticket_in_referred_to_me_and_answers_it(crew):
    ticket = crew.inquiry()
    services.start(ticket, actor=crew.agent, expected_version=None)
    services.refer(ticket, actor=crew.agent, expected_version=None,
                   question="هل سبق أن استفادت الأسرة؟", to_team_id=crew.research.id)
    other = crew.inquiry()
    crew.sign_in(crew.officer)
    queue = text(crew.client.get("/tickets?view=referred"))
    assert f'data-ticket="{ticket.number}"' in queue
    assert f'data-ticket="{other.number}"' not in queue
    page = text(crew.client.get(f"/tickets/{ticket.number}"))
    assert 'data-testid="referral-question"' in page and "هل سبق أن استفادت الأسرة؟" in page
    response = act(crew, ticket, "return_referral", {"answer": "نعم، في عام 1446 هـ"})
    assert response.status_code == 302
    referral = db.session.scalar(select(Referral).where(Referral.ticket_id == ticket.id))
    assert (referral.status, referral.answer) == ("answered", "نعم، في عام 1446 هـ")
    # Returned: it leaves the referee's queue.
    assert f'data-ticket="{ticket.number}"' not in text(crew.client.get("/tickets?view=referred"))


# ---------------------------------------------------------------------------------------
# Bulk actions from the queue


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_bulk_assign_reports_what_was_done_and_what_was_refused(crew, htmx):
    first, second = crew.inquiry(), crew.inquiry()
    hidden = crew.out_of_reach()
    crew.sign_in(crew.agent)
    response = crew.client.post("/tickets/bulk", headers=HTMX if htmx else None, data={
        "ticket": [first.number, second.number, hidden.number], "operation": "assign",
        "bulk-assignee_id": str(crew.other_agent.id), "next": "/tickets?view=team"})
    db.session.expire_all()
    assert {db.session.get(Ticket, t.id).assignee_id for t in (first, second)} == \
        {crew.other_agent.id}
    assert db.session.get(Ticket, hidden.id).assignee_id is None
    if htmx:
        html = text(response)
        assert response.status_code == 200 and "<html" not in html
        assert 'data-testid="bulk-summary"' in html
        assert re.search(r'id="queue-results"[^>]*hx-swap-oob="true"', html)
        refused = html[html.index('data-testid="bulk-refused"'):]
        assert hidden.number in refused and hidden.subject not in html
    else:
        assert response.status_code == 302
        assert response.headers["Location"] == "/tickets?view=team"
        html = text(crew.client.get(response.headers["Location"]))
        assert "alert-warning" in html and hidden.number in html
        assert hidden.subject not in html


def test_bulk_close_as_duplicates_cancels_each_one_through_its_service(crew):
    original = crew.inquiry(subject="الطلب الأصلي")
    copies = [crew.inquiry(), crew.inquiry()]
    closed = walk_to_resolved(crew)
    closed = services.close(closed, actor=crew.agent, expected_version=None,
                            resolution_code="answered", resolution_note="تم")
    crew.sign_in(crew.agent)
    response = crew.client.post("/tickets/bulk", headers=HTMX, data={
        "ticket": [c.number for c in copies] + [closed.number],
        "operation": "close_duplicates", "bulk-duplicate_of": original.number})
    html = text(response)
    assert response.status_code == 200
    assert [status_of(c) for c in copies] == ["cancelled", "cancelled"]
    assert status_of(closed) == "closed"
    event = db.session.scalar(select(Event).where(Event.ticket_id == copies[0].id,
                                                  Event.type == "status_changed")
                              .order_by(Event.id.desc()))
    assert event.data["reason_code"] == "duplicate"
    assert event.data["duplicate_of"] == original.number
    assert closed.number in html[html.index('data-testid="bulk-refused"'):]


def test_bulk_change_team_and_add_tag(crew):
    tickets = [crew.inquiry(), crew.inquiry()]
    crew.sign_in(crew.agent)
    response = crew.client.post("/tickets/bulk", data={
        "ticket": [t.number for t in tickets], "operation": "add_tag", "bulk-tag": "حملة الشتاء"})
    assert response.status_code == 302
    assert all(ticket_tag_names(t) == ["حملة الشتاء"] for t in tickets)
    response = crew.client.post("/tickets/bulk", data={
        "ticket": [t.number for t in tickets], "operation": "change_team",
        "bulk-team_id": str(crew.research.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert {db.session.get(Ticket, t.id).team_id for t in tickets} == {crew.research.id}


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_bulk_action_without_tickets_or_value_keeps_what_was_typed(crew, htmx):
    ticket = crew.inquiry()
    crew.sign_in(crew.agent)
    response = crew.client.post("/tickets/bulk", headers=HTMX if htmx else None, data={
        "operation": "close_duplicates", "bulk-tag": "وسم مكتوب", "bulk-duplicate_of": ""})
    html = text(response)
    assert response.status_code == 422
    assert 'data-testid="error-bulk-ticket"' in html
    assert 'data-testid="error-bulk-duplicate_of"' in html
    assert 'value="وسم مكتوب"' in html
    assert status_of(ticket) == "new"
    if htmx:
        assert response.headers["HX-Retarget"] == "#bulk-bar" and "<html" not in html


def test_the_queue_rows_have_checkboxes_for_those_who_may_act_in_bulk(crew):
    ticket = crew.at_committee(crew.request())
    crew.sign_in(crew.agent)
    assert f'name="ticket" value="{ticket.number}"' in text(crew.client.get("/tickets"))
    crew.sign_in(crew.member)
    html = text(crew.client.get("/tickets"))
    assert ticket.number in html and 'name="ticket"' not in html
    assert 'id="bulk-form"' not in html


def test_a_committee_member_cannot_post_bulk_actions(crew):
    ticket = crew.at_committee(crew.request())
    crew.sign_in(crew.member)
    response = crew.client.post("/tickets/bulk", data={"ticket": [ticket.number],
                                                       "operation": "add_tag",
                                                       "bulk-tag": "x"})
    assert response.status_code == 403
    assert ticket_tag_names(ticket) == []


def test_an_overdue_ticket_shows_its_badge_in_the_header(crew):
    ticket = crew.inquiry()
    ticket.resolution_due_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    crew.sign_in(crew.agent)
    assert 'data-sla="breached"' in text(crew.client.get(f"/tickets/{ticket.number}"))


def test_every_timeline_entry_carries_its_hijri_and_gregorian_dates(crew):
    ticket = crew.inquiry()
    services.add_note(ticket, actor=crew.agent, expected_version=None, body="اتصلت بالمستفيد")
    crew.sign_in(crew.agent)
    page = text(crew.client.get(f"/tickets/{ticket.number}"))
    timeline = page.split('id="ticket-timeline"', 1)[1].split("</ol>", 1)[0]
    moments = [part.split("</time>", 1)[0] for part in timeline.split("<time ")[1:]]
    assert len(moments) == 2
    for moment in moments:
        assert "هـ" in moment and str(ticket.created_at.year) in moment


def test_acting_from_a_page_older_than_ones_own_last_change_is_no_conflict(crew):
    ticket = crew.inquiry()
    seen = version_of(ticket)
    crew.sign_in(crew.manager)
    moved = post(crew, ticket, "change_team", {"change_team-team_id": str(crew.research.id),
                                               "version": str(seen)}, htmx=True)
    assert moved.status_code == 200
    services.set_priority(ticket, actor=crew.manager, expected_version=None, priority="high")
    started = act(crew, ticket, "start", version=seen, htmx=True)
    assert started.status_code == 200
    assert status_of(ticket) == "in_progress"
