"""Satisfaction's rules on both databases: the survey goes out once on resolution and once
after a decision, its one reminder, signed links, the edit period, follow-ups for the lead,
the review marks and their counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.satisfaction import queries, services
from helpdesk.satisfaction.models import FollowUp, ReviewMark, Survey
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Event, Rating, Ticket
from helpdesk.tickets.outbox_models import OutboxMessage
from helpdesk.validation import ValidationError
from tests.web.crew import Crew


@pytest.fixture
def crew(app, make_user, make_ticket, client) -> Crew:
    return Crew(make_user, make_ticket, client)


def survey_messages(ticket: Ticket) -> list[OutboxMessage]:
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id,
                                    OutboxMessage.purpose == "rating_invitation",
                                    OutboxMessage.body.contains("/survey/"))
        .order_by(OutboxMessage.id)))


def surveys_of(ticket: Ticket) -> list[Survey]:
    return list(db.session.scalars(select(Survey).where(Survey.ticket_id == ticket.id)))


def resolved(crew: Crew, **kwargs) -> Ticket:
    ticket = crew.inquiry(**kwargs)
    tickets.start(ticket, actor=crew.agent, expected_version=None)
    return tickets.resolve(ticket, actor=crew.agent, expected_version=None)


def token_of(message: OutboxMessage) -> str:
    return message.body.rsplit("/survey/", 1)[1].split()[0]


# -- sending ---------------------------------------------------------------------------

def test_the_survey_is_sent_once_when_the_ticket_is_resolved(crew):
    ticket = resolved(crew)
    [message] = survey_messages(ticket)
    assert message.locale == "ar" and "كيف" in message.body or message.body
    assert [s.occasion for s in surveys_of(ticket)] == ["resolved"]
    # The timeline keeps the words, never the secret link.
    event = db.session.get(Event, message.event_id)
    assert event.visibility == "public" and "/survey/" not in event.body
    # Reopened and resolved again: no second survey.
    tickets.reopen(ticket, actor=crew.manager, expected_version=None, reason="سؤال إضافي")
    tickets.start(ticket, actor=crew.agent, expected_version=None)
    tickets.resolve(ticket, actor=crew.agent, expected_version=None)
    assert len(survey_messages(ticket)) == 1


def test_the_survey_is_sent_once_after_the_committees_decision(crew):
    ticket = crew.at_committee(crew.request())
    from helpdesk.committee.services import decide

    decide(ticket, actor=crew.member, expected_version=None, decision="defer",
           reason="ننتظر تقرير الباحث")
    assert survey_messages(ticket) == []  # deferring is not a decision
    decide(ticket, actor=crew.member, expected_version=None, decision="approve",
           reason="مستحق حسب الدراسة")
    assert [s.occasion for s in surveys_of(ticket)] == ["decided"]
    assert len(survey_messages(ticket)) == 1


def test_no_survey_for_a_person_who_cannot_be_reached(crew, make_contact):
    silent = make_contact(phone=None, email=None)
    ticket = resolved(crew, channel_key="interview", contact=silent)
    assert surveys_of(ticket) == [] and survey_messages(ticket) == []


def test_no_survey_for_an_internal_ticket_without_a_person(crew, make_ticket):
    ticket = make_ticket(contact=None, team_id=crew.relations.id)
    db.session.execute(db.update(Ticket).where(Ticket.id == ticket.id).values(contact_id=None))
    db.session.commit()
    tickets.start(ticket, actor=crew.agent, expected_version=None)
    tickets.resolve(ticket, actor=crew.agent, expected_version=None)
    assert surveys_of(ticket) == []


def test_a_survey_is_written_in_the_persons_language(crew, make_contact):
    english = make_contact(data={"locale": "en"})
    ticket = resolved(crew, contact=english)
    [message] = survey_messages(ticket)
    assert message.locale == "en" and "How did we do?" in message.body


# -- the reminder ----------------------------------------------------------------------

def test_one_reminder_and_never_more_however_often_it_runs(crew):
    ticket = resolved(crew)
    later = utcnow() + timedelta(days=services.REMINDER_AFTER_DAYS, hours=1)
    assert services.remind_unanswered_surveys(utcnow()) == 0  # too early
    assert services.remind_unanswered_surveys(later) == 1
    assert services.remind_unanswered_surveys(later) == 0
    assert services.remind_unanswered_surveys(later + timedelta(days=5)) == 0
    assert len(survey_messages(ticket)) == 2
    [survey] = surveys_of(ticket)
    assert survey.reminded_at is not None


def test_no_reminder_once_the_person_has_answered(crew):
    ticket = resolved(crew)
    services.rate(ticket, {"stars": "5"})
    later = utcnow() + timedelta(days=services.REMINDER_AFTER_DAYS, hours=1)
    assert services.remind_unanswered_surveys(later) == 0
    assert len(survey_messages(ticket)) == 1


# -- signed links ----------------------------------------------------------------------

def test_the_survey_link_opens_its_survey_and_a_tampered_one_is_refused(crew):
    ticket = resolved(crew)
    token = token_of(survey_messages(ticket)[0])
    assert services.survey_for_token(token).ticket_id == ticket.id
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert services.survey_for_token(tampered) is None
    assert services.survey_for_token("not-a-token") is None
    # Rotating the tracking secret revokes every link, the survey's too.
    from helpdesk.portal.services import revoke_tracking_link

    revoke_tracking_link(ticket, crew.manager)
    assert services.survey_for_token(token) is None


def test_a_kiosk_pass_works_once(crew):
    ticket = resolved(crew)
    token = services.open_kiosk(ticket.number, actor=crew.agent)
    rating = services.rate_at_kiosk(token, {"stars": "4", "courtesy": "5"})
    assert (rating.stars, rating.courtesy, rating.source) == (4, 5, "kiosk")
    assert services.kiosk_pass_for_token(token) is None
    assert services.rate_at_kiosk(token, {"stars": "1"}) is None
    assert db.session.get(Rating, rating.id).stars == 4
    assert services.kiosk_pass_for_token(token[:-1] + "x") is None


def test_only_staff_who_reach_the_ticket_open_a_kiosk_for_it(crew):
    ticket = crew.out_of_reach()
    from helpdesk.tickets.errors import PermissionDenied, TicketNotFound

    with pytest.raises(TicketNotFound):
        services.open_kiosk(ticket.number, actor=crew.agent)
    with pytest.raises(PermissionDenied):
        services.open_kiosk(ticket.number, actor=crew.member)


# -- the answers -----------------------------------------------------------------------

def test_the_answers_are_stored_for_the_reports(crew):
    ticket = resolved(crew)
    services.rate(ticket, {"stars": "٤", "speed": "3", "courtesy": "", "clarity": "5",
                           "comment": "  شكرًا  "})
    rating = db.session.scalar(select(Rating).where(Rating.ticket_id == ticket.id))
    assert (rating.stars, rating.speed, rating.courtesy, rating.clarity, rating.comment,
            rating.stage, rating.source) == (4, 3, None, 5, "شكرًا", "open", "portal")


@pytest.mark.parametrize("answers, field", [
    ({}, "stars"), ({"stars": "6"}, "stars"), ({"stars": "abc"}, "stars"),
    ({"stars": "3", "speed": "0"}, "speed"), ({"stars": "3", "clarity": "9"}, "clarity"),
])
def test_bad_answers_are_refused_at_their_field(crew, answers, field):
    ticket = resolved(crew)
    with pytest.raises(ValidationError) as refused:
        services.rate(ticket, answers)
    assert field in refused.value.errors
    assert db.session.scalar(select(func.count()).select_from(Rating)) == 0


def test_a_rating_may_change_within_the_period_and_not_after(crew):
    ticket = resolved(crew)
    rating = services.rate(ticket, {"stars": "2"})
    services.rate(ticket, {"stars": "4", "speed": "4"})
    assert db.session.get(Rating, rating.id, populate_existing=True).stars == 4
    db.session.execute(db.update(Rating).where(Rating.id == rating.id).values(
        created_at=utcnow() - timedelta(days=services.RATING_EDIT_DAYS, minutes=1)))
    db.session.commit()
    with pytest.raises(ValidationError) as refused:
        services.rate(ticket, {"stars": "1"})
    assert "stars" in refused.value.errors
    assert db.session.get(Rating, rating.id, populate_existing=True).stars == 4


# -- follow-ups ------------------------------------------------------------------------

def test_a_low_rating_with_a_comment_opens_a_follow_up_for_the_team_lead(crew):
    crew.relations.lead_id = crew.manager.id
    lead = crew.officer  # a lead need not be a manager
    crew.relations.lead_id = lead.id
    db.session.commit()
    ticket = resolved(crew)
    services.rate(ticket, {"stars": "2", "comment": "انتظرت طويلًا"})
    [follow_up] = db.session.scalars(select(FollowUp))
    assert (follow_up.ticket_id, follow_up.lead_id, follow_up.status) == \
        (ticket.id, lead.id, "open")
    note = db.session.scalar(select(Event).where(Event.ticket_id == ticket.id,
                                                 Event.type == "satisfaction_follow_up"))
    assert note.visibility == "internal"
    assert queries.follow_ups_for(lead) == [follow_up]
    assert queries.follow_ups_for(crew.agent) == []
    assert queries.follow_ups_for(crew.manager) == [follow_up]
    # Changing the rating does not open a second one.
    services.rate(ticket, {"stars": "1", "comment": "وما زلت أنتظر"})
    assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 1


def test_without_a_lead_the_follow_up_goes_to_the_managers(crew):
    ticket = resolved(crew)
    services.rate(ticket, {"stars": "1", "comment": "لم يرد أحد"})
    [follow_up] = db.session.scalars(select(FollowUp))
    assert follow_up.lead_id is None
    assert queries.follow_ups_for(crew.manager) == [follow_up]
    assert queries.follow_ups_for(crew.agent) == []


@pytest.mark.parametrize("answers", [{"stars": "1"}, {"stars": "3", "comment": "متوسط"}])
def test_no_follow_up_without_a_comment_or_for_a_fair_rating(crew, answers):
    services.rate(resolved(crew), answers)
    assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 0


def test_closing_a_follow_up_needs_what_was_learnt_and_the_right_person(crew):
    ticket = resolved(crew)
    services.rate(ticket, {"stars": "1", "comment": "لم يرد أحد"})
    [follow_up] = db.session.scalars(select(FollowUp))
    from helpdesk.tickets.errors import TicketNotFound

    with pytest.raises(TicketNotFound):
        services.close_follow_up(follow_up.id, actor=crew.agent, outcome="تم")
    with pytest.raises(ValidationError):
        services.close_follow_up(follow_up.id, actor=crew.manager, outcome="  ")
    services.close_follow_up(follow_up.id, actor=crew.manager,
                             outcome="اتفقنا على الرد خلال يوم")
    assert db.session.get(FollowUp, follow_up.id).status == "done"


# -- who sees what ---------------------------------------------------------------------

def test_an_agent_sees_the_ratings_of_their_own_tickets_only(crew):
    mine = crew.inquiry()
    tickets.assign(mine, actor=crew.manager, expected_version=None, assignee_id=crew.agent.id)
    theirs = crew.inquiry()
    tickets.assign(theirs, actor=crew.manager, expected_version=None,
                   assignee_id=crew.other_agent.id)
    for ticket in (mine, theirs):
        tickets.start(ticket, actor=crew.manager, expected_version=None)
        tickets.resolve(ticket, actor=crew.manager, expected_version=None)
    services.rate(mine, {"stars": "5"})
    services.rate(theirs, {"stars": "1"})
    figures = queries.own_figures(crew.agent)
    assert (figures.count, figures.overall) == (1, 5.0)
    assert [ticket.id for _r, ticket in queries.own_recent_ratings(crew.agent)] == [mine.id]
    assert queries.ticket_ratings(crew.agent, theirs) is None
    assert [r.stars for r in queries.ticket_ratings(crew.agent, mine)] == [5]
    assert [r.stars for r in queries.ticket_ratings(crew.manager, theirs)] == [1]
    # Team figures: for managers and the team's lead, never for an agent.
    assert queries.team_figures(crew.agent) == []
    relations = dict((team.key, figures) for team, figures in queries.team_figures(crew.manager))
    assert (relations["relations"].count, relations["relations"].overall) == (2, 3.0)
    crew.relations.lead_id = crew.other_agent.id
    db.session.commit()
    assert [team.key for team, _f in queries.team_figures(crew.other_agent)] == ["relations"]
    assert queries.ticket_ratings(crew.other_agent, mine) is not None


# -- the review list -------------------------------------------------------------------

def test_review_marks_are_validated_and_counted(crew):
    suggestion = crew.inquiry(kind="suggestion", subject="اقتراح: مواعيد مسائية")
    rated = resolved(crew)
    services.rate(rated, {"stars": "3", "comment": "الموقع صعب الاستخدام"})
    rating = db.session.scalar(select(Rating).where(Rating.ticket_id == rated.id))
    items, pages = queries.review_page()
    assert pages == 1 and {(i.kind, i.item_id) for i in items} == \
        {("suggestion", suggestion.id), ("comment", rating.id)}
    with pytest.raises(ValidationError) as refused:
        services.mark_review_item("suggestion", suggestion.id, actor=crew.manager,
                                  status="acted_on", action_taken=" ")
    assert "action_taken" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        services.mark_review_item("suggestion", suggestion.id, actor=crew.manager,
                                  status="done")
    assert "status" in refused.value.errors
    from helpdesk.tickets.errors import PermissionDenied, TicketNotFound

    with pytest.raises(PermissionDenied):
        services.mark_review_item("suggestion", suggestion.id, actor=crew.agent,
                                  status="read")
    with pytest.raises(TicketNotFound):
        services.mark_review_item("suggestion", rated.id, actor=crew.manager, status="read")
    services.mark_review_item("suggestion", suggestion.id, actor=crew.manager,
                              status="acted_on", action_taken="أضفنا دوامًا مساء الأحد")
    services.mark_review_item("comment", rating.id, actor=crew.manager, status="read")
    assert db.session.scalar(select(func.count()).select_from(ReviewMark)) == 2
    [acted] = queries.review_page(status="acted_on")[0]
    assert acted.item_id == suggestion.id and acted.mark.action_taken
    assert queries.review_page(status="new")[0] == []
    assert [i.kind for i in queries.review_page(kind="comment")[0]] == ["comment"]
    now = utcnow()
    counts = queries.review_counts(now - timedelta(days=1), now + timedelta(days=1))
    assert counts == {"received": 2, "acted_on": 1, "read": 1, "not_applicable": 0}
    assert queries.review_counts(now + timedelta(days=1), now + timedelta(days=2))[
        "received"] == 0


def test_accepting_a_volunteer_is_not_a_decision_to_rate(crew):
    ticket = crew.inquiry(kind="volunteering")
    tickets.start(ticket, actor=crew.coordinator, expected_version=None)
    tickets.decide_application(ticket, actor=crew.coordinator, expected_version=None,
                               decision="approve", reason="خبرة مناسبة")
    assert surveys_of(ticket) == []
