"""The volunteering pages: the public form, the queue, a volunteer's page, needs and matches."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from helpdesk.devdata.demo import load_demo
from helpdesk.extensions import db
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.services import riyadh_today
from helpdesk.volunteers import services
from helpdesk.volunteers.models import VolunteerHours, VolunteerNeed, VolunteerProfile
from tests.web.test_volunteers import application


@pytest.fixture
def coordinator(make_user):
    return make_user("volunteer_coordinator", name="هيفاء الزهراني")


def apply(**overrides) -> VolunteerProfile:
    ticket = services.apply(application(**overrides)).ticket
    return db.session.scalar(select(VolunteerProfile)
                             .where(VolunteerProfile.ticket_id == ticket.id))


def profiles() -> int:
    return db.session.scalar(select(func.count()).select_from(VolunteerProfile))


# ---------------------------------------------------------------------------------------
# The public form


def test_the_volunteer_form_asks_the_channels_questions_without_an_account(app, client):
    response = client.get("/volunteer")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for name in ("name", "phone", "skills", "days", "time_slots", "interests", "experience"):
        assert f'name="{name}"' in page
    assert 'name="website"' in page  # the trap for robots
    assert "form_token" in page


def test_an_application_sent_from_the_form_shows_its_number_and_tracking_link(app, client):
    response = client.post("/volunteer", data=application(name="ريم القحطاني"))
    assert response.status_code == 200
    ticket = db.session.scalar(select(Ticket))
    page = response.get_data(as_text=True)
    assert ticket.number in page
    assert 'data-testid="tracking-link"' in page and "/t/" in page
    assert response.headers["Cache-Control"] == "no-store"
    followed = client.get(page.split('data-testid="tracking-link"')[0].rsplit('href="', 1)[1]
                          .split('"')[0])
    assert followed.status_code == 200
    assert profiles() == 1


def test_a_refused_application_keeps_what_was_typed_with_the_message_at_the_field(app, client):
    response = client.post("/volunteer", data=application(name="ريم القحطاني", days=[]))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-testid="error-days"' in page
    assert 'value="ريم القحطاني"' in page
    assert 'id="field-skills-driving" checked' in page
    assert profiles() == 0


def test_a_robot_that_fills_the_hidden_field_is_thanked_and_nothing_is_kept(app, client):
    response = client.post("/volunteer", data=application(website="http://spam.example"))
    assert response.status_code == 200
    assert 'data-testid="application-received"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_the_volunteer_form_is_gone_while_the_channel_is_inactive(app, client, make_user):
    from helpdesk.channels.services import set_channel_active

    set_channel_active("volunteering", False, make_user("admin"))
    assert client.get("/volunteer").status_code == 404


def test_the_volunteer_form_is_rate_limited(make_app):
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                       VOLUNTEER_APPLY_RATE_LIMIT="2 per hour")
    with limited.app_context():
        client = limited.test_client()
        responses = [client.post("/volunteer", data={}) for _ in range(3)]
    assert [response.status_code for response in responses] == [422, 422, 429]
    assert 'data-testid="portal-message"' in responses[-1].get_data(as_text=True)


# ---------------------------------------------------------------------------------------
# The coordinator's queue


def test_the_queue_filters_by_status_and_skill(app, client, htmx, login, coordinator):
    driver = apply(name="سائق متطوع", skills=["driving"])
    teacher = apply(name="معلمة متطوعة", skills=["teaching"])
    services.change_status(teacher.id, actor=coordinator, action="accept")
    login(coordinator)
    page = client.get("/volunteers").get_data(as_text=True)
    assert "سائق متطوع" in page and "معلمة متطوعة" in page
    page = client.get("/volunteers?skill=driving").get_data(as_text=True)
    assert "سائق متطوع" in page and "معلمة متطوعة" not in page
    page = client.get("/volunteers?status=accepted").get_data(as_text=True)
    assert f'data-profile-id="{teacher.id}"' in page
    assert f'data-profile-id="{driver.id}"' not in page
    fragment = htmx.get("/volunteers?skill=teaching").get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="volunteer-results"')
    assert "معلمة متطوعة" in fragment and "سائق متطوع" not in fragment


def test_the_queue_shows_more_volunteers_page_by_page(app, client, htmx, login, coordinator):
    app.config["VOLUNTEER_QUEUE_PAGE_SIZE"] = 2
    made = [apply(name=f"متطوع {n}") for n in range(3)]
    login(coordinator)
    first = client.get("/volunteers").get_data(as_text=True)
    assert first.count('data-testid="volunteer-row"') == 2
    assert f"after={made[1].id}" in first
    rest = htmx.get(f"/volunteers?after={made[1].id}")
    assert rest.get_data(as_text=True).count('data-testid="volunteer-row"') == 1
    assert "<html" not in rest.get_data(as_text=True)


def test_the_nav_offers_volunteers_to_coordinators_only(app, client, login, coordinator,
                                                        make_user):
    login(coordinator)
    assert 'href="/volunteers"' in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(make_user("agent"))
    assert 'href="/volunteers"' not in client.get("/").get_data(as_text=True)


# ---------------------------------------------------------------------------------------
# A volunteer's page


def test_unknown_volunteers_and_needs_are_not_found(app, client, login, coordinator):
    login(coordinator)
    assert client.get("/volunteers/999").status_code == 404
    assert client.post("/volunteers/999/status", data={"action": "accept"}).status_code == 404
    assert client.post("/volunteers/999/hours").status_code == 404
    assert client.get("/volunteers/needs/999").status_code == 404
    assert client.post("/volunteers/needs/999/match").status_code == 404


def test_a_plain_post_invites_to_an_interview_and_comes_back_to_the_page(app, client, login,
                                                                         coordinator):
    profile = apply()
    login(coordinator)
    day = (riyadh_today() + timedelta(days=2)).isoformat()
    response = client.post(f"/volunteers/{profile.id}/status",
                           data={"action": "invite", "interview_on": day})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/volunteers/{profile.id}")
    page = client.get(f"/volunteers/{profile.id}").get_data(as_text=True)
    assert 'data-status="interview"' in page and 'data-testid="interview-date"' in page


def test_htmx_accepts_and_answers_with_the_status_card(app, htmx, login, coordinator):
    profile = apply()
    login(coordinator)
    response = htmx.post(f"/volunteers/{profile.id}/status", data={"action": "accept"})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<section class="card" id="volunteer-status"')
    assert 'data-status="accepted"' in fragment and 'data-testid="status-activate"' in fragment


def test_a_decline_without_a_reason_is_refused_at_the_field(app, client, htmx, login,
                                                            coordinator):
    profile = apply()
    login(coordinator)
    response = htmx.post(f"/volunteers/{profile.id}/status", data={"action": "decline"})
    assert response.status_code == 422
    assert 'data-testid="error-reason"' in response.get_data(as_text=True)
    plain = client.post(f"/volunteers/{profile.id}/status",
                        data={"action": "invite", "interview_on": "not a date"})
    assert plain.status_code == 422
    assert 'data-testid="error-interview_on"' in plain.get_data(as_text=True)
    assert "<html" in plain.get_data(as_text=True)


def test_an_action_out_of_turn_answers_409_with_the_fresh_card(app, htmx, login, coordinator):
    profile = apply()
    login(coordinator)
    response = htmx.post(f"/volunteers/{profile.id}/status", data={"action": "activate"})
    assert response.status_code == 409
    assert 'data-testid="status-alert"' in response.get_data(as_text=True)


def test_hours_are_logged_from_the_page_and_the_total_shown(app, client, htmx, login,
                                                          coordinator):
    profile = apply()
    services.change_status(profile.id, actor=coordinator, action="accept")
    login(coordinator)
    today = riyadh_today().isoformat()
    response = htmx.post(f"/volunteers/{profile.id}/hours",
                         data={"served_on": today, "hours": "1.5", "hours_note": "فرز السلال"})
    assert response.status_code == 200
    assert 'data-minutes="90"' in response.get_data(as_text=True)
    refused = client.post(f"/volunteers/{profile.id}/hours",
                          data={"served_on": today, "hours": "0", "hours_note": "خطأ"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'data-testid="error-hours"' in page and 'value="خطأ"' in page
    assert db.session.scalar(select(func.count()).select_from(VolunteerHours)) == 1


def test_the_coordinator_sets_the_preferred_branch_of_a_volunteer(app, htmx, client, login,
                                                                   coordinator):
    from helpdesk.accounts.models import Branch

    branch = Branch(code="dammam", name_ar="فرع الدمام", name_en="Dammam branch")
    db.session.add(branch)
    db.session.commit()
    profile = apply()
    login(coordinator)
    response = htmx.post(f"/volunteers/{profile.id}/branch", data={"branch_id": branch.id})
    assert response.status_code == 200
    assert 'data-testid="offer-alert"' in response.get_data(as_text=True)
    db.session.refresh(profile)
    assert profile.branch_id == branch.id
    refused = client.post(f"/volunteers/{profile.id}/branch", data={"branch_id": "999"})
    assert refused.status_code == 422
    assert 'data-testid="error-branch_id"' in refused.get_data(as_text=True)
    db.session.refresh(profile)
    assert profile.branch_id == branch.id


# ---------------------------------------------------------------------------------------
# Needs and matches


def test_a_need_is_added_with_htmx_and_refused_at_the_field_when_incomplete(app, htmx, login,
                                                                          coordinator):
    login(coordinator)
    refused = htmx.post("/volunteers/needs", data={"title": "توزيع السلال", "needed_count": "0"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'data-testid="error-needed_on"' in page and 'data-testid="error-needed_count"' in page
    assert 'value="توزيع السلال"' in page
    day = (riyadh_today() + timedelta(days=5)).isoformat()
    added = htmx.post("/volunteers/needs", data=MultiDict([
        ("title", "توزيع السلال"), ("needed_on", day), ("needed_count", "3"),
        ("skills", "driving")]))
    assert added.status_code == 200
    assert 'data-testid="needs-alert"' in added.get_data(as_text=True)
    need = db.session.scalar(select(VolunteerNeed))
    assert need.skills.split() == ["driving"] and need.needed_count == 3


def test_a_need_suggests_volunteers_and_matches_one_with_a_plain_post(app, client, login,
                                                                      coordinator):
    volunteer = apply(name="سائق متطوع", skills=["driving"])
    services.change_status(volunteer.id, actor=coordinator, action="accept")
    need = services.create_need(actor=coordinator, title="زيارة ميدانية",
                                needed_on=riyadh_today() + timedelta(days=4), needed_count=1,
                                skills=["driving"])
    login(coordinator)
    page = client.get(f"/volunteers/needs/{need.id}").get_data(as_text=True)
    assert f'data-profile-id="{volunteer.id}"' in page
    response = client.post(f"/volunteers/needs/{need.id}/match",
                           data={"profile_id": volunteer.id})
    assert response.status_code == 302
    page = client.get(f"/volunteers/needs/{need.id}").get_data(as_text=True)
    assert 'data-status="filled"' in page and "سائق متطوع" in page
    again = client.post(f"/volunteers/needs/{need.id}/match", data={"profile_id": volunteer.id})
    assert again.status_code == 422
    assert 'data-testid="error-profile_id"' in again.get_data(as_text=True)


# ---------------------------------------------------------------------------------------
# Around the pages


def test_the_application_ticket_shows_each_volunteer_status_on_its_timeline(app, client,
                                                                            login, coordinator):
    profile = apply()
    services.change_status(profile.id, actor=coordinator, action="accept")
    login(coordinator)
    response = client.get(f"/tickets/{profile.ticket.number}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'data-event-type="volunteer_status"' in page
    assert 'data-event-type="message_out"' in page


def test_the_channels_choices_are_the_volunteering_vocabulary(app):
    from helpdesk.volunteers.vocabulary import VOCABULARIES

    with app.test_request_context():
        specs = {spec.name: spec for spec in services.application_fields()}
        for name, vocabulary in VOCABULARIES.items():
            assert [key for key, _label in specs[name].choices] == list(vocabulary)
            assert [str(label) for _key, label in specs[name].choices] == \
                [str(label) for label in vocabulary.values()]


def test_the_demo_association_has_volunteers_and_needs(app):
    load_demo()
    with_skills = db.session.scalars(select(VolunteerProfile)
                                     .where(VolunteerProfile.skills != "")).all()
    assert with_skills and all(profile.ticket_id for profile in with_skills)
    assert db.session.scalar(select(func.count()).select_from(VolunteerNeed)) == 3
    assert db.session.scalar(select(func.count()).select_from(VolunteerHours)) == 1
