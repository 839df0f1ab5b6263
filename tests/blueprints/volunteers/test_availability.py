"""Availability rules: weekly time ranges inside the day, no overlaps, dated ranges."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import factories
from webapp.blueprints.volunteers import availability
from webapp.blueprints.volunteers.services import RuleError

pytestmark = pytest.mark.usefixtures("english_request")


@given(st.integers(0, 24 * 60), st.integers(0, 24 * 60))
def test_time_range_is_accepted_exactly_inside_the_day_with_end_after_start(_app, start, end):
    with _app.test_request_context(headers={"Accept-Language": "en"}):
        reason = availability.check_time_range(start, end)
    accepted = availability.DAY_START <= start < end <= availability.DAY_END
    assert (reason is None) == accepted


ranges = st.lists(
    st.tuples(st.integers(0, 100), st.integers(1, 20)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=6,
)


@given(ranges, st.integers(0, 100), st.integers(1, 20))
def test_overlap_finder_agrees_with_a_minute_by_minute_check(existing, start, length):
    end = start + length
    clash = availability.overlapping(existing, start, end)
    brute = [r for r in existing if set(range(*r)) & set(range(start, end))]
    assert (clash is not None) == bool(brute)
    if clash is not None:
        assert clash in brute


def test_weekly_slot_outside_the_day_is_refused(app):
    volunteer = factories.volunteer()
    with pytest.raises(RuleError) as error:
        availability.add_weekly_slot(volunteer, 0, 5 * 60, 8 * 60)
    assert error.value.field == "start"
    with pytest.raises(RuleError) as error:
        availability.add_weekly_slot(volunteer, 0, 20 * 60, 22 * 60 + 30)
    assert "22:00" in error.value.message


def test_weekly_slot_must_end_after_it_starts(app):
    volunteer = factories.volunteer()
    with pytest.raises(RuleError) as error:
        availability.add_weekly_slot(volunteer, 2, 10 * 60, 10 * 60)
    assert error.value.field == "end"


def test_overlapping_weekly_slots_on_the_same_day_are_refused_but_other_days_are_fine(app):
    volunteer = factories.volunteer()
    availability.add_weekly_slot(volunteer, 1, 16 * 60, 18 * 60)
    with pytest.raises(RuleError) as error:
        availability.add_weekly_slot(volunteer, 1, 17 * 60, 19 * 60)
    assert "16:00" in error.value.message
    availability.add_weekly_slot(volunteer, 1, 18 * 60, 19 * 60)  # touching is not overlapping
    availability.add_weekly_slot(volunteer, 2, 17 * 60, 19 * 60)
    assert len(volunteer.weekly_availability) == 3


def test_date_ranges_of_the_same_kind_may_not_overlap_but_away_may_lie_inside_available(app):
    volunteer = factories.volunteer()
    availability.add_date_range(volunteer, "available", date(2026, 7, 1), date(2026, 8, 15))
    availability.add_date_range(volunteer, "away", date(2026, 7, 10), date(2026, 7, 12))
    with pytest.raises(RuleError):
        availability.add_date_range(volunteer, "available", date(2026, 8, 15), date(2026, 8, 20))
    with pytest.raises(RuleError) as error:
        availability.add_date_range(volunteer, "away", date(2026, 7, 5), date(2026, 7, 1))
    assert error.value.field == "ends_on"
