"""Dates and times for homes tests: always in the future, in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from webapp.clock import CHINA, today

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
