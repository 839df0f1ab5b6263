"""Helpers for homes tests: dates and times (always in the future, in Asia/Shanghai) and bookings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from webapp.blueprints.homes import booking
from webapp.blueprints.homes.booking import BookingError, BookingRequest
from webapp.clock import CHINA, today
from webapp.extensions import db

SHANGHAI = CHINA


def next_monday(weeks_ahead: int = 1) -> date:
    day = today()
    return day + timedelta(days=7 - day.weekday()) + timedelta(weeks=weeks_ahead)


def at(day: date, hhmm: str) -> datetime:
    """An aware UTC datetime for a Shanghai wall-clock time."""
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=SHANGHAI).astimezone(UTC)


def booking_form(room_id: int, day: date, start: str, end: str, **extra) -> dict:
    data = {
        "room_id": str(room_id),
        "title": extra.pop("title", "数学辅导"),
        "kind": extra.pop("kind", "tutoring"),
        "capacity": str(extra.pop("capacity", 10)),
        "date": day.isoformat(),
        "start": start,
        "end": end,
        "interval_weeks": "1",
    }
    data.update({k: v for k, v in extra.items()})
    return data


def request_for(room, day, start=16 * 60, end=17 * 60, **fields) -> BookingRequest:
    fields.setdefault("title", "数学辅导")
    fields.setdefault("kind", "tutoring")
    fields.setdefault("capacity", 5)
    return BookingRequest(room=room, first_date=day, start_minute=start, end_minute=end, **fields)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def refused(committed, *args) -> BookingError:
    with pytest.raises(BookingError) as info:
        committed(booking.book, *args)
    return info.value
