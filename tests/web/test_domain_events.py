"""The unit of work: domain events reach their handlers before and after the commit, and
a change that does not commit announces nothing."""

from __future__ import annotations

import logging
import types
from io import BytesIO

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from helpdesk.extensions import db
from helpdesk.plugin_api.hookspecs import hookimpl
from helpdesk.portal.services import add_reply
from helpdesk.tickets import services
from helpdesk.tickets.events import (
    DomainEvent,
    MessageQueued,
    NoteAdded,
    TicketOpened,
    TicketTransitioned,
)
from helpdesk.tickets.models import Attachment, Event, Ticket
from helpdesk.tickets.outbox_models import OutboxMessage
from helpdesk.tickets.unit_of_work import Phase, event_handlers
from helpdesk.webhooks.models import WebhookDelivery, WebhookSubscription
from helpdesk.worker import get_worker
from tests.support.worker import pending_task_args


def listen(app, event_type: type, phase: Phase) -> list:
    heard: list = []
    event_handlers(app).subscribe(event_type, heard.append, phase)
    return heard


def fail(event: DomainEvent) -> None:
    raise RuntimeError("a handler that breaks")


def subscribe_webhooks() -> None:
    db.session.add(WebhookSubscription(
        name="سجل", url="http://127.0.0.1:9/hook", secret="s" * 32, active=True,
        event_types=["ticket.created", "ticket.status_changed", "ticket.message_added"]))
    db.session.commit()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def status_in_database(ticket_id: int) -> str | None:
    with db.engine.connect() as connection:  # another connection sees only commits
        return connection.scalar(select(Ticket.status).where(Ticket.id == ticket_id))


def test_an_after_commit_handler_hears_the_transition_with_its_fields_once_committed(
        app, make_user, make_ticket):
    agent = make_user("agent")
    ticket = make_ticket()
    committed: list[str | None] = []
    heard = listen(app, TicketTransitioned, Phase.AFTER_COMMIT)
    event_handlers(app).subscribe(
        TicketTransitioned, lambda event: committed.append(status_in_database(event.ticket_id)),
        Phase.AFTER_COMMIT)
    services.start(ticket.id, actor=agent, expected_version=ticket.version, note="نبدأ")
    row = db.session.scalar(select(Event).where(Event.ticket_id == ticket.id,
                                                Event.type == "status_changed"))
    assert heard == [TicketTransitioned(
        ticket_id=ticket.id, event_id=row.id, type="status_changed", body="نبدأ",
        visibility="internal", action="start", from_status="new", to_status="in_progress")]
    assert committed == ["in_progress"]


def test_a_note_and_an_opened_ticket_are_heard_as_their_own_events(app, make_user,
                                                                    make_ticket):
    agent = make_user("agent")
    opened = listen(app, TicketOpened, Phase.AFTER_COMMIT)
    notes = listen(app, NoteAdded, Phase.AFTER_COMMIT)
    ticket = make_ticket(channel_key="phone")
    services.add_note(ticket.id, actor=agent, expected_version=None, body="اتصلت بالأسرة")
    assert [(e.ticket_id, e.channel_key) for e in opened] == [(ticket.id, "phone")]
    assert [(e.ticket_id, e.body, e.direction, e.visibility) for e in notes] == \
        [(ticket.id, "اتصلت بالأسرة", "internal", "internal")]


def test_a_failing_after_commit_handler_is_logged_and_the_request_answers_normally(
        app, make_user, make_ticket, login, caplog):
    agent = make_user("agent")
    ticket = make_ticket()
    event_handlers(app).subscribe(TicketTransitioned, fail, Phase.AFTER_COMMIT)
    heard_after = listen(app, TicketTransitioned, Phase.AFTER_COMMIT)
    client = login(agent)
    with caplog.at_level(logging.ERROR, logger="helpdesk.tickets.unit_of_work"):
        response = client.post(f"/tickets/{ticket.number}/actions/start",
                               data={"version": str(ticket.version)})
    assert response.status_code < 400
    assert status_in_database(ticket.id) == "in_progress"
    assert "a handler that breaks" in caplog.text and "fail" in caplog.text
    assert len(heard_after) == 1  # the handlers after the failing one still run


def test_a_rolled_back_use_case_emits_nothing_and_writes_no_outbox_or_webhook_rows(
        app, make_user, make_ticket):
    admin = make_user("admin")
    ticket = make_ticket()
    subscribe_webhooks()
    deliveries_before = count(WebhookDelivery)
    worker = get_worker(app)
    queued_before = pending_task_args(worker)
    before = listen(app, DomainEvent, Phase.BEFORE_COMMIT)
    after = listen(app, DomainEvent, Phase.AFTER_COMMIT)
    with pytest.raises(RuntimeError), services.changing(
            ticket.id, actor=admin, expected_version=None) as change:
        change.transition("start", body="تبدأ ولا تكتمل")
        change.tell("reply", lambda: "ردّ لن يصل")
        raise RuntimeError("the use case fails after writing")
    db.session.commit()  # a later commit does not announce what was rolled back
    assert before == [] and after == []
    assert count(OutboxMessage) == 0
    assert count(WebhookDelivery) == deliveries_before
    assert pending_task_args(worker) == queued_before
    assert db.session.get(Ticket, ticket.id).status == "new"


def test_a_failing_before_commit_handler_rolls_the_whole_change_back(app, make_user,
                                                                     make_ticket):
    admin = make_user("admin")
    ticket = make_ticket()
    version = ticket.version
    subscribe_webhooks()
    deliveries_before = count(WebhookDelivery)
    event_handlers(app).subscribe(MessageQueued, fail, Phase.BEFORE_COMMIT)
    after = listen(app, DomainEvent, Phase.AFTER_COMMIT)
    with pytest.raises(RuntimeError, match="a handler that breaks"):
        services.reply(ticket.id, actor=admin, expected_version=version, body="شكراً لكم")
    assert after == []
    assert count(OutboxMessage) == 0
    assert count(WebhookDelivery) == deliveries_before
    fresh = db.session.get(Ticket, ticket.id)
    assert fresh.version == version
    assert db.session.scalar(select(Event.id).where(Event.ticket_id == ticket.id,
                                                    Event.type == "message_out")) is None


def test_no_listener_is_attached_to_the_database_session(app):
    session = db.session()
    assert isinstance(session, Session)
    attached = {name: list(getattr(session.dispatch, name))
                for name in session.dispatch._event_names}
    assert {name: fns for name, fns in attached.items() if fns} == {}


def test_plugins_hear_a_document_sent_alone_by_the_document_name(make_app):
    heard: list[dict] = []
    plugin = types.ModuleType("message_recorder")
    plugin.__file__ = __file__

    @hookimpl
    def helpdesk_message_added(ticket, direction, body, visibility):
        heard.append({"number": ticket.number, "direction": direction, "body": body,
                      "visibility": visibility})

    plugin.helpdesk_message_added = helpdesk_message_added
    app = make_app(plugins=["plugins.phone", ("message_recorder", plugin)])
    with app.app_context():
        ticket = services.open_ticket(channel_key="phone", kind="inquiry", subject="طلب")
        document = FileStorage(stream=BytesIO(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
                               filename="صك الإعالة.pdf", content_type="application/pdf")
        add_reply(ticket, body="", document=document)
        name = db.session.scalar(select(Attachment.display_name))
        assert heard == [{"number": ticket.number, "direction": "in", "body": name,
                          "visibility": "public"}]
        assert name
        db.session.remove()
