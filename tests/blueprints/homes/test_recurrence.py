from datetime import date, timedelta

import pytest

from webapp.blueprints.homes.recurrence import MAX_OCCURRENCES, RecurrenceError, expand

MONDAY = date(2027, 3, 1)


def test_one_off_is_just_its_date():
    assert expand(MONDAY) == [MONDAY]


def test_weekly_on_two_weekdays_for_n_times():
    assert expand(MONDAY, [1, 3], count=4) == [
        date(2027, 3, 2),
        date(2027, 3, 4),
        date(2027, 3, 9),
        date(2027, 3, 11),
    ]


def test_every_second_week_until_a_date_includes_the_end_date():
    days = expand(MONDAY, [0], interval_weeks=2, until=date(2027, 3, 29))
    assert days == [date(2027, 3, 1), date(2027, 3, 15), date(2027, 3, 29)]


def test_weekdays_before_the_first_date_in_its_week_are_skipped():
    wednesday = MONDAY + timedelta(days=2)
    assert expand(wednesday, [0, 4], count=3) == [
        date(2027, 3, 5),
        date(2027, 3, 8),
        date(2027, 3, 12),
    ]


def test_series_needs_an_end():
    with pytest.raises(RecurrenceError):
        expand(MONDAY, [0])


def test_until_before_first_date_is_refused():
    with pytest.raises(RecurrenceError):
        expand(MONDAY, [0], until=MONDAY - timedelta(days=1))


def test_open_ended_rule_stops_at_the_limit():
    assert len(expand(MONDAY, [0, 1, 2], until=date(2040, 1, 1))) == MAX_OCCURRENCES
