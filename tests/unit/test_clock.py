"""The clock every service reads: the wall clock, or a simulated moment inside a block."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from helpdesk import clock
from helpdesk.db_types import utcnow
from helpdesk.i18n.dates import relative_time
from helpdesk.services_catalog.rules import ELIGIBLE, NOT_ELIGIBLE, evaluate
from helpdesk.services_catalog.schema import parse_definition


def test_utcnow_is_the_wall_clock_outside_a_simulation():
    before = datetime.now(UTC)
    assert before <= utcnow() <= datetime.now(UTC)


def test_utcnow_follows_the_simulated_clock_and_returns_to_the_wall_clock_after():
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    with clock.simulated_time(start) as simulated:
        assert utcnow() == start
        simulated.advance(timedelta(hours=5))
        assert utcnow() == start + timedelta(hours=5)
        simulated.set(datetime(2026, 4, 2, tzinfo=UTC))
        assert utcnow() == datetime(2026, 4, 2, tzinfo=UTC)
    assert abs(utcnow() - datetime.now(UTC)) < timedelta(seconds=5)


def test_a_simulated_time_never_reaches_another_thread():
    seen = []
    with clock.simulated_time(datetime(2001, 1, 1, tzinfo=UTC)):
        thread = threading.Thread(target=lambda: seen.append(utcnow()))
        thread.start()
        thread.join()
        assert utcnow().year == 2001
    assert seen[0].year != 2001


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError):
        with clock.simulated_time(datetime(2026, 1, 1)):
            pass


def test_eligibility_and_relative_times_read_the_simulated_day():
    # The services that read the wall clock directly would see 2026 here, not 2040.
    definition, errors = parse_definition([{
        "name": "birth_date", "type": "date", "label_ar": "تاريخ الميلاد",
        "label_en": "Date of birth", "required": True}], [],
        [{"type": "between", "field": "birth_date", "min": 18, "max": 45}])
    assert errors == {}
    born = {"birth_date": "2030-01-01"}  # a child today, 10 in 2040
    with clock.simulated_time(datetime(2060, 6, 1, 9, tzinfo=UTC)):
        assert evaluate(definition.rules, born, None).status == ELIGIBLE  # 30 in 2060
        assert relative_time(datetime(2060, 5, 31, 9, tzinfo=UTC), "en") == "1 day ago"
    with clock.simulated_time(datetime(2040, 6, 1, tzinfo=UTC)):
        assert evaluate(definition.rules, born, None).status == NOT_ELIGIBLE
