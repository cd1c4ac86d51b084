"""Reclassifying a ticket (its kind among the short path's, its service) on a real database
(SQLite and PostgreSQL): the use case, its clocks and routing through their handlers, its
refusals, and the side panel's form as a plain post and through htmx."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from helpdesk.accounts.models import Team
from helpdesk.clock import simulated_time
from helpdesk.extensions import db
from helpdesk.i18n.dates import RIYADH
from helpdesk.routing.services import RuleInput, save_rule
from helpdesk.services_catalog.models import Service
from helpdesk.sla.clocks import due_times
from helpdesk.tickets import services
from helpdesk.tickets.errors import PermissionDenied, StaleTicket
from helpdesk.tickets.models import Event, Ticket
from helpdesk.validation import ValidationError
from tests.web.crew import HTMX, Crew, version_of

# Sunday 29 November 2026, 09:00 in Riyadh: the start of a working week.
SUNDAY_MORNING = datetime(2026, 11, 29, 9, 0, tzinfo=RIYADH).astimezone(UTC)


@pytest.fixture
def crew(app, make_user, make_ticket, client) -> Crew:
    return Crew(make_user, make_ticket, client)


def fresh(ticket: Ticket) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket.id)


def a_service(key: str = "food", *, active: bool = True) -> Service:
    service = Service(key=key, name_ar="السلال الغذائية", name_en="Food baskets",
                      active=active)
    db.session.add(service)
    db.session.commit()
    return service


def reclassified(ticket: Ticket) -> list[Event]:
    return list(db.session.scalars(select(Event).where(
        Event.ticket_id == ticket.id, Event.type == "reclassified")))


def refusal(call) -> dict[str, str]:
    with force_locale("ar"), pytest.raises(ValidationError) as refused:
        call()
    return refused.value.errors


# ---------------------------------------------------------------------------------------
# The use case


def test_an_inquiry_marked_a_complaint_records_the_change_and_recomputes_its_clocks(crew):
    with simulated_time(SUNDAY_MORNING):
        ticket = crew.inquiry(channel_key="phone")
        before = fresh(ticket).resolution_due_at
        version = version_of(ticket)
        services.reclassify(ticket, actor=crew.agent, expected_version=version,
                            kind="complaint", service_id=None)
    ticket = fresh(ticket)
    assert ticket.kind == "complaint" and ticket.version == version + 1
    # The SLA's handler gave it the complaint's targets, from when it was opened.
    assert ticket.resolution_due_at == due_times(ticket)["resolution_due_at"]
    assert ticket.first_response_due_at == due_times(ticket)["first_response_due_at"]
    assert ticket.resolution_due_at != before
    [event] = reclassified(ticket)
    assert event.visibility == "internal" and event.actor_id == crew.agent.id
    assert event.data["before"] == {"kind": "inquiry"}
    assert event.data["after"] == {"kind": "complaint"}


def test_a_service_is_set_then_removed(crew):
    service = a_service()
    ticket = crew.inquiry()
    services.reclassify(ticket, actor=crew.agent, expected_version=None, kind="inquiry",
                        service_id=service.id)
    assert fresh(ticket).service_id == service.id
    services.reclassify(ticket, actor=crew.agent, expected_version=None, kind="suggestion",
                        service_id=None)
    ticket = fresh(ticket)
    assert (ticket.kind, ticket.service_id) == ("suggestion", None)
    first, second = reclassified(ticket)
    assert (first.data["before"], first.data["after"]) == \
        ({"service_id": None}, {"service_id": service.id})
    assert (second.data["before"], second.data["after"]) == \
        ({"kind": "inquiry", "service_id": service.id},
         {"kind": "suggestion", "service_id": None})


def test_a_routing_rule_on_complaints_routes_the_reclassified_ticket(crew):
    admin = crew.manager
    team = Team(key="complaints", name_ar="الشكاوى", name_en="Complaints",
                assignment_mode="manual", members=[crew.other_agent])
    db.session.add(team)
    db.session.commit()
    save_rule(RuleInput.from_form(MultiDict([
        ("name", "الشكاوى إلى فريقها"), ("enabled", "y"), ("stop", "y"),
        ("kinds", "complaint"), ("team_id", str(team.id)), ("priority", "high")])),
        actor=admin)
    ticket = crew.inquiry()
    assert fresh(ticket).team_id == crew.relations.id  # no rule for inquiries
    services.reclassify(ticket, actor=crew.agent, expected_version=None, kind="complaint",
                        service_id=None)
    ticket = fresh(ticket)
    assert (ticket.team_id, ticket.priority) == (team.id, "high")
    moved = db.session.scalars(select(Event).where(
        Event.ticket_id == ticket.id, Event.type == "team_changed")).all()
    assert moved and moved[-1].data["rule"]["name"] == "الشكاوى إلى فريقها"


@pytest.mark.parametrize("kind", ["support_request", "volunteering", "nonsense", ""])
def test_a_ticket_cannot_become_a_kind_outside_the_short_path(crew, kind):
    ticket = crew.inquiry()
    version = version_of(ticket)
    errors = refusal(lambda: services.reclassify(
        ticket, actor=crew.agent, expected_version=version, kind=kind, service_id=None))
    assert set(errors) == {"kind"} and "شكوى" in errors["kind"]
    assert (fresh(ticket).kind, version_of(ticket)) == ("inquiry", version)
    assert reclassified(ticket) == []


@pytest.mark.parametrize("kind", ["volunteering", "support_request"])
def test_volunteering_and_support_requests_keep_their_kind(crew, kind):
    ticket = crew.inquiry(kind=kind)
    errors = refusal(lambda: services.reclassify(
        ticket, actor=crew.manager, expected_version=None, kind="inquiry", service_id=None))
    assert "سجلاتها" in errors["kind"]
    assert fresh(ticket).kind == kind and reclassified(ticket) == []


def test_a_closed_ticket_is_not_reclassified(crew):
    ticket = crew.inquiry()
    services.cancel(ticket, actor=crew.agent, expected_version=None, reason_code="spam")
    errors = refusal(lambda: services.reclassify(
        ticket, actor=crew.agent, expected_version=None, kind="complaint", service_id=None))
    assert "أعد فتحها" in errors["kind"]
    assert fresh(ticket).kind == "inquiry"


def test_an_inactive_or_unknown_service_is_refused_but_the_current_one_may_stay(crew):
    retired = a_service("old", active=False)
    ticket = crew.inquiry()
    for service_id in (retired.id, 999_999):
        errors = refusal(lambda service_id=service_id: services.reclassify(
            ticket, actor=crew.agent, expected_version=None, kind="inquiry",
            service_id=service_id))
        assert set(errors) == {"service_id"} and "مفعّلة" in errors["service_id"]
    assert fresh(ticket).service_id is None
    # A ticket already on a service retired since keeps it while its kind changes.
    kept = crew.inquiry(service_id=retired.id)
    services.reclassify(kept, actor=crew.agent, expected_version=None, kind="complaint",
                        service_id=retired.id)
    assert (fresh(kept).kind, fresh(kept).service_id) == ("complaint", retired.id)


def test_nothing_to_change_is_said_and_nothing_written(crew):
    ticket = crew.inquiry()
    version = version_of(ticket)
    errors = refusal(lambda: services.reclassify(
        ticket, actor=crew.agent, expected_version=version, kind="inquiry", service_id=None))
    assert "لا شيء يتغيّر" in errors["kind"]
    assert version_of(ticket) == version and reclassified(ticket) == []


def test_a_stale_version_is_a_conflict(crew):
    ticket = crew.inquiry()
    seen = version_of(ticket)
    services.add_tag(ticket, actor=crew.other_agent, expected_version=None, name="عاجل")
    with pytest.raises(StaleTicket):
        services.reclassify(ticket, actor=crew.agent, expected_version=seen,
                            kind="complaint", service_id=None)
    assert fresh(ticket).kind == "inquiry" and reclassified(ticket) == []


def test_a_research_officer_may_not_reclassify(crew):
    ticket = crew.inquiry(team_id=crew.research.id)
    with pytest.raises(PermissionDenied):
        services.reclassify(ticket, actor=crew.officer, expected_version=None,
                            kind="complaint", service_id=None)


# ---------------------------------------------------------------------------------------
# The side panel's form


def post(crew: Crew, ticket: Ticket, data: dict[str, str], *, htmx: bool = False,
         version: int | None = None):
    form = {f"reclassify-{name}": value for name, value in data.items()}
    form["version"] = str(version if version is not None else version_of(ticket))
    return crew.client.post(f"/tickets/{ticket.number}/actions/reclassify", data=form,
                            headers=HTMX if htmx else None)


def test_the_panel_offers_only_the_short_paths_kinds_and_active_services(crew):
    a_service("food")
    a_service("old", active=False)
    ticket = crew.inquiry()
    crew.sign_in(crew.agent)
    html = crew.client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    form = html.split('id="form-reclassify"', 1)[1].split("</form>", 1)[0]
    kinds = re.findall(r'<option value="(\w*)"', form.split('name="reclassify-kind"')[1]
                       .split("</select>")[0])
    assert sorted(kinds) == ["appreciation", "complaint", "inquiry", "other", "suggestion"]
    services_offered = form.split('name="reclassify-service_id"')[1].split("</select>")[0]
    assert "السلال الغذائية" in services_offered and services_offered.count("<option") == 2
    # A support request shows its kind and service without the form.
    request = crew.request()
    html = crew.client.get(f"/tickets/{request.number}").get_data(as_text=True)
    assert 'data-testid="panel-classification"' in html and 'id="form-reclassify"' not in html


def test_a_plain_post_reclassifies_and_returns_to_the_page(crew):
    service = a_service()
    ticket = crew.inquiry()
    crew.sign_in(crew.agent)
    response = post(crew, ticket, {"kind": "complaint", "service_id": str(service.id)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/tickets/{ticket.number}")
    ticket = fresh(ticket)
    assert (ticket.kind, ticket.service_id) == ("complaint", service.id)
    page = crew.client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert "حُفظ النوع والخدمة" in page  # the flash
    assert "تغيّر النوع أو الخدمة" in page and 'data-testid="reclassified-kind"' in page
    assert "السلال الغذائية" in page.split('data-testid="reclassified-service"', 1)[1]


def test_through_htmx_the_regions_that_carry_the_version_are_redrawn(crew):
    ticket = crew.inquiry()
    crew.sign_in(crew.agent)
    response = post(crew, ticket, {"kind": "complaint", "service_id": ""}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    version = version_of(ticket)
    for region in ("ticket-header", "panel-classification", "panel-assignment",
                   "panel-priority", "ticket-timeline"):
        assert re.search(rf'id="{region}"[^>]*hx-swap-oob="true"', html), region
    assert f'name="version" value="{version}"' in html
    assert 'data-event-type="reclassified"' in html


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_refused_kind_comes_back_at_its_field_keeping_the_choices(crew, htmx):
    service = a_service()
    ticket = crew.inquiry()
    crew.sign_in(crew.agent)
    response = post(crew, ticket, {"kind": "support_request",
                                   "service_id": str(service.id)}, htmx=htmx)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-testid="error-reclassify-kind"' in html
    form = html.split('id="form-reclassify"', 1)[1].split("</form>", 1)[0]
    assert f'<option value="{service.id}" selected' in form
    assert ("<html" in html) is not htmx
    assert fresh(ticket).service_id is None


def test_a_tampered_service_is_a_field_error_not_a_crash(crew):
    ticket = crew.inquiry()
    crew.sign_in(crew.agent)
    response = post(crew, ticket, {"kind": "complaint", "service_id": "x'; drop"}, htmx=True)
    assert response.status_code == 422
    assert 'data-testid="error-reclassify-service_id"' in response.get_data(as_text=True)


def test_a_stale_form_answers_409_with_the_fresh_ticket(crew):
    ticket = crew.inquiry()
    seen = version_of(ticket)
    services.add_tag(ticket, actor=crew.other_agent, expected_version=None, name="عاجل")
    crew.sign_in(crew.agent)
    response = post(crew, ticket, {"kind": "complaint", "service_id": ""}, htmx=True,
                    version=seen)
    assert response.status_code == 409
    assert fresh(ticket).kind == "inquiry"


def test_a_role_without_the_right_is_refused(crew):
    ticket = crew.inquiry(team_id=crew.research.id)
    crew.sign_in(crew.officer)
    response = post(crew, ticket, {"kind": "complaint", "service_id": ""})
    assert response.status_code == 403
    assert fresh(ticket).kind == "inquiry"
