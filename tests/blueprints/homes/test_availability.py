from datetime import UTC, date, datetime

from tests import factories
from webapp.blueprints.homes import availability as av

MONDAY = date(2027, 3, 1)


def test_local_time_converts_to_utc_in_the_homes_zone(app):
    home = factories.home()
    assert av.to_utc(home, MONDAY, 16 * 60) == datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


def test_home_without_opening_hours_takes_bookings_any_time(app):
    home = factories.home()
    assert av.opening_problem(home, MONDAY, 6 * 60, 23 * 60) is None


def test_booking_inside_opening_hours_is_fine_and_outside_names_the_hours(app):
    home = factories.home()
    factories.opening_hours(home, (0,), "16:00", "18:30")
    assert av.opening_problem(home, MONDAY, 16 * 60, 18 * 60 + 30) is None
    reason = av.opening_problem(home, MONDAY, 18 * 60, 19 * 60)
    assert "16:00–18:30" in reason


def test_day_without_opening_hours_is_closed(app):
    home = factories.home()
    factories.opening_hours(home, (0,), "16:00", "18:30")
    assert av.opening_problem(home, MONDAY.replace(day=2), 16 * 60, 17 * 60) is not None


def test_summer_timetable_replaces_the_term_one_on_its_dates(app):
    home = factories.home()
    factories.opening_hours(home, (1, 3), "16:00", "18:00", label="term")
    factories.opening_hours(
        home, (0, 1, 2, 3, 4), "09:00", "17:00", date(2027, 7, 5), date(2027, 8, 25), "summer"
    )
    summer_tuesday = date(2027, 7, 6)
    term_tuesday = date(2027, 3, 2)
    assert av.hours_on(home, summer_tuesday) == [(9 * 60, 17 * 60)]
    assert av.hours_on(home, term_tuesday) == [(16 * 60, 18 * 60)]
    assert av.opening_problem(home, summer_tuesday, 10 * 60, 11 * 60) is None
    assert av.opening_problem(home, term_tuesday, 10 * 60, 11 * 60) is not None


def test_closure_of_the_home_or_of_one_room(app):
    home = factories.home(rooms=("activity", "library"))
    activity, library = home.rooms
    factories.closure(home, MONDAY, MONDAY, "清明节")
    factories.closure(home, date(2027, 3, 8), date(2027, 3, 9), "漏水维修", room=library)
    assert "清明节" in av.closure_problem(home, MONDAY, activity.id)
    assert av.closure_problem(home, date(2027, 3, 8), activity.id) is None
    assert "漏水维修" in av.closure_problem(home, date(2027, 3, 9), library.id)
