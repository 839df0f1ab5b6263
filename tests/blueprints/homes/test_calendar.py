from datetime import UTC, datetime, timedelta

from tests import factories
from tests.blueprints.homes.helpers import at, next_monday
from webapp.blueprints.homes import calendar


def test_week_has_rooms_as_columns_and_opening_hours_as_rows(app):
    home = factories.home(rooms=("activity", "library"))
    factories.opening_hours(home, (1,), "16:00", "18:30")
    view = calendar.week(home, next_monday() + timedelta(days=3))
    assert view.start == next_monday()
    tuesday = view.days[1]
    assert [row.minute for row in tuesday.rows] == [16 * 60, 17 * 60, 18 * 60]
    assert [c.room.kind for c in tuesday.rows[0].cells] == ["activity", "library"]
    assert view.days[0].closed == "closed" and not view.days[0].rows
    last = tuesday.rows[-1].cells[0]
    assert (last.book_start, last.book_end) == (18 * 60, 18 * 60 + 30)


def test_week_cells_hold_overlapping_bookings_and_offer_free_ones(app):
    home = factories.home()
    day = next_monday()
    held = factories.booking(home.rooms[0], at(day, "09:30"), at(day, "11:00"))
    monday = calendar.week(home, day).days[0]
    cells = {row.minute: row.cells[0] for row in monday.rows}
    assert cells[9 * 60].occurrences == [held] and cells[10 * 60].occurrences == [held]
    assert cells[9 * 60].book_start is None
    assert cells[11 * 60].book_start == 11 * 60


def test_past_cells_offer_no_booking(app):
    home = factories.home()
    day = next_monday()
    view = calendar.week(home, day, now=datetime(2100, 1, 1, tzinfo=UTC))
    assert all(c.book_start is None for row in view.days[0].rows for c in row.cells)


def test_closure_closes_the_day_in_the_week(app):
    home = factories.home()
    factories.closure(home, next_monday(), next_monday(), "国庆")
    assert calendar.week(home, next_monday()).days[0].closed == "国庆"


def test_month_grid_spans_whole_weeks(app):
    home = factories.home()
    day = next_monday()
    factories.booking(home.rooms[0], at(day, "10:00"), at(day, "11:00"))
    view = calendar.month(home, day)
    assert all(len(week) == 7 for week in view.weeks)
    assert view.weeks[0][0].day.weekday() == 0
    cell = next(c for week in view.weeks for c in week if c.day == day)
    assert len(cell.occurrences) == 1


def test_week_cells_hold_their_own_rooms_bookings_and_a_room_closure_closes_that_room_only(app):
    home = factories.home(rooms=("activity", "library", "video"))
    day = next_monday()
    activity, library, video = home.rooms
    in_library = factories.booking(library, at(day, "10:00"), at(day, "11:00"))
    in_activity = factories.booking(activity, at(day, "10:30"), at(day, "12:00"))
    factories.closure(home, day, day, "刷墙", room=video)
    view = calendar.week(home, day)
    assert [room.kind for room in view.rooms] == ["activity", "library", "video"]
    cells = {row.minute: row.cells for row in view.days[0].rows}
    assert [c.occurrences for c in cells[10 * 60]] == [[in_activity], [in_library], []]
    assert [c.occurrences for c in cells[11 * 60]] == [[in_activity], [], []]
    assert [c.closed for c in cells[10 * 60]] == [None, None, "刷墙"]
    assert cells[11 * 60][1].book_start == 11 * 60 and cells[11 * 60][2].book_start is None
    assert all(c.closed is None for row in view.days[1].rows for c in row.cells)
