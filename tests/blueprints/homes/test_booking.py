"""The booking rules, called as the views call them (each call commits or rolls back)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories
from tests.blueprints.homes.helpers import at, count, next_monday, refused, request_for
from webapp.blueprints.homes import booking
from webapp.extensions import db
from webapp.models import CallSlot, Event, Occurrence


def test_one_off_booking_creates_a_confirmed_occurrence(home, manager, committed):
    event = committed(booking.book, request_for(home.rooms[0], next_monday()), manager)
    assert [o.status for o in event.occurrences] == ["confirmed"]
    assert event.occurrences[0].starts_at == at(next_monday(), "16:00")


def test_second_booking_of_same_slot_gets_409_naming_the_first(home, manager, committed):
    first = committed(booking.book, request_for(home.rooms[0], next_monday()), manager)
    error = refused(
        committed, request_for(home.rooms[0], next_monday(), 16 * 60 + 30, 18 * 60), manager
    )
    assert error.status == 409
    assert f"#{first.occurrences[0].id}" in error.message
    assert count(Occurrence) == 1


def test_back_to_back_bookings_are_allowed(home, manager, committed):
    committed(booking.book, request_for(home.rooms[0], next_monday(), 10 * 60, 11 * 60), manager)
    committed(booking.book, request_for(home.rooms[0], next_monday(), 11 * 60, 12 * 60), manager)
    assert count(Occurrence) == 2


def test_same_time_in_another_room_is_fine(home, manager, committed):
    committed(booking.book, request_for(home.rooms[0], next_monday()), manager)
    committed(booking.book, request_for(home.rooms[1], next_monday(), capacity=4), manager)
    assert count(Occurrence) == 2


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(17 * 60, 16 * 60, "end"), (16 * 60, 16 * 60, "end"), (7 * 60, 19 * 60 + 30, "end")],
    ids=["end-before-start", "zero-length", "longer-than-12h"],
)
def test_impossible_times_get_422_and_write_nothing(home, manager, committed, start, end, field):
    home.opening_hours.clear()
    db.session.commit()
    error = refused(committed, request_for(home.rooms[0], next_monday(), start, end), manager)
    assert (error.status, error.field) == (422, field)
    assert count(Event) == 0


def test_booking_in_the_past_is_refused_unless_a_manager_corrects_records(home, manager, committed):
    yesterday = next_monday(0) - timedelta(days=8)
    coordinator = factories.user(roles=("coordinator",))
    error = refused(committed, request_for(home.rooms[0], yesterday, correcting=True), coordinator)
    assert (error.status, error.field) == (422, "date")
    error = refused(committed, request_for(home.rooms[0], yesterday), manager)
    assert error.status == 422
    committed(booking.book, request_for(home.rooms[0], yesterday, correcting=True), manager)
    assert count(Occurrence) == 1


def test_outside_opening_hours_gets_409_with_the_hours(home, manager, committed):
    error = refused(committed, request_for(home.rooms[0], next_monday(), 19 * 60, 21 * 60), manager)
    assert error.status == 409
    assert "08:00–20:00" in error.message


def test_during_a_closure_gets_409_with_its_reason(home, manager, committed):
    factories.closure(home, next_monday(), next_monday(), "春节放假")
    error = refused(committed, request_for(home.rooms[0], next_monday()), manager)
    assert error.status == 409
    assert "春节放假" in error.message


def test_over_room_capacity_gets_422(home, manager, committed):
    error = refused(committed, request_for(home.rooms[1], next_monday(), capacity=30), manager)
    assert (error.status, error.field) == (422, "capacity")


def test_closed_room_takes_no_bookings(home, manager, committed):
    home.rooms[0].bookable = False
    db.session.commit()
    assert refused(committed, request_for(home.rooms[0], next_monday()), manager).status == 409


def test_weekly_series_materialises_one_occurrence_per_date(home, manager, committed):
    req = request_for(home.rooms[0], next_monday(), weekdays=(0, 2), count=6)
    event = committed(booking.book, req, manager)
    assert len(event.occurrences) == 6
    assert event.weekdays == "0,2"
    assert event.occurrences[1].starts_at - event.occurrences[0].starts_at == timedelta(days=2)


def test_series_with_clashes_lists_the_dates_and_can_skip_them(home, manager, committed):
    monday = next_monday()
    factories.booking(
        home.rooms[0],
        at(monday + timedelta(days=7), "16:00"),
        at(monday + timedelta(days=7), "17:00"),
        title="家长会",
    )
    factories.closure(home, monday + timedelta(days=14), monday + timedelta(days=14), "停电")
    req = request_for(home.rooms[0], monday, weekdays=(0,), count=4)
    error = refused(committed, req, manager)
    assert error.status == 409
    assert [p.day for p in error.problems] == [
        monday + timedelta(days=7),
        monday + timedelta(days=14),
    ]
    assert "家长会" in error.problems[0].reason and "停电" in error.problems[1].reason
    assert count(Occurrence) == 1

    req.skip_dates = frozenset(p.day for p in error.problems)
    event = committed(booking.book, req, manager)
    assert [o.starts_at for o in event.occurrences] == [
        at(monday, "16:00"),
        at(monday + timedelta(days=21), "16:00"),
    ]


def test_room_needing_approval_takes_requests_from_others(home, manager, committed):
    room = home.rooms[1]
    room.requires_approval = True
    db.session.commit()
    coordinator = factories.user(roles=("coordinator",))
    event = committed(booking.book, request_for(room, next_monday(), capacity=2), coordinator)
    assert event.occurrences[0].status == "requested"
    own = committed(
        booking.book, request_for(room, next_monday(), 9 * 60, 10 * 60, capacity=2), manager
    )
    assert own.occurrences[0].status == "confirmed"


def test_video_call_session_gets_child_slots(home, manager, committed):
    req = request_for(home.rooms[1], next_monday(), kind="video_call", capacity=4, slot_minutes=15)
    event = committed(booking.book, req, manager)
    assert len(event.occurrences[0].call_slots) == 4
    assert count(CallSlot) == 4


def test_needs_are_stored_with_the_event(home, manager, committed):
    skill = factories.skill("math")
    req = request_for(home.rooms[0], next_monday(), needs=[booking.NeedSpec(skill.id, 1, 2, True)])
    event = committed(booking.book, req, manager)
    assert [
        (n.skill.code, n.min_headcount, n.max_headcount, n.vetting_required) for n in event.needs
    ] == [("math", 1, 2, True)]
