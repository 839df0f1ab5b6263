"""Property: whatever bookings arrive, confirmed occurrences of one room never overlap."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from tests.blueprints.homes.helpers import next_monday
from webapp.blueprints.homes import booking
from webapp.blueprints.homes.booking import BookingError, BookingRequest
from webapp.extensions import db
from webapp.models import Event, Occurrence

slots = st.tuples(
    st.integers(min_value=0, max_value=1),  # room index
    st.integers(min_value=0, max_value=13),  # day offset
    st.integers(min_value=8 * 4, max_value=19 * 4),  # start, in quarter hours
    st.integers(min_value=1, max_value=12),  # length, in quarter hours
    st.booleans(),  # weekly for 3 weeks?
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(slots, min_size=1, max_size=12))
def test_random_bookings_never_overlap_in_one_room(home, manager, attempts):
    db.session.execute(delete(Occurrence))
    db.session.execute(delete(Event))
    db.session.commit()
    monday = next_monday()
    for room_index, offset, start_q, length_q, weekly in attempts:
        start = start_q * 15
        end = min(start + length_q * 15, 20 * 60)
        req = BookingRequest(
            room=home.rooms[room_index],
            title="随机",
            kind="activity",
            first_date=monday + timedelta(days=offset),
            start_minute=start,
            end_minute=end,
            capacity=1,
            weekdays=((monday + timedelta(days=offset)).weekday(),) if weekly else (),
            count=3 if weekly else None,
        )
        try:
            booking.book(req, manager)
            db.session.commit()
        except BookingError:
            db.session.rollback()

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
