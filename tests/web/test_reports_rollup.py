"""The reports' daily rollup gives the live queries' figures on the hand-built association
(counts exactly, medians and 90th percentiles within a bucket), rebuilding is idempotent, and
the worker's refresh picks up a late change; the live figures stay exact on small sets."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.reports import queries, rollup
from helpdesk.reports.models import report_days, report_rollup_days
from helpdesk.reports.periods import gregorian_period
from helpdesk.reports.queries import Filters
from helpdesk.tickets.lifecycle import close, reopen, resolve
from tests.support.worker import running_worker, wait_for
from tests.web.test_reports import NOVEMBER, NOW, at, world  # noqa: F401  (the fixture)

# The rollup's percentile lies in the exact one's bucket: a factor 2^(1/3) at most.
BUCKET_RATIO = 2 ** (1 / 3)


@pytest.fixture
def rolled_up(app, world):  # noqa: F811
    """The rollup read whatever the number of tickets (the default keeps small sets live)."""
    app.config["REPORTS_ROLLUP_MIN_TICKETS"] = 0
    rollup.rebuild(now=NOW)
    return world


def live_figures(filters: Filters, now=NOW):
    """The live queries' figures, the rollup switched off for them."""
    return (queries._live_volume(filters), queries._live_times(filters, now),
            queries._live_satisfaction(filters))


def within_a_bucket(estimate, exact):
    if exact is None:
        return estimate is None
    if exact < 60:
        return estimate is not None and abs(estimate - exact) <= 60
    return estimate is not None and exact / BUCKET_RATIO <= estimate <= exact * BUCKET_RATIO


def assert_same_figures(filters: Filters, now=NOW):
    live_volume, live_times, live_satisfaction = live_figures(filters, now)
    assert rollup.split(filters, now).rolled is not None
    volume = queries.volume(filters, now)
    assert volume.counts == live_volume
    found = queries.times(filters, now)
    assert (found.tickets, found.first_response_met, found.first_response_missed,
            found.resolution_met, found.resolution_missed) == (
        live_times.tickets, live_times.first_response_met, live_times.first_response_missed,
        live_times.resolution_met, live_times.resolution_missed)
    for name in ("first_response_median", "first_response_p90", "resolution_median",
                 "resolution_p90"):
        assert within_a_bucket(getattr(found, name), getattr(live_times, name)), name
    assert queries.satisfaction(filters, now) == live_satisfaction
    assert queries.visits(filters, ["branch_visits"], now) == \
        queries._live_visits(filters, ["branch_visits"])
    assert queries.suggestions_received(filters, now) == \
        queries._live_suggestions_received(filters)


def test_the_rollup_gives_the_live_figures_for_every_filter(rolled_up):
    hand_built = rolled_up
    for filters in (Filters(NOVEMBER), Filters(NOVEMBER, channel_key="phone"),
                    Filters(NOVEMBER, branch_id=hand_built.riyadh.id),
                    Filters(NOVEMBER, service_id=hand_built.rent.id),
                    Filters(NOVEMBER, team_id=hand_built.relations.id),
                    Filters(gregorian_period(date(2026, 10, 1), date(2026, 12, 31)))):
        assert_same_figures(filters)


def test_the_rollup_gives_the_numbers_the_reports_test_proves(rolled_up):
    volume = queries.volume(Filters(NOVEMBER), NOW)
    assert volume.total == 7
    assert dict(queries.volume(Filters(gregorian_period(date(2026, 10, 1), date(2026, 12, 31))),
                               NOW).by(0)) == {"2026-10": 2, "2026-11": 7}
    found = queries.times(Filters(NOVEMBER), now=NOW)
    assert found.tickets == 7
    assert (found.first_response_met, found.first_response_missed) == (1, 2)
    assert (found.resolution_met, found.resolution_missed) == (1, 1)
    # Exact: 5 h and 48 h; from the buckets, within a factor 2^(1/3).
    assert 5 / BUCKET_RATIO <= found.first_response_median / 3600 <= 5 * BUCKET_RATIO
    assert 48 / BUCKET_RATIO <= found.resolution_median / 3600 <= 48 * BUCKET_RATIO
    satisfaction = queries.satisfaction(Filters(NOVEMBER), NOW)
    assert satisfaction.distribution == {1: 0, 2: 1, 3: 1, 4: 1, 5: 1}
    assert (satisfaction.closed_tickets, satisfaction.rated_closed_tickets) == (5, 4)


def test_small_sets_stay_exact_under_the_default_threshold(app, world):  # noqa: F811
    rollup.rebuild(now=NOW)
    assert app.config.get("REPORTS_ROLLUP_MIN_TICKETS", rollup.DEFAULT_MIN_TICKETS) == 20_000
    assert rollup.split(Filters(NOVEMBER), NOW).rolled is None
    assert queries.times(Filters(NOVEMBER), now=NOW).resolution_median == 48 * 3600


def all_rows():
    columns = [column for column in report_days.c if column.name != "id"]
    return sorted((tuple(row) for row in db.session.execute(select(*columns))), key=repr)


def test_rebuilding_is_idempotent(rolled_up):
    first = all_rows()
    days = db.session.scalar(select(func.count()).select_from(report_rollup_days))
    assert first and days == (date(2026, 11, 30) - date(2026, 10, 1)).days + 1
    rollup.rebuild(now=NOW)
    assert all_rows() == first
    rollup.rebuild_days([date(2026, 11, 20), date(2026, 11, 3)], now=NOW)
    assert all_rows() == first
    assert db.session.scalar(select(func.count()).select_from(report_rollup_days)) == days


def test_the_rebuild_command_rolls_up_past_days(app, world):  # noqa: F811
    result = app.test_cli_runner().invoke(args=["helpdesk", "reports", "rebuild", "--days", "3"])
    assert result.exit_code == 0, result.output
    assert "3" in result.output
    assert db.session.scalar(select(func.count()).select_from(report_rollup_days)) == 3


def test_a_late_change_is_picked_up_by_the_refresh(rolled_up, make_user):
    hand_built = rolled_up
    now = utcnow()
    november = gregorian_period(date(2026, 11, 1), date(2026, 11, 30))
    assert sum(rollup.times(Filters(NOVEMBER), november).resolution) == 4
    # t4, received on 20 November and still open, is resolved and closed now.
    manager = make_user("manager")
    resolve(hand_built.tickets["t4"].id, actor=manager, expected_version=None)
    close(hand_built.tickets["t4"].id, actor=manager, expected_version=None,
          resolution_code="answered", resolution_note="تمت الإجابة")
    # Until the refresh, the rolled-up November does not know it.
    assert sum(rollup.times(Filters(NOVEMBER), november).resolution) == 4
    assert rollup.refresh(now=now) >= 1
    assert sum(rollup.times(Filters(NOVEMBER), november).resolution) == 5
    assert_same_figures(Filters(NOVEMBER), now)
    # Nothing changed since: the next pass rebuilds yesterday only.
    assert rollup.refresh(now=now) == 1


def test_a_ticket_reopened_leaves_the_day_it_was_closed(rolled_up, make_user):
    hand_built = rolled_up
    now = utcnow()
    assert queries.satisfaction(Filters(NOVEMBER), now).closed_tickets == 5
    # t1 was closed on 3 November (and rated); reopened now, it is closed no more.
    reopen(hand_built.tickets["t1"].id, actor=make_user("manager"), expected_version=None,
           reason="لم تصل السلة بعد")
    rollup.refresh(now=now)
    found = queries.satisfaction(Filters(NOVEMBER), now)
    assert (found.closed_tickets, found.rated_closed_tickets) == (4, 3)
    assert_same_figures(Filters(NOVEMBER), now)


def test_a_day_not_rebuilt_since_it_ended_is_read_live(app, world):  # noqa: F811
    app.config["REPORTS_ROLLUP_MIN_TICKETS"] = 0
    # Built on 30 November at 03:00 UTC: that day had not ended.
    rollup.rebuild(now=at(11, 30, 3))
    assert rollup.split(Filters(NOVEMBER), NOW).rolled is None
    assert rollup.split(Filters(gregorian_period(date(2026, 11, 1), date(2026, 11, 29))),
                        NOW).rolled is not None


def test_the_worker_refreshes_the_rollup(app, world):  # noqa: F811
    def rolled_days():
        return db.session.scalar(select(func.count()).select_from(report_rollup_days))

    assert rolled_days() == 0
    with running_worker(app) as tasks:
        tasks.refresh_reports()
        # The first pass rolls up the last 35 days.
        wait_for(lambda: rolled_days() == 35, "the worker to roll up the last days")
