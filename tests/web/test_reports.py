"""The managers' reports, proved number by number on a small hand-built association: volume,
backlog, response and resolution times, SLA compliance, the committee, satisfaction, visits
and suggestions; the filters (channel, Hijri month, Gregorian dates, bad input); the CSV and
XLSX exports; the board's print view; and that no page ranks or lists agents by score."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select, update

from helpdesk.accounts.models import Branch, Team
from helpdesk.accounts.roles import ROLES
from helpdesk.admin.models import Association
from helpdesk.committee.models import CommitteeDecision
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.reports import queries
from helpdesk.reports.periods import gregorian_period, hijri_month_period, hijri_of
from helpdesk.reports.queries import Filters
from helpdesk.reports.services import build_reports, format_number, parse_filters
from helpdesk.satisfaction.services import mark_review_item
from helpdesk.services_catalog.models import Service
from helpdesk.tickets.models import Event, Rating, Ticket

NOVEMBER = gregorian_period(date(2026, 11, 1), date(2026, 11, 30))
NOW = datetime(2026, 12, 1, tzinfo=UTC)
AGENT_NAMES = ("سلمان الموظف", "ريم الموظفة")


def at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@dataclass
class World:
    riyadh: Branch
    jeddah: Branch
    relations: Team
    research: Team
    food: Service
    rent: Service
    tickets: dict[str, Ticket]
    agents: list[Any]


@pytest.fixture
def world(app, make_ticket, make_user) -> World:
    """Nine tickets, their first replies, closings, ratings and committee decisions, with
    times chosen so that every figure of November 2026 can be worked out by hand."""
    riyadh = Branch(code="ruh", name_ar="فرع الرياض", name_en="Riyadh branch")
    jeddah = Branch(code="jed", name_ar="فرع جدة", name_en="Jeddah branch")
    relations = Team(key="relations", name_ar="العلاقات", name_en="Relations")
    research = Team(key="research", name_ar="البحث الاجتماعي", name_en="Research")
    db.session.add_all([riyadh, jeddah, relations, research])
    db.session.flush()
    food = Service(key="food", name_ar="السلة الغذائية", name_en="Food basket",
                   team_id=research.id)
    rent = Service(key="rent", name_ar="دعم الإيجار", name_en="Rent support",
                   team_id=research.id)
    db.session.add_all([food, rent])
    db.session.commit()
    agents = [make_user("agent", name=name) for name in AGENT_NAMES]

    def ticket(name, channel, kind, created, *, status="new", closed=None, team=None,
               service=None, branch=None, first_due=None, resolution_due=None,
               replied=None, assignee=None):
        row = make_ticket(channel_key=channel, kind=kind)
        row.created_at, row.status, row.closed_at = created, status, closed
        row.team_id = team.id if team else None
        row.service_id = service.id if service else None
        row.branch_id = branch.id if branch else None
        row.first_response_due_at, row.resolution_due_at = first_due, resolution_due
        row.assignee_id = assignee.id if assignee else None
        if replied:
            # A later reply does not count: the first one does.
            for moment in (replied, replied + timedelta(hours=5)):
                db.session.add(Event(ticket_id=row.id, type="message_out", visibility="public",
                                     body="تم الرد", created_at=moment))
        db.session.add(Event(ticket_id=row.id, type="note", visibility="internal",
                             body="ملاحظة", created_at=created + timedelta(minutes=30)))
        db.session.commit()
        # The due times chosen by hand, over what the SLA clocks computed when the service
        # was set (this data set proves the reports' arithmetic, not the clocks').
        db.session.execute(update(Ticket).where(Ticket.id == row.id).values(
            first_response_due_at=first_due, resolution_due_at=resolution_due))
        db.session.commit()
        db.session.refresh(row)
        return row

    tickets = {
        "t1": ticket("t1", "phone", "inquiry", at(11, 2, 8), status="closed",
                     closed=at(11, 3, 8), team=relations, service=food, branch=riyadh,
                     first_due=at(11, 2, 12), resolution_due=at(11, 4, 8),
                     replied=at(11, 2, 10), assignee=agents[0]),
        # 22:00 UTC is 01:00 the next day in Riyadh: received on 3 November.
        "t2": ticket("t2", "phone", "complaint", at(11, 2, 22), status="closed",
                     closed=at(11, 5, 22), team=research, service=rent,
                     first_due=at(11, 3, 2), resolution_due=at(11, 4, 22),
                     replied=at(11, 3, 4), assignee=agents[1]),
        "t3": ticket("t3", "branch_visits", "suggestion", at(11, 10, 9), branch=jeddah,
                     first_due=at(11, 10, 12), resolution_due=utcnow() + timedelta(days=400)),
        "t4": ticket("t4", "branch_visits", "inquiry", at(11, 20, 6), status="in_progress",
                     team=relations, branch=riyadh, replied=at(11, 20, 10)),
        "t5": ticket("t5", "help_requests", "support_request", at(11, 5, 7), status="closed",
                     closed=at(11, 25, 7), team=relations, service=food,
                     replied=at(11, 5, 15), assignee=agents[0]),
        "t6": ticket("t6", "help_requests", "support_request", at(11, 6, 7),
                     status="rejected", service=rent),
        "t7": ticket("t7", "phone", "inquiry", at(10, 15, 9), status="closed",
                     closed=at(11, 10, 9)),
        "t8": ticket("t8", "phone", "inquiry", at(10, 1, 9), status="in_progress"),
        "t9": ticket("t9", "phone", "inquiry", at(11, 1, 10), status="closed",
                     closed=at(11, 2, 10)),
    }
    for name, stars, moment in (("t1", 5, at(11, 3, 9)), ("t2", 2, at(11, 6, 9)),
                                ("t5", 4, at(11, 26, 9)), ("t7", 3, at(11, 11, 9))):
        db.session.add(Rating(ticket_id=tickets[name].id, stage="closed", stars=stars,
                              created_at=moment, updated_at=moment))
    for name, decision, moment, due in (
            ("t5", "approve", at(11, 15, 7), date(2026, 11, 20)),
            ("t6", "defer", at(11, 12, 7), date(2026, 11, 14)),
            ("t6", "reject", at(11, 25, 10), date(2026, 11, 21))):
        db.session.add(CommitteeDecision(ticket_id=tickets[name].id, decision=decision,
                                         reason="قرار اللجنة", decided_at=moment,
                                         due_on_before=due))
    db.session.commit()
    return World(riyadh, jeddah, relations, research, food, rent, tickets, agents)


def hours(value: float | None) -> float | None:
    return None if value is None else round(value / 3600, 4)


# ---------------------------------------------------------------------------------------
# The numbers


def test_volume_counts_tickets_received_in_the_period_by_riyadh_day_channel_and_kind(world):
    found = queries.volume(Filters(NOVEMBER))
    assert found.total == 7
    assert found.counts == {
        ("2026-11-01", "phone", "inquiry"): 1, ("2026-11-02", "phone", "inquiry"): 1,
        ("2026-11-03", "phone", "complaint"): 1,
        ("2026-11-05", "help_requests", "support_request"): 1,
        ("2026-11-06", "help_requests", "support_request"): 1,
        ("2026-11-10", "branch_visits", "suggestion"): 1,
        ("2026-11-20", "branch_visits", "inquiry"): 1,
    }
    assert dict(found.by(1)) == {"phone": 3, "help_requests": 2, "branch_visits": 2}


def test_volume_over_a_long_period_is_counted_by_month(world):
    found = queries.volume(Filters(gregorian_period(date(2026, 10, 1), date(2026, 12, 31))))
    assert dict(found.by(0)) == {"2026-10": 2, "2026-11": 7}


def test_the_filters_narrow_every_count(world):
    phone = Filters(NOVEMBER, channel_key="phone")
    assert queries.volume(phone).total == 3
    assert queries.satisfaction(phone).overall.ratings == 3
    assert queries.volume(Filters(NOVEMBER, branch_id=world.riyadh.id)).total == 2
    assert queries.volume(Filters(NOVEMBER, service_id=world.rent.id)).total == 2
    assert queries.volume(Filters(NOVEMBER, team_id=world.relations.id)).total == 3
    assert queries.committee(Filters(NOVEMBER, service_id=world.food.id)).decided == 1


def test_the_backlog_counts_open_tickets_by_age_whatever_the_period(world):
    found = queries.backlog(Filters(NOVEMBER), now=NOW)
    # t3 (20 days), t4 (10), t6 (24) and t8 (61): rejected is still open, closed is not.
    assert found.by_age == (0, 0, 0, 3, 1)
    assert found.oldest_created_at == at(10, 1, 9)
    assert queries.backlog(Filters(NOVEMBER, channel_key="branch_visits"), now=NOW).total == 2


def test_first_response_and_resolution_times_are_medians_and_90th_percentiles(world):
    found = queries.times(Filters(NOVEMBER), now=NOW)
    assert found.tickets == 7
    # First replies after 2, 6, 4 and 8 hours (the later replies do not count).
    assert hours(found.first_response_median) == 5
    assert hours(found.first_response_p90) == pytest.approx(7.4)
    # Closed after 24 (t9), 24 (t1), 72 (t2) and 480 (t5) hours.
    assert hours(found.resolution_median) == 48
    assert hours(found.resolution_p90) == pytest.approx(357.6)


def test_sla_compliance_counts_the_due_times_that_have_come(world):
    found = queries.times(Filters(NOVEMBER), now=NOW)
    # First response: t1 met; t2 late; t3 never answered, past due.
    assert (found.first_response_met, found.first_response_missed) == (1, 2)
    # Resolution: t1 met; t2 late; t3's due time has not come.
    assert (found.resolution_met, found.resolution_missed) == (1, 1)
    assert found.first_response_compliance == pytest.approx(1 / 3)
    assert found.resolution_compliance == 0.5


def test_the_committee_report_counts_decisions_per_service_and_the_time_to_decide(world):
    found = queries.committee(Filters(NOVEMBER))
    assert found.by_service == {world.food.id: {"approve": 1},
                                world.rent.id: {"defer": 1, "reject": 1}}
    assert (found.decided, found.deferred) == (2, 1)
    # t5: 10 days from receipt to approval; t6: 19 days and 3 hours to its rejection.
    assert found.days_median == pytest.approx(14.5625)
    assert found.days_p90 == pytest.approx(18.2125)
    # t5 decided before its promised date, t6 after it.
    assert (found.within_window, found.past_window) == (1, 1)


def test_satisfaction_distribution_averages_and_response_rate(world):
    found = queries.satisfaction(Filters(NOVEMBER))
    assert found.distribution == {1: 0, 2: 1, 3: 1, 4: 1, 5: 1}
    assert found.overall.mean == 3.5
    assert {key: (a.ratings, a.stars) for key, a in found.by_channel.items()} == {
        "phone": (3, 10), "help_requests": (1, 4)}
    assert {key: (a.ratings, a.stars) for key, a in found.by_team.items()} == {
        world.relations.id: (2, 9), world.research.id: (1, 2), None: (1, 3)}
    assert {key: (a.ratings, a.stars) for key, a in found.by_service.items()} == {
        world.food.id: (2, 9), world.rent.id: (1, 2), None: (1, 3)}
    assert {key: a.ratings for key, a in found.trend.items()} == {
        "2026-11-03": 1, "2026-11-06": 1, "2026-11-26": 1, "2026-11-11": 1}
    # Closed in November: t1, t2, t5, t7, t9; rated: all but t9.
    assert (found.closed_tickets, found.rated_closed_tickets) == (5, 4)
    assert found.response_rate == 0.8


def test_a_rating_moves_the_satisfaction_figure(world):
    before = queries.satisfaction(Filters(NOVEMBER))
    db.session.add(Rating(ticket_id=world.tickets["t9"].id, stage="closed", stars=1,
                          created_at=at(11, 28), updated_at=at(11, 28)))
    db.session.commit()
    after = queries.satisfaction(Filters(NOVEMBER))
    assert after.overall.ratings == before.overall.ratings + 1
    assert after.overall.mean == 3.0
    assert after.response_rate == 1.0


def test_visits_are_the_field_visit_channels_tickets_by_branch_and_month(world):
    found = queries.visits(Filters(NOVEMBER), ["branch_visits"])
    assert found == {(world.riyadh.id, "2026-11"): 1, (world.jeddah.id, "2026-11"): 1}
    assert queries.visits(Filters(NOVEMBER, channel_key="phone"), ["branch_visits"]) == {}


def test_suggestions_received_are_counted_and_acted_on_comes_from_the_review(world,
                                                                          make_user):
    found = queries.suggestions(Filters(NOVEMBER))
    assert (found.received, found.by_channel, found.acted_on) == (1, {"branch_visits": 1}, 0)
    suggestion = db.session.scalar(select(Ticket).where(Ticket.kind == "suggestion"))
    mark_review_item("suggestion", suggestion.id, actor=make_user("manager"),
                     status="acted_on", action_taken="أضفنا مقاعد في صالة الانتظار")
    assert queries.suggestions(Filters(NOVEMBER)).acted_on == 1


def test_a_hijri_month_covers_its_riyadh_days(world):
    period = hijri_month_period(1448, 5)  # Jumada al-Ula 1448
    assert (period.first_day, period.last_day) == (date(2026, 10, 12), date(2026, 11, 10))
    assert period.utc_start == datetime(2026, 10, 11, 21, tzinfo=UTC)
    # t2 (3 Nov), t5, t6, t1, t9 and t3 (10 Nov, 12:00 Riyadh); t7 (15 Oct) too.
    assert queries.volume(Filters(period)).total == 7


# ---------------------------------------------------------------------------------------
# The form


def test_the_form_reads_a_hijri_month_or_gregorian_dates_and_keeps_bad_input(world):
    form = parse_filters({"calendar": "hijri", "hijri_year": "١٤٤٨", "hijri_month": "5",
                          "channel": "phone"})
    assert form.errors == {}
    assert form.filters.period.hijri_month == (1448, 5)
    assert form.filters.channel_key == "phone"
    form = parse_filters({"calendar": "gregorian", "from": "2026-11-01", "to": "2026-11-30"})
    assert form.filters.period == NOVEMBER
    form = parse_filters({"calendar": "gregorian", "from": "2026-11-30", "to": "2026-11-01",
                          "branch": "999", "channel": "nowhere"})
    assert set(form.errors) == {"to", "branch", "channel"}
    assert form.values["from"] == "2026-11-30"
    form = parse_filters({"calendar": "hijri", "hijri_year": "1600", "hijri_month": "13"})
    assert set(form.errors) == {"hijri_month"}
    form = parse_filters({"calendar": "hijri", "hijri_year": "1600", "hijri_month": "2"})
    assert set(form.errors) == {"hijri_year"}
    assert form.filters.period.hijri_month == hijri_of(date.today())


# ---------------------------------------------------------------------------------------
# The pages


def reports_url(**args: str) -> str:
    query = {"calendar": "gregorian", "from": "2026-11-01", "to": "2026-11-30", **args}
    return "/reports/?" + "&".join(f"{key}={value}" for key, value in query.items())


@pytest.fixture
def manager(world, make_user, login):
    user = make_user("manager")
    login(user)
    return user


def test_the_reports_page_shows_each_chart_with_its_numbers_in_arabic_digits(world, manager,
                                                                            client):
    response = client.get(reports_url())
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for key in ("volume_channel", "volume_kind", "backlog", "times", "sla", "committee",
                "committee_timing", "satisfaction", "satisfaction_response",
                "satisfaction_trend", "satisfaction_channel", "satisfaction_service",
                "satisfaction_team", "visits", "suggestions"):
        assert f'data-testid="report-{key}"' in html, key
    assert 'data-testid="chart-volume_channel"' in html
    assert "data-chart=" in html
    assert "<script>" not in html  # charts read their data from attributes (the CSP)
    # Arabic-Indic digits: an 80% response rate, 357.6 hours, the days of the series.
    assert ">٨٠٪<" in html
    assert ">٣٥٧٫٦<" in html
    assert "٢١ جمادى الأولى ١٤٤٨ هـ — ١ نوفمبر ٢٠٢٦" in html
    assert "Period" not in html  # Arabic labels


def test_the_page_filters_by_channel_and_a_hijri_month(world, manager, client):
    response = client.get("/reports/?calendar=hijri&hijri_year=1448&hijri_month=5"
                          "&channel=branch_visits")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "جمادى الأولى ١٤٤٨ هـ" in html
    assert "١٢ أكتوبر ٢٠٢٦" in html and "١٠ نوفمبر ٢٠٢٦" in html
    report = build_reports(parse_filters({"calendar": "hijri", "hijri_year": "1448",
                                          "hijri_month": "5",
                                          "channel": "branch_visits"}).filters)
    volume = report["volume"][0]
    assert sum(row[-1] for row in volume.rows) == 1  # t3 only


def test_bad_filters_answer_with_messages_at_the_fields_never_an_error(world, manager, client):
    response = client.get("/reports/?calendar=gregorian&from=yesterday&to=2026-11-01"
                          "&team=abc&calendar=x")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-testid="error-from"' in html and 'data-testid="error-team"' in html
    assert 'value="yesterday"' in html
    assert client.get("/reports/?hijri_year=" + "9" * 30).status_code == 200


def test_the_csv_export_holds_the_reports_numbers(world, manager, client):
    response = client.get(reports_url().replace("/reports/?", "/reports/export/times.csv?"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["أوقات الاستجابة الأولى والحل"]
    assert "هـ" in rows[1][0] and "نوفمبر ٢٠٢٦" in rows[1][1]
    assert rows[2] == ["المقياس", "الوسيط (ساعات)", "المئين التسعون (ساعات)"]
    assert rows[3] == ["الاستجابة الأولى", "5.0", "7.4"]
    assert rows[4] == ["زمن الحل", "48.0", "357.6"]


def test_the_xlsx_export_opens_with_the_numbers_as_numbers(world, manager, client):
    response = client.get(reports_url().replace("/reports/?", "/reports/export/committee.xlsx?"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.active
    assert sheet.sheet_view.rightToLeft
    assert "هـ" in sheet["A2"].value and "٢٠٢٦" in sheet["A3"].value
    table = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5)]
    assert table == [["السلة الغذائية", 1, 0, 0], ["دعم الإيجار", 0, 1, 1]]
    response = client.get(reports_url().replace("/reports/?", "/reports/export/sla.xlsx?"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert [cell.value for cell in sheet[5]][1:] == [1, 2, 33.3]


def test_an_unknown_report_or_format_is_not_found(world, manager, client):
    assert client.get("/reports/export/nothing.csv").status_code == 404
    assert client.get("/reports/export/times.pdf").status_code == 404


def test_the_board_report_prints_the_association_and_both_calendars(world, manager, client):
    db.session.add(Association(name_ar="جمعية البر الخيرية", name_en="Al-Birr Society"))
    db.session.commit()
    response = client.get("/reports/board?calendar=hijri&hijri_year=1448&hijri_month=5")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "جمعية البر الخيرية" in html
    assert "جمادى الأولى ١٤٤٨ هـ" in html and "أكتوبر ٢٠٢٦" in html
    assert "css/board.css" in html
    assert "هـ" in html.split('data-testid="board-issued"')[1][:120]


def test_numbers_read_in_the_languages_digits():
    assert format_number(1234, language="ar") == "١٬٢٣٤"
    assert format_number(0.8, "percent", language="ar").startswith("٨٠")
    assert format_number(1234, language="en") == "1,234"
    assert format_number(None, language="ar") == "—"


@pytest.mark.parametrize("role", sorted(ROLES))
def test_no_role_sees_agents_ranked_or_listed_by_score(world, make_user, login, client, role):
    """Reports give figures per team, branch, channel and service, never per agent; the
    roles without reports.view are refused them."""
    login(make_user(role))
    for url in (reports_url(), "/reports/board?" + reports_url().split("?")[1],
                reports_url().replace("/reports/?", "/reports/export/satisfaction_team.csv?"),
                "/", "/tickets/"):
        response = client.get(url)
        if url.startswith("/reports"):
            assert response.status_code == (200 if role in ("admin", "manager") else 403)
        body = response.get_data(as_text=True)
        if url.startswith("/reports"):
            for name in AGENT_NAMES:
                assert name not in body, (role, url, name)
        assert "satisfaction_agent" not in body


def test_the_tables_beside_the_charts_hold_the_same_numbers(world):
    reports = {report.key: report for section in
               build_reports(Filters(NOVEMBER), now=NOW).values() for report in section}
    assert reports["committee_timing"].rows == (
        ("كل الخدمات", 2, pytest.approx(14.5625), pytest.approx(18.2125), 1, 1),)
    assert reports["committee"].rows == (("السلة الغذائية", 1, 0, 0), ("دعم الإيجار", 0, 1, 1))
    assert reports["satisfaction_response"].rows == (("كل القنوات", 5, 4, 0.8),)
    assert reports["satisfaction"].rows == tuple(
        (digit, count) for digit, count in zip("١٢٣٤٥", (0, 1, 1, 1, 1), strict=True))
    assert reports["visits"].rows == (("فرع الرياض", 1, 1), ("فرع جدة", 1, 1))
    assert reports["backlog"].rows[-1] == ("كل التذاكر المفتوحة", 4)
    assert reports["sla"].rows[0][1:] == (1, 2, pytest.approx(1 / 3))
    assert reports["suggestions"].rows == (("مناديب المكاتب الفرعية", 1),
                                           ("المقترحات الواردة", 1),
                                           ("المقترحات المنفَّذة", 0))
    volume = reports["volume_channel"]
    assert [column.label for column in volume.columns] == [
        "الفترة", "الاتصالات الهاتفية", "خدمات طلب المساعدة", "مناديب المكاتب الفرعية",
        "المجموع"]
    assert sum(row[-1] for row in volume.rows) == 7
    assert volume.chart_data()["datasets"][0]["data"][:4] == [1, 1, 1, 0]  # 1–4 Nov, phone
    team = reports["satisfaction_team"]
    assert {row[0] for row in team.rows} == {"العلاقات", "البحث الاجتماعي", "غير محدد"}


def test_a_rating_given_on_the_portal_moves_the_reports_satisfaction(app, make_ticket,
                                                                    make_user, login, client):
    from helpdesk.reports.services import default_period
    from helpdesk.tickets.tracking_links import tracking_token

    ticket = make_ticket(channel_key="phone")
    this_month = Filters(default_period())
    assert queries.satisfaction(this_month).overall.ratings == 0
    portal = app.test_client()
    assert portal.post(f"/t/{tracking_token(ticket)}/rate",
                       data={"stars": "4"}).status_code == 302
    db.session.expire_all()
    found = queries.satisfaction(this_month)
    assert (found.overall.ratings, found.overall.mean) == (1, 4)
    assert found.by_channel["phone"].ratings == 1
    login(make_user("manager"))
    html = client.get("/reports/").get_data(as_text=True)
    stars = html.split('data-testid="table-satisfaction"')[1].split("</table>")[0]
    four_stars = stars.split('<th scope="row" class="fw-normal">٤</th>')[1].split("</tr>")[0]
    assert ">١</td>" in four_stars


def test_every_report_can_be_found_by_its_key_for_export(world):
    from helpdesk.reports.services import REPORT_SECTIONS, find_report

    built = {report.key for section in build_reports(Filters(NOVEMBER)).values()
             for report in section}
    assert built == set(REPORT_SECTIONS)
    for key in REPORT_SECTIONS:
        assert find_report(Filters(NOVEMBER), key).key == key
    assert find_report(Filters(NOVEMBER), "agents") is None


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_demo_manager_reads_the_reports_on_the_demo_data(app, client):
    result = app.test_cli_runner().invoke(args=["helpdesk", "demo"])
    assert result.exit_code == 0, result.output
    response = client.post("/login", data={"email": "manager@demo.sila.sa",
                                           "password": "sila-demo-2026"})
    assert response.status_code == 302
    today = date.today()
    query = (f"calendar=gregorian&from={(today - timedelta(days=120)).isoformat()}"
             f"&to={today.isoformat()}")
    page = client.get(f"/reports/?{query}")
    assert page.status_code == 200
    form = parse_filters({"calendar": "gregorian",
                          "from": (today - timedelta(days=120)).isoformat(),
                          "to": today.isoformat()})
    reports = {report.key: report for section in build_reports(form.filters).values()
               for report in section}
    assert sum(row[-1] for row in reports["volume_channel"].rows) > 10
    assert reports["committee"].rows
    assert client.get(f"/reports/board?{query}").status_code == 200
    assert client.get(f"/reports/export/volume_kind.xlsx?{query}").status_code == 200
