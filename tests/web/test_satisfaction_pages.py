"""Satisfaction's pages: the person's survey, the front-desk kiosk, an agent's own ratings,
the teams' figures, follow-ups and the review list; and, for every role, that no page shows
another agent's score."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import select

from helpdesk.accounts.roles import ROLES
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.satisfaction import services as satisfaction
from helpdesk.satisfaction.models import ReviewMark, Survey
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Rating, Ticket
from helpdesk.tickets.tracking_links import tracking_token
from tests.conftest import PASSWORD
from tests.web.crew import Crew

AR = {"Accept-Language": "ar"}


@pytest.fixture
def crew(app, make_user, make_ticket, client) -> Crew:
    return Crew(make_user, make_ticket, client)


def resolved_for(crew: Crew, assignee) -> Ticket:
    ticket = crew.inquiry()
    tickets.assign(ticket, actor=crew.manager, expected_version=None, assignee_id=assignee.id)
    tickets.start(ticket, actor=crew.manager, expected_version=None)
    return tickets.resolve(ticket, actor=crew.manager, expected_version=None)


def survey_token_of(ticket: Ticket) -> str:
    survey = db.session.scalar(select(Survey).where(Survey.ticket_id == ticket.id))
    return satisfaction.survey_token(survey)


def rating_of(ticket: Ticket) -> Rating | None:
    return db.session.scalar(select(Rating).where(Rating.ticket_id == ticket.id)
                             .execution_options(populate_existing=True))


# -- the person's survey ---------------------------------------------------------------

def test_the_person_answers_the_survey_from_its_link(crew, client):
    ticket = resolved_for(crew, crew.agent)
    url = f"/survey/{survey_token_of(ticket)}"
    page = client.get(url, headers=AR)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert 'data-testid="survey-form"' in page.get_data(as_text=True)
    refused = client.post(url, data={"speed": "4", "comment": "موظف متعاون"}, headers=AR)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'data-testid="error-stars"' in html
    assert "موظف متعاون" in html and 'value="4" checked' in html
    assert client.post(url, data={"stars": "5", "speed": "4", "comment": "موظف متعاون"}
                       ).status_code == 302
    rating = rating_of(ticket)
    assert (rating.stars, rating.speed, rating.comment) == (5, 4, "موظف متعاون")
    assert 'data-testid="rating-editable"' in client.get(url, headers=AR).get_data(as_text=True)


def test_after_the_period_the_survey_shows_the_rating_read_only(crew, client):
    ticket = resolved_for(crew, crew.agent)
    url = f"/survey/{survey_token_of(ticket)}"
    client.post(url, data={"stars": "3"})
    db.session.execute(db.update(Rating).where(Rating.ticket_id == ticket.id).values(
        created_at=utcnow() - timedelta(days=satisfaction.RATING_EDIT_DAYS + 1)))
    db.session.commit()
    html = client.get(url, headers=AR).get_data(as_text=True)
    assert 'data-testid="rating-locked"' in html and "لم يعد تغييره ممكنًا" in html
    assert 'data-testid="survey-form"' not in html
    assert client.post(url, data={"stars": "1"}).status_code == 422
    assert rating_of(ticket).stars == 3


def test_a_tampered_survey_link_opens_nothing(crew, client):
    token = survey_token_of(resolved_for(crew, crew.agent))
    response = client.get(f"/survey/{token[:-3]}abc", headers=AR)
    assert response.status_code == 404
    assert "انتهت صلاحية رابط التقييم" in response.get_data(as_text=True)


def test_a_rating_given_on_the_portal_moves_the_teams_figure(crew, client):
    ticket = resolved_for(crew, crew.agent)
    crew.sign_in(crew.manager)
    before = client.get("/satisfaction/teams", headers=AR).get_data(as_text=True)
    row = rf'data-score-of="team:{crew.relations.id}">\s*<th[^>]*>[^<]*</th>\s*'
    assert re.search(row + r"<td>0</td>", before)
    anonymous = client.application.test_client()
    anonymous.post(f"/t/{tracking_token(ticket)}/rate", data={"stars": "4"})
    after = client.get("/satisfaction/teams", headers=AR).get_data(as_text=True)
    assert re.search(row + r'<td>1</td>\s*<td class="satisfaction-score">4\.0</td>', after)


# -- the kiosk -------------------------------------------------------------------------

def test_the_kiosk_signs_the_staff_member_out_and_rates_once(crew, client):
    ticket = resolved_for(crew, crew.agent)
    crew.sign_in(crew.agent)
    page = client.get(f"/tickets/{ticket.number}", headers=AR).get_data(as_text=True)
    assert 'data-testid="kiosk-open"' in page and "يُسجّل خروجك" in page
    opened = client.post(f"/satisfaction/kiosk/{ticket.number}")
    assert opened.status_code == 303 and "/kiosk/rate/" in opened.location
    # The staff session is gone from this device.
    assert client.get("/tickets").status_code == 302
    kiosk = client.get(opened.location, headers=AR)
    html = kiosk.get_data(as_text=True)
    assert kiosk.status_code == 200 and 'data-testid="kiosk-form"' in html
    assert "/tickets" not in html and "/login" not in html  # no way back to staff pages
    assert 'http-equiv="refresh"' in html
    done = client.post(opened.location, data={"stars": "5", "courtesy": "5"})
    assert done.status_code == 303 and done.location.endswith("/kiosk/thanks")
    thanks = client.get("/kiosk/thanks", headers=AR).get_data(as_text=True)
    assert ticket.number not in thanks and "شكرًا" in thanks
    assert (rating_of(ticket).stars, rating_of(ticket).source) == (5, "kiosk")
    again = client.get(opened.location)
    assert again.status_code == 302 and "ended=1" in again.location
    assert client.post(opened.location, data={"stars": "1"}).status_code == 302
    assert rating_of(ticket).stars == 5


def test_a_bad_kiosk_answer_is_refused_at_its_field(crew, client):
    ticket = resolved_for(crew, crew.agent)
    crew.sign_in(crew.agent)
    location = client.post(f"/satisfaction/kiosk/{ticket.number}").location
    refused = client.post(location, data={"stars": "9", "comment": "جيد"}, headers=AR)
    assert refused.status_code == 422
    assert 'data-testid="error-stars"' in refused.get_data(as_text=True)
    assert client.get(location).status_code == 200  # the pass is not spent


# -- staff pages -----------------------------------------------------------------------

def test_the_ticket_page_shows_its_rating_to_its_agent_but_not_to_a_colleague(crew, client):
    ticket = resolved_for(crew, crew.agent)
    satisfaction.rate(ticket, {"stars": "2", "clarity": "3"})
    for user, sees in ((crew.agent, True), (crew.other_agent, False), (crew.manager, True)):
        crew.sign_in(user)
        html = client.get(f"/tickets/{ticket.number}", headers=AR).get_data(as_text=True)
        assert ('data-testid="ticket-rating"' in html) is sees, user.name


def test_my_ratings_shows_my_own_figures(crew, client):
    mine = resolved_for(crew, crew.agent)
    theirs = resolved_for(crew, crew.other_agent)
    satisfaction.rate(mine, {"stars": "4", "comment": "شكرًا جزيلًا"})
    satisfaction.rate(theirs, {"stars": "1", "comment": "تعليق الزميل"})
    crew.sign_in(crew.agent)
    html = client.get("/satisfaction/mine", headers=AR).get_data(as_text=True)
    assert re.search(r'data-testid="figure-count">1<', html)
    assert re.search(r'data-testid="figure-overall">4\.0<', html)
    assert "شكرًا جزيلًا" in html and "تعليق الزميل" not in html
    assert mine.number in html and theirs.number not in html
    assert client.get("/satisfaction/teams").status_code == 403


def test_a_team_lead_sees_their_teams_figures_and_follow_ups(crew, client):
    crew.relations.lead_id = crew.other_agent.id
    db.session.commit()
    ticket = resolved_for(crew, crew.agent)
    satisfaction.rate(ticket, {"stars": "1", "comment": "لم يتصل بي أحد"})
    crew.sign_in(crew.other_agent)
    teams = client.get("/satisfaction/teams", headers=AR).get_data(as_text=True)
    assert f'data-score-of="team:{crew.relations.id}"' in teams
    assert f'data-score-of="team:{crew.research.id}"' not in teams
    assert crew.agent.name not in teams  # figures per team, never per person
    follow_ups = client.get("/satisfaction/follow-ups", headers=AR).get_data(as_text=True)
    assert "لم يتصل بي أحد" in follow_ups and "لا اللوم" in follow_ups
    follow_up_id = int(re.search(r'data-follow-up="(\d+)"', follow_ups).group(1))
    refused = client.post(f"/satisfaction/follow-ups/{follow_up_id}/done",
                          data={"outcome": " "}, headers=AR)
    assert refused.status_code == 422
    assert 'data-testid="error-outcome"' in refused.get_data(as_text=True)
    assert client.post(f"/satisfaction/follow-ups/{follow_up_id}/done",
                       data={"outcome": "اتفقنا على الاتصال خلال يوم"}).status_code == 302
    crew.sign_in(crew.agent)
    assert client.get("/satisfaction/follow-ups").status_code == 403


def test_the_review_list_filters_pages_and_marks(crew, client):
    for n in range(22):
        crew.inquiry(kind="suggestion", subject=f"اقتراح رقم {n + 1}")
    crew.sign_in(crew.manager)
    first = client.get("/satisfaction/review", headers=AR).get_data(as_text=True)
    assert first.count("data-review-item=") == 20 and 'data-testid="review-pages"' in first
    second = client.get("/satisfaction/review?page=2", headers=AR).get_data(as_text=True)
    assert second.count("data-review-item=") == 2
    item = re.search(r'data-review-item="suggestion-(\d+)"', first).group(1)
    refused = client.post(f"/satisfaction/review/suggestion/{item}",
                          data={"status": "acted_on", "action_taken": "",
                                "filter_status": "new"}, headers=AR)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'data-testid="error-action_taken"' in html
    done = client.post(f"/satisfaction/review/suggestion/{item}",
                       data={"status": "acted_on", "action_taken": "أضفنا دوامًا مسائيًا",
                             "filter_status": "new"})
    assert done.status_code == 302 and "status=new" in done.location
    mark = db.session.scalar(select(ReviewMark))
    assert (mark.item_id, mark.status, mark.action_taken) == \
        (int(item), "acted_on", "أضفنا دوامًا مسائيًا")
    acted = client.get("/satisfaction/review?status=acted_on", headers=AR).get_data(as_text=True)
    assert acted.count("data-review-item=") == 1 and "أضفنا دوامًا مسائيًا" in acted
    assert "هـ" in acted  # dates in Hijri with the Gregorian
    assert client.get("/satisfaction/review?kind=comment").get_data(as_text=True).count(
        "data-review-item=") == 0
    assert client.post("/satisfaction/review/suggestion/999999",
                       data={"status": "read"}).status_code == 404
    crew.sign_in(crew.agent)
    assert client.get("/satisfaction/review").status_code == 403


# -- no page shows another agent's score, for every role ---------------------------------

SCORE = re.compile(r'data-score-of="([^"]+)"')


def test_no_page_shows_another_agents_score_for_any_role(app, make_user):
    from tests.i18n.association import build_association
    from tests.i18n.test_arabic_pages import _urls

    world = build_association(app)
    rated = list(db.session.scalars(select(Rating)))
    assert rated  # the association's agent has rated tickets
    colleague = make_user("agent", name="خالد الشهري")
    team = db.session.scalar(select(Ticket).where(Ticket.id == rated[0].ticket_id)).team
    team.members.append(colleague)
    db.session.commit()
    with app.test_request_context():
        urls = list(_urls(app, world))
        urls += [url_for("satisfaction.mine"), url_for("satisfaction.teams")]
    viewers = [*(world.users[role] for role in ROLES), colleague]
    failures = []
    for viewer in viewers:
        client = app.test_client()
        assert client.post("/login", data={"email": viewer.email,
                                           "password": PASSWORD}).status_code == 302
        for url in urls:
            response = client.get(url, headers=AR, follow_redirects=True)
            html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
            response.close()
            for owner in SCORE.findall(html):
                if not _may_see(viewer, owner):
                    failures.append(f"{url} as {viewer.role} {viewer.name}: {owner}")
            table = html.partition('data-testid="team-figures"')[2].partition("</table>")[0]
            for agent in (world.users["agent"], colleague):
                if agent.name in table:
                    failures.append(f"{url} names {agent.name} beside team figures")
    assert not failures, "\n".join(sorted(set(failures)))


def _may_see(viewer, owner: str) -> bool:
    kind, _sep, ident = owner.partition(":")
    if kind == "me":
        return True
    if kind == "team":
        return satisfaction.sees_every_team(viewer) or \
            int(ident) in satisfaction.led_team_ids(viewer)
    if kind == "ticket":
        ticket = db.session.get(Ticket, int(ident))
        if satisfaction.sees_every_team(viewer):
            return True
        # Not a manager: only the tickets assigned to the viewer themselves.
        return ticket.assignee_id == viewer.id
    return False  # any other owner (an agent) must never be drawn
