"""The research committee's pages: the agenda (due dates, overdue), opening a sitting,
deciding several requests in one form (all or none), and one request from the agenda."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from helpdesk.committee.models import CommitteeDecision, CommitteeSitting
from helpdesk.committee.services import open_sitting
from helpdesk.extensions import db
from helpdesk.i18n.dates import gregorian_date, hijri_date
from helpdesk.tickets import services
from helpdesk.tickets.services import riyadh_today
from tests.web.crew import HTMX, Crew, status_of, version_of


@pytest.fixture
def crew(app, make_user, make_ticket, client) -> Crew:
    return Crew(make_user, make_ticket, client)


def text(response) -> str:
    return response.get_data(as_text=True)


def decisions() -> int:
    return db.session.scalar(select(func.count()).select_from(CommitteeDecision))


def a_sitting(crew: Crew) -> CommitteeSitting:
    return open_sitting(actor=crew.member, meeting_on=riyadh_today(),
                        member_ids=[crew.member.id, crew.second_member.id])


def row(ticket, decision="", reason="", new_due_on="", version=None) -> dict[str, str]:
    return {f"decision-{ticket.id}": decision, f"reason-{ticket.id}": reason,
            f"new_due_on-{ticket.id}": new_due_on,
            f"version-{ticket.id}": str(version if version is not None else version_of(ticket))}


def sitting_form(*rows_of: tuple) -> dict:
    data: dict = {"ticket": []}
    for ticket, fields in rows_of:
        data["ticket"].append(str(ticket.id))
        data.update(fields)
    return data


# ---------------------------------------------------------------------------------------
# The agenda


def test_the_agenda_lists_the_requests_with_due_dates_in_both_calendars(crew):
    due_soon = crew.at_committee(crew.request(subject="ترميم سقف المنزل"))
    late = crew.at_committee(crew.request(subject="سداد فاتورة الكهرباء"))
    late.decision_due_on = riyadh_today() - timedelta(days=2)
    db.session.commit()
    waiting = crew.request(subject="لم يصل إلى اللجنة بعد")
    crew.sign_in(crew.member)
    html = text(crew.client.get("/committee"))
    assert due_soon.subject in html and late.subject in html
    assert waiting.subject not in html
    due = due_soon.decision_due_on
    assert hijri_date(due, "ar") in html and gregorian_date(due, "ar") in html
    late_card = re.search(rf'<article id="agenda-{late.id}"[^>]*>', html).group(0)
    soon_card = re.search(rf'<article id="agenda-{due_soon.id}"[^>]*>', html).group(0)
    assert "sila-overdue" in late_card and "sila-overdue" not in soon_card
    # The most urgent first.
    assert html.index(late.subject) < html.index(due_soon.subject)


def test_the_committee_appears_in_the_navigation_of_those_who_decide(crew):
    crew.sign_in(crew.member)
    assert 'href="/committee"' in text(crew.client.get("/"))
    crew.sign_in(crew.agent)
    assert 'href="/committee"' not in text(crew.client.get("/"))
    assert crew.client.get("/committee").status_code == 403


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_member_decides_one_request_from_the_agenda(crew, htmx):
    ticket = crew.at_committee(crew.request())
    crew.sign_in(crew.member)
    response = crew.client.post(
        f"/committee/requests/{ticket.number}/decision", headers=HTMX if htmx else None,
        data={**row(ticket, "approve", "الحالة مستوفية للشروط"), "version": version_of(ticket)})
    assert status_of(ticket) == "approved"
    decision = db.session.scalar(select(CommitteeDecision))
    assert (decision.decision, decision.sitting_id, decision.decided_by_id) == \
        ("approve", None, crew.member.id)
    if htmx:
        html = text(response)
        assert response.status_code == 200 and "<html" not in html
        assert html.lstrip().startswith(f'<article id="agenda-{ticket.id}"')
        assert 'data-status="approved"' in html and 'data-testid="item-alert"' in html
    else:
        assert response.status_code == 302 and response.headers["Location"] == "/committee"
        assert "alert-success" in text(crew.client.get("/committee"))


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_decision_without_a_reason_comes_back_with_what_was_typed(crew, htmx):
    ticket = crew.at_committee(crew.request())
    crew.sign_in(crew.member)
    response = crew.client.post(
        f"/committee/requests/{ticket.number}/decision", headers=HTMX if htmx else None,
        data={**row(ticket, "defer", "", (riyadh_today() + timedelta(days=9)).isoformat()),
              f"message-{ticket.id}": "سنتواصل معكم قريباً", "version": version_of(ticket)})
    html = text(response)
    assert response.status_code == 422
    assert status_of(ticket) == "committee" and decisions() == 0
    assert f'data-testid="error-reason-{ticket.id}"' in html
    assert "سنتواصل معكم قريباً" in html
    assert f'value="{(riyadh_today() + timedelta(days=9)).isoformat()}"' in html
    assert re.search(r'<option value="defer"\s*selected', html)
    if htmx:
        assert response.headers["HX-Retarget"] == f"#agenda-{ticket.id}"


def test_a_decision_on_a_request_changed_meanwhile_answers_409(crew):
    ticket = crew.at_committee(crew.request())
    seen = version_of(ticket)
    services.add_note(ticket, actor=crew.agent, expected_version=None, body="أُضيفت وثيقة")
    crew.sign_in(crew.member)
    response = crew.client.post(f"/committee/requests/{ticket.number}/decision", headers=HTMX,
                                data={**row(ticket, "reject", "لا تنطبق الشروط"),
                                      "version": str(seen)})
    assert response.status_code == 409
    assert status_of(ticket) == "committee" and decisions() == 0
    html = text(response)
    assert 'data-testid="item-alert"' in html and f'value="{version_of(ticket)}"' in html


def test_a_request_not_at_the_committee_is_not_found_for_a_member(crew):
    ticket = crew.request(subject="طلب لم يُرسل إلى اللجنة")
    crew.sign_in(crew.member)
    response = crew.client.post(f"/committee/requests/{ticket.number}/decision",
                                data=row(ticket, "approve", "موافقة"), headers=HTMX)
    assert response.status_code == 404
    assert ticket.subject not in text(response) and decisions() == 0


# ---------------------------------------------------------------------------------------
# Sittings


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_member_opens_a_sitting_with_the_members_present(crew, htmx):
    crew.sign_in(crew.member)
    response = crew.client.post("/committee/sittings", headers=HTMX if htmx else None, data={
        "meeting_on": "2026-11-23", "member_ids": [str(crew.member.id),
                                                   str(crew.second_member.id)],
        "notes": "الجلسة الشهرية"})
    sitting = db.session.scalar(select(CommitteeSitting))
    assert sitting.meeting_on == date(2026, 11, 23)
    assert {m.id for m in sitting.members} == {crew.member.id, crew.second_member.id}
    url = f"/committee/sittings/{sitting.id}"
    if htmx:
        html = text(response)
        assert response.status_code == 200 and "<html" not in html
        assert response.headers["HX-Push-Url"] == url
        assert response.headers["HX-Retarget"] == "#committee-page"
        assert "13 جمادى الآخرة 1448" in html  # the meeting date in Hijri…
    else:
        assert response.status_code == 302 and response.headers["Location"] == url
        html = text(crew.client.get(url))
        assert "13 جمادى الآخرة 1448" in html
    assert gregorian_date(date(2026, 11, 23), "ar") in html  # …and in Gregorian


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_sitting_without_members_keeps_the_date_and_notes(crew, htmx):
    crew.sign_in(crew.member)
    response = crew.client.post("/committee/sittings", headers=HTMX if htmx else None,
                                data={"meeting_on": "2026-11-24", "notes": "جلسة طارئة"})
    html = text(response)
    assert response.status_code == 422
    assert 'data-testid="error-member_ids"' in html
    assert 'value="2026-11-24"' in html and "جلسة طارئة" in html
    assert db.session.scalar(select(func.count()).select_from(CommitteeSitting)) == 0
    if htmx:
        assert response.headers["HX-Retarget"] == "#open-sitting"


def test_someone_outside_the_committee_cannot_be_marked_present(crew):
    crew.sign_in(crew.member)
    response = crew.client.post("/committee/sittings", data={
        "meeting_on": "2026-11-24", "member_ids": [str(crew.member.id), str(crew.agent.id)]})
    assert response.status_code == 422
    response = crew.client.post("/committee/sittings", data={
        "meeting_on": "2026-11-24", "member_ids": ["1; DROP TABLE users"]})
    assert response.status_code == 422


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_sitting_decides_several_requests_in_one_form(crew, htmx):
    approve, reject, defer, later = (crew.at_committee(crew.request()) for _ in range(4))
    sitting = a_sitting(crew)
    new_due = riyadh_today() + timedelta(days=20)
    crew.sign_in(crew.member)
    page = text(crew.client.get(f"/committee/sittings/{sitting.id}"))
    for ticket in (approve, reject, defer, later):
        assert f'name="decision-{ticket.id}"' in page
    response = crew.client.post(f"/committee/sittings/{sitting.id}",
                                headers=HTMX if htmx else None, data=sitting_form(
                                    (approve, row(approve, "approve", "مستوفية")),
                                    (reject, row(reject, "reject", "الدخل أعلى من الحد")),
                                    (defer, row(defer, "defer", "زيارة ميدانية",
                                                new_due.isoformat())),
                                    (later, row(later))))
    assert [status_of(t) for t in (approve, reject, defer, later)] == \
        ["approved", "rejected", "committee", "committee"]
    db.session.expire_all()
    assert defer.decision_due_on == new_due
    recorded = list(db.session.scalars(select(CommitteeDecision).order_by(CommitteeDecision.id)))
    assert [(d.ticket_id, d.decision, d.sitting_id) for d in recorded] == [
        (approve.id, "approve", sitting.id), (reject.id, "reject", sitting.id),
        (defer.id, "defer", sitting.id)]
    if htmx:
        html = text(response)
        assert response.status_code == 200 and "<html" not in html
        assert 'data-testid="sitting-alert"' in html
    else:
        assert response.status_code == 302
        html = text(crew.client.get(response.headers["Location"]))
    decided = html[html.index('data-testid="sitting-decisions"'):]
    assert approve.number in decided and reject.number in decided and defer.number in decided
    # The deferred and the untouched requests are still to decide; the others are gone.
    form = html[html.index('data-testid="sitting-form"'):
                html.index('data-testid="sitting-decisions"')]
    assert f'name="decision-{later.id}"' in form and f'name="decision-{defer.id}"' in form
    assert f'name="decision-{approve.id}"' not in form
    # The agenda lists the sitting with its decisions.
    agenda = text(crew.client.get("/committee"))
    sittings = agenda[agenda.index('data-testid="recent-sittings"'):]
    assert approve.number in sittings and f"/committee/sittings/{sitting.id}" in sittings


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_row_in_error_records_nothing_and_keeps_every_rows_typed_values(crew, htmx):
    first, second, third = (crew.at_committee(crew.request()) for _ in range(3))
    sitting = a_sitting(crew)
    crew.sign_in(crew.member)
    response = crew.client.post(f"/committee/sittings/{sitting.id}",
                                headers=HTMX if htmx else None, data=sitting_form(
                                    (first, row(first, "approve", "سبب الموافقة المكتوب")),
                                    (second, row(second, "reject", "")),
                                    (third, row(third, "defer", "سبب التأجيل",
                                                riyadh_today().isoformat()))))
    html = text(response)
    assert response.status_code == 422
    assert decisions() == 0
    assert [status_of(t) for t in (first, second, third)] == ["committee"] * 3
    assert f'data-testid="error-reason-{second.id}"' in html
    assert f'data-testid="error-new_due_on-{third.id}"' in html
    assert f'data-testid="error-reason-{first.id}"' not in html
    assert "سبب الموافقة المكتوب" in html and "سبب التأجيل" in html
    assert re.search(rf'name="decision-{first.id}"[^>]*>\s*(<option[^>]*>[^<]*</option>\s*)*'
                     rf'<option value="approve"\s*selected', html)
    if htmx:
        assert "<html" not in html and response.headers["HX-Retarget"] == "#committee-page"


def test_a_sitting_records_nothing_when_one_request_changed_meanwhile(crew):
    first, second = crew.at_committee(crew.request()), crew.at_committee(crew.request())
    sitting = a_sitting(crew)
    seen = version_of(second)
    services.add_note(second, actor=crew.agent, expected_version=None, body="وثيقة جديدة")
    crew.sign_in(crew.member)
    response = crew.client.post(f"/committee/sittings/{sitting.id}", headers=HTMX,
                                data=sitting_form((first, row(first, "approve", "مستوفية")),
                                                  (second, row(second, "approve", "مستوفية",
                                                               version=seen))))
    html = text(response)
    assert response.status_code == 409 and decisions() == 0
    assert status_of(first) == "committee"
    assert 'data-testid="sitting-alert"' in html
    assert f'name="version-{second.id}" value="{version_of(second)}"' in html  # fresh
    assert html.count("مستوفية") >= 2  # the typed reasons are kept


def test_a_ticket_id_out_of_reach_in_the_sitting_form_is_not_found(crew):
    at_committee = crew.at_committee(crew.request())
    hidden = crew.request(subject="طلب لم يصل إلى اللجنة")
    sitting = a_sitting(crew)
    crew.sign_in(crew.member)
    for tampered in (str(hidden.id), "999999", "abc"):
        data = sitting_form((at_committee, row(at_committee, "approve", "مستوفية")))
        data["ticket"].append(tampered)
        data.update({f"decision-{tampered}": "approve", f"reason-{tampered}": "سبب"})
        response = crew.client.post(f"/committee/sittings/{sitting.id}", data=data,
                                    headers=HTMX)
        assert response.status_code == 404, tampered
        assert hidden.subject not in text(response)
    assert decisions() == 0 and status_of(at_committee) == "committee"


def test_an_unknown_sitting_is_not_found(crew):
    crew.sign_in(crew.member)
    assert crew.client.get("/committee/sittings/4242").status_code == 404
    assert crew.client.post("/committee/sittings/4242", data={}).status_code == 404


def test_an_empty_sitting_form_says_to_choose_a_request(crew):
    crew.at_committee(crew.request())
    sitting = a_sitting(crew)
    crew.sign_in(crew.member)
    response = crew.client.post(f"/committee/sittings/{sitting.id}", data={"ticket": []})
    assert response.status_code == 422
    assert 'data-testid="sitting-alert"' in text(response)
