"""The working calendar the admin edits: what calendar_for reads, what the services refuse,
and the page that edits it (a plain form and htmx)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, select

from helpdesk.accounts.models import Branch
from helpdesk.audit.models import AuditEntry
from helpdesk.calendar import services as calendar
from helpdesk.calendar.models import BranchHours, CalendarSettings, Closure, Holiday
from helpdesk.calendar.working import RIYADH
from helpdesk.clock import simulated_time
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.validation import ValidationError

MID_2026 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
EID_AL_FITR_1447 = date(2026, 3, 20)  # 1 Shawwal 1447 (Umm al-Qura)


@pytest.fixture
def admin(make_user):
    return make_user("admin", name="مدير النظام")


@pytest.fixture
def in_2026():
    with simulated_time(MID_2026) as clock:
        yield clock


def errors_of(call, *args) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        call(*args)
    return caught.value.errors


# -- calendar_for reads what the admin stored ---------------------------------------------


def test_an_unedited_calendar_is_the_computed_saudi_one_without_reading_a_table(app, in_2026):
    assert db.session.scalar(select(func.count()).select_from(CalendarSettings)) == 0
    computed = calendar.calendar_for()
    assert computed.opens == time(8) and computed.closes == time(16)
    assert EID_AL_FITR_1447 in computed.holidays and date(2026, 9, 23) in computed.holidays


def test_stored_hours_holidays_and_closures_make_the_calendar(app, admin, in_2026):
    calendar.save_settings({"opens": "07:30", "closes": "14:30", "eid_al_fitr_days": "3",
                            "eid_al_adha_days": "5"}, admin)
    calendar.generate_year({"year": "2026"}, admin)
    calendar.add_closure({"closure_reason": "الانتقال إلى المقر الجديد",
                          "closure_starts": "2026-12-06", "closure_ends": "2026-12-08"}, admin)
    moved = db.session.scalar(select(Holiday).where(Holiday.day == date(2026, 9, 23)))
    calendar.move_holiday(moved.id, "2026-09-24", admin)

    working = calendar.calendar_for()
    assert (working.opens, working.closes) == (time(7, 30), time(14, 30))
    # Eid al-Fitr 1447 for three days, Eid al-Adha 1447 (from Arafah) for five.
    assert {EID_AL_FITR_1447 + timedelta(days=n) for n in range(3)} <= working.holidays
    assert date(2026, 3, 23) not in working.holidays
    assert {date(2026, 5, 26) + timedelta(days=n) for n in range(5)} <= working.holidays
    assert date(2026, 12, 7) in working.holidays
    assert date(2026, 9, 24) in working.holidays and date(2026, 9, 23) not in working.holidays
    # 2027 is not generated: its computed holidays count, with the stored Eid lengths.
    assert date(2027, 3, 9) in working.holidays and date(2027, 3, 12) not in working.holidays


def test_a_branch_keeps_its_own_hours_and_the_others_the_associations(app, admin, in_2026):
    branch = Branch(code="jeddah", name_ar="فرع جدة", name_en="Jeddah branch")
    db.session.add(branch)
    db.session.commit()
    calendar.save_branch_hours({"branch_id": str(branch.id), "branch_opens": "16:00",
                                "branch_closes": "22:00"}, {branch.id: branch}, admin)
    assert (calendar.calendar_for(branch.id).opens,
            calendar.calendar_for(branch.id).closes) == (time(16), time(22))
    assert calendar.calendar_for().opens == time(8)
    assert calendar.calendar_for(branch.id + 1).opens == time(8)
    calendar.remove_branch_hours(branch.id, admin)
    assert calendar.calendar_for(branch.id).opens == time(8)
    assert db.session.get(BranchHours, branch.id) is None


def test_the_calendar_is_cached_until_an_edit_bumps_its_version(app, admin, in_2026):
    calendar.generate_year({"year": "2026"}, admin)
    first = calendar.calendar_for()
    assert calendar.calendar_for() is first  # answered from the cache
    calendar.add_closure({"closure_reason": "صيانة", "closure_starts": "2026-11-01"}, admin)
    second = calendar.calendar_for()
    assert second is not first and date(2026, 11, 1) in second.holidays
    versions = db.session.scalar(select(CalendarSettings.version))
    assert versions == 3  # created at 1, two edits


class StatementCounter:
    """Counts the SQL statements the database is sent inside the block."""

    def __init__(self):
        self.count = 0

    def __call__(self, *args):
        self.count += 1

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self)


def test_a_cached_calendar_costs_one_query_and_a_reload_a_few_whatever_the_days(
        app, admin, in_2026):
    for year in (2026, 2027):
        calendar.generate_year({"year": str(year)}, admin)
    for month in range(1, 13):
        calendar.add_closure({"closure_reason": f"جرد الشهر {month}",
                              "closure_starts": f"2027-{month:02d}-01",
                              "closure_ends": f"2027-{month:02d}-01"}, admin)
    db.session.commit()
    with StatementCounter() as reload:
        calendar.calendar_for()
    with StatementCounter() as cached:
        calendar.calendar_for()
        calendar.calendar_for()
    assert cached.count == 2  # the version, once per call
    assert reload.count <= 6  # version, settings, years, holidays, closures, branch hours


def test_each_edit_is_in_the_audit_log(app, admin, in_2026):
    calendar.generate_year({"year": "2026"}, admin)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "calendar.changed"))
    assert entry.actor_id == admin.id and entry.after == {"generated": 2026}


def test_a_due_time_never_falls_on_a_stored_holiday_or_closure(app, admin, in_2026):
    calendar.generate_year({"year": "2026"}, admin)
    calendar.generate_year({"year": "2027"}, admin)
    calendar.add_holiday({"holiday_name": "إجازة إضافية", "holiday_starts": "2026-10-04",
                          "holiday_ends": "2026-10-06"}, admin)
    calendar.add_closure({"closure_reason": "الانتقال إلى المقر الجديد",
                          "closure_starts": "2026-12-06", "closure_ends": "2026-12-17"},
                         admin)
    days_off = set(db.session.scalars(select(Holiday.day)))
    closed = {date(2026, 12, 6) + timedelta(days=n) for n in range(12)}
    working = calendar.calendar_for()

    @settings(max_examples=200, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 6, 30),
                        timezones=st.just(UTC)),
           st.integers(min_value=1, max_value=40 * 8 * 3600))
    def due_time_is_working_time(start, seconds):
        due = working.add_working_seconds(start, seconds).astimezone(RIYADH)
        assert due.date() not in days_off and due.date() not in closed
        assert due.weekday() not in (4, 5)
        assert working.opens < due.time() <= working.closes
        assert working.working_seconds_between(start, due) == seconds

    due_time_is_working_time()


def test_an_intake_the_evening_before_a_closure_is_due_after_it(app, admin, in_2026):
    calendar.add_closure({"closure_reason": "صيانة المبنى", "closure_starts": "2026-12-06",
                          "closure_ends": "2026-12-10"}, admin)
    thursday_evening = datetime(2026, 12, 3, 19, 0, tzinfo=RIYADH)
    due = calendar.calendar_for().add_working_hours(thursday_evening, 4)
    assert due == datetime(2026, 12, 13, 12, 0, tzinfo=RIYADH)


def test_an_eid_sighted_a_day_early_moves_the_due_time_past_the_corrected_day(app, admin,
                                                                            in_2026):
    calendar.generate_year({"year": "2026"}, admin)
    wednesday_afternoon = datetime(2026, 3, 18, 15, 0, tzinfo=RIYADH)  # 29 Ramadan 1447
    assert calendar.calendar_for().add_working_hours(wednesday_afternoon, 2) == \
        datetime(2026, 3, 19, 9, 0, tzinfo=RIYADH)  # Thursday 30 Ramadan, by the table
    first_day = db.session.scalar(select(Holiday).where(Holiday.day == EID_AL_FITR_1447))
    calendar.move_holiday(first_day.id, "1447-09-30", admin)  # the moon was sighted early
    assert calendar.calendar_for().add_working_hours(wednesday_afternoon, 2) == \
        datetime(2026, 3, 24, 9, 0, tzinfo=RIYADH)  # Eid Thu-Mon, back on Tuesday


# -- bad input -------------------------------------------------------------------------------


def test_hours_that_close_before_they_open_and_eid_lengths_outside_1_to_10_are_refused(
        app, admin):
    errors = errors_of(calendar.save_settings, {"opens": "16:00", "closes": "08:00",
                                                "eid_al_fitr_days": "0",
                                                "eid_al_adha_days": "11"}, admin)
    assert set(errors) == {"closes", "eid_al_fitr_days", "eid_al_adha_days"}
    errors = errors_of(calendar.save_settings, {"opens": "8", "closes": "08:00",
                                                "eid_al_fitr_days": "٤",
                                                "eid_al_adha_days": "4"}, admin)
    assert set(errors) == {"opens"}
    assert db.session.scalar(select(CalendarSettings)) is None


def test_a_day_entered_twice_is_refused(app, admin, in_2026):
    calendar.generate_year({"year": "2026"}, admin)
    errors = errors_of(calendar.add_holiday, {"holiday_name": "عيد", "holiday_starts":
                                              "2026-03-18", "holiday_ends": "2026-03-21"},
                       admin)
    assert "1447" in errors["holiday_starts"] and "2026" in errors["holiday_starts"]
    national = db.session.scalar(select(Holiday).where(Holiday.day == date(2026, 9, 23)))
    errors = errors_of(calendar.move_holiday, national.id, "2026-03-20", admin)
    assert "day" in errors
    assert db.session.get(Holiday, national.id).day == date(2026, 9, 23)


def test_overlapping_closures_and_a_holiday_inside_a_closure_are_refused(app, admin, in_2026):
    calendar.generate_year({"year": "2026"}, admin)
    calendar.add_closure({"closure_reason": "صيانة", "closure_starts": "2026-12-06",
                          "closure_ends": "2026-12-10"}, admin)
    errors = errors_of(calendar.add_closure, {"closure_reason": "جرد", "closure_starts":
                                              "2026-12-10", "closure_ends": "2026-12-12"},
                       admin)
    assert "صيانة" in errors["closure_starts"]
    errors = errors_of(calendar.add_holiday, {"holiday_name": "إجازة",
                                              "holiday_starts": "2026-12-08"}, admin)
    assert "صيانة" in errors["holiday_starts"]
    errors = errors_of(calendar.add_closure, {"closure_reason": "جرد",
                                              "closure_starts": "2026-09-22",
                                              "closure_ends": "2026-09-24"}, admin)
    assert "closure_starts" in errors  # National Day is already a holiday
    assert db.session.scalar(select(func.count()).select_from(Closure)) == 1


def test_an_end_before_the_start_and_unreadable_dates_are_refused(app, admin, in_2026):
    errors = errors_of(calendar.add_closure, {"closure_reason": "",
                                              "closure_starts": "2026-12-10",
                                              "closure_ends": "2026-12-09"}, admin)
    assert set(errors) == {"closure_reason", "closure_ends"}
    errors = errors_of(calendar.add_holiday, {"holiday_name": "إجازة",
                                              "holiday_starts": "tomorrow"}, admin)
    assert set(errors) == {"holiday_starts"}
    errors = errors_of(calendar.add_closure, {"closure_reason": "طويل",
                                              "closure_starts": "2026-01-01",
                                              "closure_ends": "2027-06-01"}, admin)
    assert set(errors) == {"closure_ends"}


def test_a_holiday_in_a_year_not_generated_and_a_year_out_of_range_are_refused(
        app, admin, in_2026):
    errors = errors_of(calendar.add_holiday, {"holiday_name": "إجازة",
                                              "holiday_starts": "2027-01-10"}, admin)
    assert "2027" in errors["holiday_starts"]
    assert "year" in errors_of(calendar.generate_year, {"year": "2040"}, admin)
    assert "year" in errors_of(calendar.generate_year, {"year": "سنة"}, admin)


def test_a_year_is_generated_again_only_when_asked_and_then_loses_the_corrections(
        app, admin, in_2026):
    calendar.generate_year({"year": "2026"}, admin)
    national = db.session.scalar(select(Holiday).where(Holiday.day == date(2026, 9, 23)))
    calendar.remove_holiday(national.id, admin)
    assert "year" in errors_of(calendar.generate_year, {"year": "2026"}, admin)
    calendar.generate_year({"year": "2026", "replace": "1"}, admin)
    assert db.session.scalar(select(Holiday).where(Holiday.day == date(2026, 9, 23)))


def test_dates_are_read_in_gregorian_or_hijri_with_either_digits():
    assert calendar.parse_day("2026-03-20") == EID_AL_FITR_1447
    assert calendar.parse_day("20/03/2026") == EID_AL_FITR_1447
    assert calendar.parse_day("1447-10-01") == EID_AL_FITR_1447
    assert calendar.parse_day("١/١٠/١٤٤٧ هـ") == EID_AL_FITR_1447
    for bad in ("", "2026-02-30", "1447-13-01", "20-03-26", "غدًا", "1447-10-31"):
        with pytest.raises(ValueError):
            calendar.parse_day(bad)


# -- the page --------------------------------------------------------------------------------


def this_year() -> int:
    return utcnow().astimezone(RIYADH).year


def test_the_page_shows_this_and_next_years_holidays_in_hijri_and_gregorian(client, login,
                                                                            admin):
    login(admin)
    html = client.get("/admin/calendar/").get_data(as_text=True)
    assert 'lang="ar"' in html and "تقويم العمل" in html
    assert f'data-testid="year-{this_year()}"' in html
    assert f'data-testid="year-{this_year() + 1}"' in html
    assert "شوال" in html and "هـ" in html and "اليوم الوطني" in html
    assert "محسوبة، لم تُولَّد بعد" in html


def test_generating_a_year_then_correcting_a_day_through_htmx(client, htmx, login, admin):
    login(admin)
    year = this_year()
    response = htmx.post("/admin/calendar/years", data={"year": str(year)})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="calendar">')
    assert 'data-testid="calendar-saved"' in html and "مولَّدة وقابلة للتعديل" in html
    national = db.session.scalar(select(Holiday).where(Holiday.day == date(year, 9, 23)))
    response = htmx.post(f"/admin/calendar/holidays/{national.id}",
                         data={"day": f"{year}-09-24"})
    assert response.status_code == 200 and "صُحّح يوم العطلة" in response.get_data(as_text=True)
    assert db.session.get(Holiday, national.id).day == date(year, 9, 24)


def test_bad_input_comes_back_at_the_field_with_what_was_typed(client, htmx, login, admin):
    login(admin)
    response = htmx.post("/admin/calendar/hours", data={
        "opens": "15:00", "closes": "09:00", "eid_al_fitr_days": "12", "eid_al_adha_days": "4"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="15:00"' in html and 'value="09:00"' in html and 'value="12"' in html
    assert 'data-testid="error-closes"' in html and 'data-testid="error-eid_al_fitr_days"' in html
    assert "يجب أن ينتهي الدوام بعد بدايته" in html
    response = client.post("/admin/calendar/closures", data={
        "closure_reason": "صيانة المبنى", "closure_starts": "1448-07-10",
        "closure_ends": "1448-07-01"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="صيانة المبنى"' in html and 'value="1448-07-10"' in html
    assert re.search(r'data-testid="error-closure_ends">[^<]*اليوم الأخير', html)
    assert db.session.scalar(select(func.count()).select_from(Closure)) == 0


def test_a_wrong_day_in_a_holiday_row_is_shown_on_that_row(client, htmx, login, admin):
    login(admin)
    year = this_year()
    htmx.post("/admin/calendar/years", data={"year": str(year)})
    national = db.session.scalar(select(Holiday).where(Holiday.day == date(year, 9, 23)))
    response = htmx.post(f"/admin/calendar/holidays/{national.id}", data={"day": "٣٠-٠٢-٢٠٢٦"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'data-testid="error-holiday-{national.id}"' in html and 'value="٣٠-٠٢-٢٠٢٦"' in html


def test_a_plain_form_post_redirects_back_with_a_message(client, login, admin):
    login(admin)
    response = client.post("/admin/calendar/closures", data={
        "closure_reason": "جرد المستودع", "closure_starts": f"{this_year() + 1}-01-11"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/admin/calendar/")
    html = client.get("/admin/calendar/").get_data(as_text=True)
    assert "أُضيف الإغلاق" in html and "جرد المستودع" in html
    closure = db.session.scalar(select(Closure))
    assert client.post(f"/admin/calendar/closures/{closure.id}/remove").status_code == 302
    assert client.post(f"/admin/calendar/closures/{closure.id}/remove").status_code == 404


def test_the_calendar_is_in_the_menu_of_those_who_may_edit_it(client, login, make_user):
    login(make_user("manager"))
    assert 'href="/admin/calendar/"' in client.get("/").get_data(as_text=True)


def test_an_agent_may_not_open_or_change_the_calendar(client, login, make_user):
    login(make_user("agent"))
    assert client.get("/admin/calendar/").status_code == 403
    assert client.post("/admin/calendar/hours", data={"opens": "09:00"}).status_code == 403
    assert 'href="/admin/calendar/"' not in client.get("/").get_data(as_text=True)


def test_the_demo_association_has_this_and_next_years_holidays_generated(app):
    from helpdesk.devdata.organisation import ensure_organisation

    ensure_organisation()
    ensure_organisation()  # a second run adds nothing
    year = this_year()
    assert calendar.generated_years() == {year, year + 1}
    assert db.session.scalar(select(Holiday).where(Holiday.day == date(year + 1, 9, 23)))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "calendar.changed"))
    assert entry.actor_id is not None
