"""Opening hours grouped into timetables, and the rules for adding them."""

from datetime import date

import pytest

from tests import factories
from webapp.blueprints.homes import opening_hours
from webapp.blueprints.homes.booking import BookingError


def test_timetables_group_rows_by_validity(home):
    factories.opening_hours(
        home, (0,), "09:00", "12:00", date(2027, 7, 1), date(2027, 8, 31), "暑期"
    )
    tables = opening_hours.timetables(home)
    assert [t.label for t in tables] == ["", "暑期"]
    assert [r.start_minute for r in tables[1].on(0)] == [9 * 60]


def test_overlapping_hours_in_one_timetable_are_refused_with_the_day_named(app):
    home = factories.home()
    opening_hours.add_opening_hours(home, [2], 14 * 60, 18 * 60, None, None)
    with pytest.raises(BookingError) as refused:
        opening_hours.add_opening_hours(home, [2], 17 * 60, 19 * 60, None, None)
    assert refused.value.status == 409 and "Wednesday" in refused.value.message
    summer = opening_hours.add_opening_hours(home, [2], 17 * 60, 19 * 60, date(2027, 7, 1), None)
    assert len(summer) == 1  # another timetable may overlap
