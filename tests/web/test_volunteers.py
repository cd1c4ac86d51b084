"""Volunteering: applications, the coordinator's status changes, needs, matches and hours."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from helpdesk.accounts.models import Branch
from helpdesk.extensions import db
from helpdesk.tickets import services as ticket_services
from helpdesk.tickets.errors import PermissionDenied
from helpdesk.tickets.models import Event, Ticket
from helpdesk.tickets.outbox_models import OutboxMessage
from helpdesk.tickets.services import riyadh_today
from helpdesk.validation import ValidationError
from helpdesk.volunteers import services
from helpdesk.volunteers.models import VolunteerHours, VolunteerProfile


@pytest.fixture
def coordinator(make_user):
    return make_user("volunteer_coordinator", name="هيفاء الزهراني")


@pytest.fixture
def branches(app):
    riyadh = Branch(code="riyadh", name_ar="فرع الرياض", name_en="Riyadh branch")
    jeddah = Branch(code="jeddah", name_ar="فرع جدة", name_en="Jeddah branch")
    db.session.add_all([riyadh, jeddah])
    db.session.commit()
    return riyadh, jeddah


_phones = iter(range(10_000_000, 99_999_999))


def application(**overrides) -> MultiDict:
    fields = {"name": "سلمان العتيبي", "phone": f"05{next(_phones)}",
              "skills": ["driving", "teaching"], "days": ["sat", "sun"],
              "time_slots": ["evening"], "interests": ["food_baskets"],
              "experience": "تطوعت في توزيع السلال الغذائية في رمضان الماضي."}
    fields.update(overrides)
    form = MultiDict()
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            form.add(name, item)
    return form


def apply(**overrides) -> VolunteerProfile:
    ticket = services.apply(application(**overrides)).ticket
    return db.session.scalar(select(VolunteerProfile)
                             .where(VolunteerProfile.ticket_id == ticket.id))


def ticket_status(profile: VolunteerProfile) -> str:
    return db.session.scalar(select(Ticket.status).where(Ticket.id == profile.ticket_id))


def messages_to(profile: VolunteerProfile) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.ticket_id == profile.ticket_id).order_by(OutboxMessage.id)))


def volunteer_events(profile: VolunteerProfile) -> list[Event]:
    return list(db.session.scalars(select(Event).where(
        Event.ticket_id == profile.ticket_id, Event.type == "volunteer_status")
        .order_by(Event.id)))


def soon() -> date:
    return riyadh_today() + timedelta(days=3)


def accepted(coordinator, **overrides) -> VolunteerProfile:
    profile = apply(**overrides)
    return services.change_status(profile.id, actor=coordinator, action="accept")


# ---------------------------------------------------------------------------------------
# Applying


def test_an_application_opens_a_volunteering_ticket_and_the_contacts_profile(app, branches):
    riyadh, _jeddah = branches
    profile = apply(branch_id=str(riyadh.id))
    ticket = profile.ticket
    assert (ticket.channel_key, ticket.kind, ticket.status) == ("volunteering", "volunteering",
                                                                "new")
    assert profile.status == "received"
    assert profile.contact.kind == "volunteer"
    assert profile.skills.split() == ["teaching", "driving"]
    assert profile.days.split() == ["sat", "sun"]
    assert profile.time_slots.split() == ["evening"]
    assert profile.branch_id == riyadh.id
    assert "السلال" in profile.experience


def test_an_application_missing_its_availability_is_refused_field_by_field(app):
    with pytest.raises(ValidationError) as refused:
        services.apply(application(days=[], time_slots=["midnight"], phone="123"))
    assert set(refused.value.errors) == {"days", "time_slots", "phone"}
    assert db.session.scalar(select(func.count()).select_from(VolunteerProfile)) == 0


def test_an_unknown_branch_is_refused(app):
    with pytest.raises(ValidationError) as refused:
        services.apply(application(branch_id="999"))
    assert set(refused.value.errors) == {"branch_id"}


def test_the_same_form_sent_twice_opens_one_application(app):
    first = services.apply(application(form_token="a" * 20, phone="0551112233"))
    second = services.apply(application(form_token="a" * 20, phone="0551112233"))
    assert second.duplicate and second.ticket.id == first.ticket.id
    assert db.session.scalar(select(func.count()).select_from(VolunteerProfile)) == 1


def test_a_volunteer_who_applies_again_after_a_decline_keeps_one_profile(app, coordinator):
    profile = apply(phone="0553334444")
    services.change_status(profile.id, actor=coordinator, action="decline",
                           reason="لا تتوفر فرص في الوقت الحالي")
    again = apply(phone="0553334444", skills=["medical"])
    assert again.id == profile.id
    assert again.status == "received" and again.decline_reason is None
    assert again.skills.split() == ["medical"]
    assert db.session.scalar(select(func.count()).select_from(VolunteerProfile)) == 1


def test_an_application_recorded_by_staff_gets_a_profile_too(app, client, login, coordinator):
    login(coordinator)
    response = client.post("/tickets/new", data=MultiDict([
        ("channel", "volunteering"), ("kind", "volunteering"), ("priority", "normal"),
        ("intake_token", "t" * 20), ("name", "منيرة السبيعي"), ("phone", "0557778888"),
        ("skills", "medical"), ("days", "mon"), ("days", "wed"), ("time_slots", "morning"),
        ("experience", "ممرضة متقاعدة")]))
    assert response.status_code == 302
    profile = db.session.scalar(select(VolunteerProfile))
    assert profile.contact.name == "منيرة السبيعي"
    assert profile.skills.split() == ["medical"]
    assert profile.days.split() == ["mon", "wed"]


def test_the_staff_form_keeps_the_ticked_boxes_when_it_is_refused(app, client, login,
                                                                     coordinator):
    login(coordinator)
    response = client.post("/tickets/new", data=MultiDict([
        ("channel", "volunteering"), ("kind", "volunteering"), ("priority", "normal"),
        ("name", "منيرة"), ("phone", "0557778888"), ("days", "mon"), ("days", "wed")]))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-testid="error-time_slots"' in page
    assert 'id="field-days-wed" checked' in page
    assert 'id="field-days-sat" checked' not in page


# ---------------------------------------------------------------------------------------
# Status changes


def test_inviting_to_an_interview_starts_the_application_and_tells_the_volunteer(app,
                                                                                  coordinator):
    profile = apply()
    services.change_status(profile.id, actor=coordinator, action="invite",
                           interview_on=soon().isoformat(), note="في مقر الجمعية")
    assert profile.status == "interview" and profile.interview_on == soon()
    assert ticket_status(profile) == "in_progress"
    [event] = volunteer_events(profile)
    assert event.data["from"] == "received" and event.data["to"] == "interview"
    [message] = messages_to(profile)
    assert message.purpose == "status_update" and profile.ticket.number in message.body


def test_an_interview_date_in_the_past_is_refused_at_the_field(app, coordinator):
    profile = apply()
    with pytest.raises(ValidationError) as refused:
        services.change_status(profile.id, actor=coordinator, action="invite",
                               interview_on=(riyadh_today() - timedelta(days=1)).isoformat())
    assert set(refused.value.errors) == {"interview_on"}
    assert profile.status == "received" and ticket_status(profile) == "new"


def test_accepting_approves_the_application_ticket_and_tells_the_volunteer(app, coordinator):
    profile = apply()
    services.change_status(profile.id, actor=coordinator, action="invite",
                           interview_on=soon())
    services.change_status(profile.id, actor=coordinator, action="accept")
    assert profile.status == "accepted"
    assert ticket_status(profile) == "approved"
    assert [m.purpose for m in messages_to(profile)] == ["status_update", "decision"]


def test_declining_needs_a_reason_and_closes_the_application(app, coordinator):
    profile = apply()
    with pytest.raises(ValidationError) as refused:
        services.change_status(profile.id, actor=coordinator, action="decline", reason=" ")
    assert set(refused.value.errors) == {"reason"}
    services.change_status(profile.id, actor=coordinator, action="decline",
                           reason="اكتمل عدد المتطوعين")
    assert profile.status == "declined" and profile.decline_reason == "اكتمل عدد المتطوعين"
    assert ticket_status(profile) == "closed"
    [event] = volunteer_events(profile)
    assert (event.data["from"], event.data["to"]) == ("received", "declined")
    assert [m.purpose for m in messages_to(profile)] == ["decision"]


def test_activating_an_accepted_volunteer_closes_the_application(app, coordinator):
    profile = accepted(coordinator)
    services.change_status(profile.id, actor=coordinator, action="activate")
    assert profile.status == "active"
    assert ticket_status(profile) == "closed"
    assert [e.data["to"] for e in volunteer_events(profile)] == ["accepted", "active"]


@pytest.mark.parametrize(("before", "action"), [
    ("received", "activate"), ("accepted", "accept"), ("accepted", "invite"),
    ("active", "decline"), ("declined", "accept"),
])
def test_an_action_that_does_not_fit_the_status_is_refused(app, coordinator, before, action):
    profile = apply()
    if before == "declined":
        services.change_status(profile.id, actor=coordinator, action="decline", reason="—")
    elif before != "received":
        services.change_status(profile.id, actor=coordinator, action="accept")
        if before == "active":
            services.change_status(profile.id, actor=coordinator, action="activate")
    with pytest.raises(services.InvalidProfileAction):
        services.change_status(profile.id, actor=coordinator, action=action,
                               interview_on=soon(), reason="سبب")
    assert profile.status == before


def test_only_a_coordinator_or_a_manager_decides_applications(app, make_user):
    profile = apply()
    with pytest.raises(PermissionDenied):
        services.change_status(profile.id, actor=make_user("agent"), action="accept")
    services.change_status(profile.id, actor=make_user("manager"), action="accept")
    assert profile.status == "accepted"


def test_an_application_accepted_on_the_ticket_page_accepts_the_volunteer(app, coordinator):
    profile = apply()
    ticket_services.start(profile.ticket_id, actor=coordinator, expected_version=None)
    ticket_services.decide_application(profile.ticket_id, actor=coordinator,
                                       expected_version=None, decision="approve",
                                       reason="مناسب")
    db.session.refresh(profile)
    assert profile.status == "accepted"


def test_an_application_waiting_on_a_referral_cannot_be_decided(app, coordinator, make_user):
    profile = apply()
    manager = make_user("manager")
    ticket_services.refer(profile.ticket_id, actor=manager, expected_version=None,
                          question="هل لدينا فرص طبية؟", to_user_id=coordinator.id)
    with pytest.raises(Exception) as refused:
        services.change_status(profile.id, actor=coordinator, action="accept")
    assert type(refused.value).__name__ == "InvalidTransition"
    db.session.refresh(profile)
    assert profile.status == "received" and ticket_status(profile) == "referred"


# ---------------------------------------------------------------------------------------
# Needs, matches and hours


def a_need(coordinator, **overrides):
    values = {"title": "زيارة ميدانية لأسر حي النسيم", "needed_on": soon(), "needed_count": "2",
              "skills": ["driving"]}
    values.update(overrides)
    return services.create_need(actor=coordinator, **values)


def test_a_need_needs_a_title_a_coming_date_and_a_count(app, coordinator):
    with pytest.raises(ValidationError) as refused:
        services.create_need(actor=coordinator, title=" ", needed_on="2020-01-01",
                             needed_count="0", skills=["flying"], time_slot="night")
    assert set(refused.value.errors) == {"title", "needed_on", "needed_count", "skills",
                                         "time_slot"}


def test_suggestions_put_the_best_fitting_volunteer_first(app, coordinator, branches):
    riyadh, jeddah = branches
    day = soon()
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()]
    driver = accepted(coordinator, name="سائق", skills=["driving"], days=[weekday],
                      time_slots=["morning"], branch_id=str(riyadh.id))
    teacher = accepted(coordinator, name="معلم", skills=["teaching"], days=[weekday],
                       time_slots=["evening"], branch_id=str(jeddah.id))
    apply(name="لم يقبل بعد", skills=["driving"])  # not accepted: never suggested
    need = a_need(coordinator, needed_on=day, branch_id=str(riyadh.id), time_slot="morning")
    suggested = services.suggestions(need)
    assert [s.profile.id for s in suggested] == [driver.id, teacher.id]
    assert suggested[0].score == 3 + 2 + 2 + 1
    assert suggested[0].reasons == ("skills", "branch", "day", "time")
    assert suggested[1].score == 2 and suggested[1].reasons == ("day",)


def test_matching_tells_the_volunteer_and_fills_the_need_when_enough_are_matched(
        app, coordinator):
    first, second = accepted(coordinator), accepted(coordinator)
    need = a_need(coordinator, needed_count="2")
    services.match(need.id, actor=coordinator, profile_id=first.id)
    assert need.status == "open"
    assert messages_to(first)[-1].purpose == "status_update"
    services.match(need.id, actor=coordinator, profile_id=str(second.id))
    assert need.status == "filled"
    assert services.suggestions(need) == [] or all(
        s.profile.id not in (first.id, second.id) for s in services.suggestions(need))


def test_matching_refuses_a_volunteer_not_accepted_or_already_matched(app, coordinator):
    waiting = apply()
    ready = accepted(coordinator)
    need = a_need(coordinator, needed_count="5")
    with pytest.raises(ValidationError) as refused:
        services.match(need.id, actor=coordinator, profile_id=waiting.id)
    assert set(refused.value.errors) == {"profile_id"}
    services.match(need.id, actor=coordinator, profile_id=ready.id)
    with pytest.raises(ValidationError):
        services.match(need.id, actor=coordinator, profile_id=ready.id)


def test_hours_add_up_for_a_volunteer(app, coordinator):
    profile = accepted(coordinator)
    need = a_need(coordinator)
    assignment = services.match(need.id, actor=coordinator, profile_id=profile.id)
    today = riyadh_today()
    services.log_hours(profile.id, actor=coordinator, served_on=today, hours="2.5",
                       assignment_id=str(assignment.id))
    services.log_hours(profile.id, actor=coordinator, served_on=today.isoformat(), hours="١",
                       note="تنظيم المستودع")
    assert services.total_minutes(profile) == 210
    assert [entry.minutes for entry in services.hours_of(profile)] == [60, 150]


@pytest.mark.parametrize(("hours", "served_on", "fields"), [
    ("0", None, {"hours"}), ("25", None, {"hours"}), ("abc", None, {"hours"}),
    ("2", "tomorrow", {"served_on"}), ("2", "", {"served_on"}),
])
def test_bad_hours_are_refused_at_the_field(app, coordinator, hours, served_on, fields):
    profile = accepted(coordinator)
    day = {None: riyadh_today(), "tomorrow": riyadh_today() + timedelta(days=1),
           "": ""}[served_on]
    with pytest.raises(ValidationError) as refused:
        services.log_hours(profile.id, actor=coordinator, served_on=day, hours=hours)
    assert set(refused.value.errors) == fields
    assert db.session.scalar(select(func.count()).select_from(VolunteerHours)) == 0


def test_hours_are_not_logged_for_a_volunteer_not_yet_accepted(app, coordinator):
    profile = apply()
    with pytest.raises(ValidationError) as refused:
        services.log_hours(profile.id, actor=coordinator, served_on=riyadh_today(), hours="1")
    assert set(refused.value.errors) == {"hours"}


# ---------------------------------------------------------------------------------------
# The multiselect FieldSpec type the volunteering channel asks with


def test_a_multiselect_field_keeps_known_choices_in_their_order(app):
    from helpdesk.channels.fields import clean_fields
    from helpdesk.plugin_api.types import FieldSpec

    days = FieldSpec("days", "Days", type="multiselect", required=True,
                     choices=(("sat", "Saturday"), ("sun", "Sunday"), ("mon", "Monday")))
    cleaned, errors = clean_fields([days], MultiDict([("days", "mon"), ("days", "sat")]))
    assert (cleaned, errors) == ({"days": ["sat", "mon"]}, {})
    cleaned, errors = clean_fields([days], {"days": ["sun"]})
    assert cleaned == {"days": ["sun"]}
    assert set(clean_fields([days], MultiDict([("days", "someday")]))[1]) == {"days"}
    assert set(clean_fields([days], MultiDict())[1]) == {"days"}
    optional = FieldSpec("days", "Days", type="multiselect", choices=days.choices)
    assert clean_fields([optional], MultiDict()) == ({}, {})
