"""Changes to a booking: approval, declining, cancelling and moving, called as the views call them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.blueprints.homes.helpers import at, count, next_monday, request_for
from webapp.blueprints.homes import booking, booking_changes
from webapp.blueprints.homes.booking import BookingError
from webapp.extensions import db
from webapp.models import OutboxMessage


def test_approval_rechecks_clashes(home, manager, committed):
    room = home.rooms[0]
    requested = factories.booking(
        room, at(next_monday(), "16:00"), at(next_monday(), "17:00"), status="requested"
    )
    taken = factories.booking(room, at(next_monday(), "16:30"), at(next_monday(), "17:30"))
    with pytest.raises(BookingError) as info:
        committed(booking_changes.approve, requested, manager)
    assert info.value.status == 409
    assert f"#{taken.id}" in info.value.message
    db.session.refresh(requested)
    assert requested.status == "requested"


def test_approval_confirms_and_notifies_the_organiser(home, manager, committed):
    organiser = factories.user(roles=("coordinator",))
    requested = factories.booking(
        home.rooms[0],
        at(next_monday(), "16:00"),
        at(next_monday(), "17:00"),
        status="requested",
        organiser=organiser,
    )
    committed(booking_changes.approve, requested, manager)
    assert requested.status == "confirmed"
    message = db.session.scalar(select(OutboxMessage))
    assert (message.to_address, message.related_type, message.related_id, message.status) == (
        organiser.email,
        "occurrence",
        requested.id,
        "pending",
    )


def test_second_approval_of_the_same_booking_gets_409(home, manager, committed):
    requested = factories.booking(
        home.rooms[0], at(next_monday(), "16:00"), at(next_monday(), "17:00"), status="requested"
    )
    committed(booking_changes.approve, requested, manager)
    with pytest.raises(BookingError) as info:
        committed(booking_changes.approve, requested, manager)
    assert info.value.status == 409


def test_decline_keeps_the_room_free(home, manager, committed):
    requested = factories.booking(
        home.rooms[0], at(next_monday(), "16:00"), at(next_monday(), "17:00"), status="requested"
    )
    committed(booking_changes.decline, requested, manager, "房间另有安排")
    assert requested.status == "declined"
    committed(booking.book, request_for(home.rooms[0], next_monday()), manager)


def test_one_date_of_a_series_can_be_moved_alone(home, manager, committed):
    event = committed(
        booking.book, request_for(home.rooms[0], next_monday(), weekdays=(0,), count=3), manager
    )
    second = event.occurrences[1]
    new_day = next_monday() + timedelta(days=8)
    committed(booking_changes.move, second, new_day, 10 * 60, 11 * 60, manager)
    assert second.starts_at == at(new_day, "10:00")
    assert second.sequence == 1
    assert event.occurrences[0].starts_at == at(next_monday(), "16:00")


def test_moving_onto_another_booking_gets_409(home, manager, committed):
    event = committed(booking.book, request_for(home.rooms[0], next_monday()), manager)
    other = factories.booking(home.rooms[0], at(next_monday(), "10:00"), at(next_monday(), "11:00"))
    with pytest.raises(BookingError) as info:
        committed(
            booking_changes.move,
            event.occurrences[0],
            next_monday(),
            10 * 60 + 30,
            11 * 60 + 30,
            manager,
        )
    assert info.value.status == 409 and f"#{other.id}" in info.value.message


def test_moving_a_booking_within_its_own_time_is_not_a_clash(home, manager, committed):
    event = committed(booking.book, request_for(home.rooms[0], next_monday()), manager)
    committed(
        booking_changes.move,
        event.occurrences[0],
        next_monday(),
        16 * 60 + 30,
        17 * 60 + 30,
        manager,
    )


def test_one_date_can_be_cancelled_alone_and_frees_the_room(home, manager, committed):
    event = committed(
        booking.book, request_for(home.rooms[0], next_monday(), weekdays=(0,), count=2), manager
    )
    committed(booking_changes.cancel, event.occurrences[0], manager)
    assert [o.status for o in event.occurrences] == ["cancelled", "confirmed"]
    committed(booking.book, request_for(home.rooms[0], next_monday()), manager)


def test_cancelling_a_series_cancels_its_coming_dates_and_tells_the_organiser(
    home, manager, committed
):
    organiser = factories.user(roles=("coordinator",))
    event = committed(
        booking.book, request_for(home.rooms[0], next_monday(), weekdays=(0,), count=3), organiser
    )
    cancelled = committed(booking_changes.cancel_series, event, manager, "学期结束")
    assert len(cancelled) == 3
    assert count(OutboxMessage) == 1


def test_requested_bookings_may_overlap_each_other_until_one_is_approved(home, manager, committed):
    room = home.rooms[0]
    a = factories.booking(
        room, at(next_monday(), "16:00"), at(next_monday(), "17:00"), status="requested"
    )
    b = factories.booking(
        room, at(next_monday(), "16:00"), at(next_monday(), "17:00"), status="requested"
    )
    committed(booking_changes.approve, a, manager)
    with pytest.raises(BookingError):
        committed(booking_changes.approve, b, manager)


def test_approval_of_a_request_that_now_falls_into_a_closure_gets_409(home, manager, committed):
    requested = factories.booking(
        home.rooms[0], at(next_monday(), "16:00"), at(next_monday(), "17:00"), status="requested"
    )
    factories.closure(home, next_monday(), next_monday(), "消防检查")
    with pytest.raises(BookingError) as info:
        committed(booking_changes.approve, requested, manager)
    assert info.value.status == 409 and "消防检查" in info.value.message
