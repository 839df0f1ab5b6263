"""When a home is open: local times, opening-hours timetables and closures."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from webapp import clock, inputs
from webapp.models import Closure, Home, OpeningHours

WEEKDAY_CODES = range(7)


def zone(home: Home) -> ZoneInfo:
    """The home's zone; China time when it has none we know (the form only accepts known ones)."""
    try:
        return inputs.zone(home.timezone) if home.timezone else clock.CHINA
    except ValueError:
        return clock.CHINA


def to_utc(home: Home, day: date, minute: int) -> datetime:
    """The UTC instant of a local date and minute of the day (1440 = the next midnight)."""
    wall = datetime.combine(day, time(0)) + timedelta(minutes=minute)
    return wall.replace(tzinfo=zone(home)).astimezone(UTC)


def to_local(home: Home, moment: datetime) -> datetime:
    return moment.astimezone(zone(home))


def to_local_today(home: Home | None = None) -> date:
    """Today's date where the home is (Asia/Shanghai when no home is given)."""
    if home is None:
        return clock.today()
    return clock.utcnow().astimezone(zone(home)).date()


def local_day_bounds(home: Home, first: date, last: date) -> tuple[datetime, datetime]:
    """UTC instants from local midnight of `first` to local midnight after `last`."""
    return to_utc(home, first, 0), to_utc(home, last + timedelta(days=1), 0)


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def timetable_for(home: Home, day: date) -> list[OpeningHours]:
    """The rows of the timetable that applies on `day` (all weekdays).

    Several timetables may cover a date (a term timetable without end and a summer one); the one
    whose validity starts latest wins, so the summer timetable replaces the term one.
    """
    covering = [row for row in home.opening_hours if row.covers(day)]
    if not covering:
        return []
    latest = max(row.valid_from or date.min for row in covering)
    return [row for row in covering if (row.valid_from or date.min) == latest]


def hours_on(home: Home, day: date) -> list[tuple[int, int]]:
    """Opening periods (start, end minutes) on `day`; None-like empty when closed."""
    rows = [row for row in timetable_for(home, day) if row.weekday == day.weekday()]
    return sorted((row.start_minute, row.end_minute) for row in rows)


def has_opening_hours(home: Home) -> bool:
    return bool(home.opening_hours)


def opening_problem(home: Home, day: date, start_minute: int, end_minute: int) -> str | None:
    """Why a booking from start to end on `day` lies outside opening hours, or None.

    A home without any opening hours recorded takes bookings at any time.
    """
    if not has_opening_hours(home):
        return None
    periods = hours_on(home, day)
    if not periods:
        return _(
            "The home is closed on %(date)s (no opening hours that day).", date=day.isoformat()
        )
    if any(start <= start_minute and end_minute <= end for start, end in periods):
        return None
    return _(
        "Outside opening hours: on %(date)s the home is open %(hours)s.",
        date=day.isoformat(),
        hours=", ".join(f"{hhmm(s)}–{hhmm(e)}" for s, e in periods),
    )


def closure_on(home: Home, day: date, room_id: int | None = None) -> Closure | None:
    for closure in home.closures:
        if closure.covers(day, room_id) and (closure.room_id is None or closure.room_id == room_id):
            return closure
    return None


def closure_problem(home: Home, day: date, room_id: int) -> str | None:
    closure = closure_on(home, day, room_id)
    if closure is None:
        return None
    return _(
        "Closed from %(start)s to %(end)s: %(reason)s",
        start=closure.starts_on.isoformat(),
        end=closure.ends_on.isoformat(),
        reason=closure.reason,
    )
