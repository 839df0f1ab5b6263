"""Property: whatever bookings, approvals and moves arrive, confirmed occurrences of one room
never overlap (and back-to-back is the closest they come)."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from tests import factories
from tests.blueprints.homes.helpers import next_monday
from webapp.blueprints.homes import booking, booking_changes
from webapp.blueprints.homes.booking import BookingError, BookingRequest
from webapp.extensions import db
from webapp.models import Event, Occurrence

bookings = st.tuples(
    st.integers(min_value=0, max_value=1),  # room index (room 1 needs approval from others)
    st.integers(min_value=0, max_value=13),  # day offset
    st.integers(min_value=8 * 4, max_value=19 * 4),  # start, in quarter hours
    st.integers(min_value=1, max_value=12),  # length, in quarter hours
    st.booleans(),  # weekly for 3 weeks?
    st.booleans(),  # booked by the coordinator (a request in room 1)?
)
moves = st.tuples(
    st.integers(min_value=0, max_value=50),  # which occurrence
    st.integers(min_value=0, max_value=13),
    st.integers(min_value=8 * 4, max_value=19 * 4),
    st.integers(min_value=1, max_value=8),
)


def _attempt(fn, *args) -> None:
    try:
        fn(*args)
        db.session.commit()
    except BookingError:
        db.session.rollback()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(bookings, min_size=1, max_size=12),
    st.lists(moves, max_size=6),
    st.randoms(use_true_random=False),
)
def test_random_bookings_approvals_and_moves_never_overlap_in_one_room(
    home, manager, attempts, moved, rnd
):
    db.session.execute(delete(Occurrence))
    db.session.execute(delete(Event))
    home.rooms[1].requires_approval = True
    db.session.commit()
    coordinator = factories.user(roles=("coordinator",))
    monday = next_monday()
    for room_index, offset, start_q, length_q, weekly, by_coordinator in attempts:
        day = monday + timedelta(days=offset)
        start = start_q * 15
        req = BookingRequest(
            room=home.rooms[room_index],
            title="随机",
            kind="activity",
            first_date=day,
            start_minute=start,
            end_minute=min(start + length_q * 15, 20 * 60),
            capacity=1,
            weekdays=(day.weekday(),) if weekly else (),
            count=3 if weekly else None,
        )
        _attempt(booking.book, req, coordinator if by_coordinator else manager)

    requested = list(db.session.scalars(select(Occurrence).where(Occurrence.status == "requested")))
    rnd.shuffle(requested)
    for occurrence in requested:
        _attempt(booking_changes.approve, occurrence, manager)

    everything = list(db.session.scalars(select(Occurrence).order_by(Occurrence.id)))
    for index, offset, start_q, length_q in moved:
        if everything:
            target = everything[index % len(everything)]
            start = start_q * 15
            _attempt(
                booking_changes.move,
                target,
                monday + timedelta(days=offset),
                start,
                min(start + length_q * 15, 20 * 60),
                manager,
            )

    confirmed = list(
        db.session.scalars(
            select(Occurrence)
            .where(Occurrence.status == "confirmed")
            .order_by(Occurrence.room_id, Occurrence.starts_at)
        )
    )
    for before, after in zip(confirmed, confirmed[1:], strict=False):
        if before.room_id == after.room_id:
            assert before.ends_at <= after.starts_at, (before, after)
