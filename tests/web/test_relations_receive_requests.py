"""Relations staff receive every request, the portal's support requests too (policy steps
1 and 7); the research officer reaches one through the agent's referral (step 3)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk.accounts.models import Team
from helpdesk.extensions import db
from helpdesk.services_catalog.services import create_service
from helpdesk.tickets.models import Ticket
from tests.conftest import PASSWORD

APPLICANT = {"applicant-name": "نورة محمد العتيبي", "applicant-national_id": "1234567897",
             "applicant-phone": "0551234567", "answer-family_size": "5",
             "declaration": "on", "declaration-name": "نورة محمد العتيبي",
             "declaration-paper": "on"}


@pytest.fixture
def research(app):
    team = Team(key="research", name_ar="البحث الاجتماعي", name_en="Social research")
    db.session.add(team)
    db.session.commit()
    return team


@pytest.fixture
def service(app, research):
    """A service whose requests the research team studies."""
    return create_service({
        "key": "food_basket", "name_ar": "السلة الغذائية", "name_en": "Food basket",
        "team_id": research.id,
        "fields": [{"name": "family_size", "type": "integer", "label_ar": "عدد أفراد الأسرة",
                    "min": 1, "max": 30}],
    }, actor=None)


def signed_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def html(response) -> str:
    return response.get_data(as_text=True)


def test_a_portal_support_request_reaches_the_relations_queue_and_the_officer_it_is_referred_to(
        app, client, make_user, service, research):
    relations = Team(key="relations", name_ar="علاقات المستفيدين", name_en="Relations")
    db.session.add(relations)
    agent = make_user("agent", name="ريم الشهري")
    officer = make_user("research_officer", name="نورة القحطاني")
    relations.members.append(agent)
    research.members.append(officer)
    db.session.commit()

    sent = client.post("/apply/food_basket", data=APPLICANT)
    assert sent.status_code == 302 and "/apply/done/" in sent.headers["Location"]
    ticket = db.session.scalar(select(Ticket))
    number = ticket.number

    as_agent = signed_in(app, agent)
    queue = html(as_agent.get("/tickets"))
    assert f"/tickets/{number}" in queue
    page = as_agent.get(f"/tickets/{number}")
    assert page.status_code == 200
    assert 'lang="ar"' in html(page) and "السلة الغذائية" in html(page)

    referred = as_agent.post(f"/tickets/{number}/actions/refer", data={
        "refer-to_team_id": str(research.id), "refer-to_user_id": "",
        "refer-question": "نرجو دراسة حالة الأسرة.", "version": str(ticket.version)})
    assert referred.status_code in (200, 302, 303)
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status == "referred"

    as_officer = signed_in(app, officer)
    assert f"/tickets/{number}" in html(as_officer.get("/tickets"))
    studied = as_officer.get(f"/tickets/{number}")
    assert studied.status_code == 200
    assert 'lang="ar"' in html(studied) and "نرجو دراسة حالة الأسرة." in html(studied)
    # The request stays in the relations queue while the officer studies it.
    assert as_agent.get(f"/tickets/{number}").status_code == 200
