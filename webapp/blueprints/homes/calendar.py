"""Calendar grids: a week per home (rooms as columns, hours as rows), a month, and a day list."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import joinedload

from webapp.blueprints.homes import availability as av
from webapp.extensions import db
from webapp.models import Home, Occurrence, Room
from webapp.models.base import utcnow
from webapp.models.events import ACTIVE_STATUSES

DEFAULT_HOURS = (8 * 60, 20 * 60)


@dataclass
class Cell:
    room: Room
    occurrences: list[Occurrence]
    # Pre-filled booking times (minutes) when the cell is free and can be booked.
    book_start: int | None = None
    book_end: int | None = None
    closed: str | None = None


@dataclass
class HourRow:
    minute: int
    cells: list[Cell]


@dataclass
class DayBlock:
    day: date
    closed: str | None
    rows: list[HourRow] = field(default_factory=list)


@dataclass
class WeekView:
    home: Home
    rooms: list[Room]
    start: date
    days: list[DayBlock]

    @property
    def previous(self) -> date:
        return self.start - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.start + timedelta(days=7)

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def occurrences_between(home: Home, first: date, last: date) -> list[Occurrence]:
    start, end = av.local_day_bounds(home, first, last)
    return list(
        db.session.scalars(
            select(Occurrence)
            .join(Room, Room.id == Occurrence.room_id)
            .where(
                Room.home_id == home.id,
                Occurrence.status.in_(ACTIVE_STATUSES),
                Occurrence.starts_at < end,
                Occurrence.ends_at > start,
            )
            # Every cell shows its event's title: load them with the occurrences, not one by one.
            .options(joinedload(Occurrence.event))
            .order_by(Occurrence.starts_at, Occurrence.id)
        )
    )


# The week view's rooms and their bookings: built once (building it cost more than running it).
_ROOMS_WITH_OCCURRENCES = (
    select(Room, Occurrence)
    .outerjoin(
        Occurrence,
        and_(
            Occurrence.room_id == Room.id,
            Occurrence.status.in_(ACTIVE_STATUSES),
            Occurrence.starts_at < bindparam("end"),
            Occurrence.ends_at > bindparam("start"),
        ),
    )
    .where(Room.home_id == bindparam("home_id"))
    .options(joinedload(Occurrence.event))
    .order_by(Room.id, Occurrence.starts_at, Occurrence.id)
)


def _rooms_with_occurrences(
    home: Home, first: date, last: date
) -> list[tuple[Room, list[Occurrence]]]:
    """The home's rooms (in id order), each with its occurrences between the local dates, from
    one statement (the week view's rooms and bookings; a room without bookings comes too)."""
    start, end = av.local_day_bounds(home, first, last)
    rows = db.session.execute(
        _ROOMS_WITH_OCCURRENCES, {"home_id": home.id, "start": start, "end": end}
    )
    by_room: dict[int, tuple[Room, list[Occurrence]]] = {}
    for room, occurrence in rows:
        _room, occurrences = by_room.setdefault(room.id, (room, []))
        if occurrence is not None:
            occurrences.append(occurrence)
    return list(by_room.values())


def _hours(home: Home, day: date) -> list[tuple[int, int]]:
    if not av.has_opening_hours(home):
        return [DEFAULT_HOURS]
    return av.hours_on(home, day)


def week(home: Home, any_day: date, now: datetime | None = None) -> WeekView:
    now = now or utcnow()
    start = week_start(any_day)
    rooms_with = _rooms_with_occurrences(home, start, start + timedelta(days=6))
    rooms = [room for room, _occurrences in rooms_with]
    days = []
    for offset in range(7):
        day = start + timedelta(days=offset)
        closure = av.closure_on(home, day)
        if closure is not None:
            days.append(DayBlock(day, closure.reason))
            continue
        periods = _hours(home, day)
        if not periods:
            days.append(DayBlock(day, "closed"))
            continue
        block = DayBlock(day, None)
        first = min(s for s, _ in periods) // 60 * 60
        last = max(e for _, e in periods)
        room_closures = [av.closure_on(home, day, room.id) for room in rooms]
        for minute in range(first, last, 60):
            row = HourRow(minute, [])
            slot_start = av.to_utc(home, day, minute)
            slot_end = av.to_utc(home, day, minute + 60)
            for (room, occurrences), room_closure in zip(rooms_with, room_closures, strict=True):
                inside = [
                    o for o in occurrences if o.starts_at < slot_end and o.ends_at > slot_start
                ]
                cell = Cell(room, inside)
                if room_closure is not None:
                    cell.closed = room_closure.reason
                elif not inside and room.bookable:
                    for s, e in periods:
                        begin, finish = max(s, minute), min(e, minute + 60)
                        if begin < finish and av.to_utc(home, day, begin) > now:
                            cell.book_start, cell.book_end = begin, finish
                            break
                row.cells.append(cell)
            block.rows.append(row)
        days.append(block)
    return WeekView(home, rooms, start, days)


@dataclass
class MonthDay:
    day: date
    in_month: bool
    occurrences: list[Occurrence]
    closed: str | None


@dataclass
class MonthView:
    home: Home
    first: date
    weeks: list[list[MonthDay]]

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)


def month(home: Home, any_day: date) -> MonthView:
    first = any_day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    grid_start = week_start(first)
    grid_end = week_start(last) + timedelta(days=6)
    by_day: dict[date, list[Occurrence]] = defaultdict(list)
    for occurrence in occurrences_between(home, grid_start, grid_end):
        by_day[av.to_local(home, occurrence.starts_at).date()].append(occurrence)
    weeks, day = [], grid_start
    while day <= grid_end:
        row = []
        for _ in range(7):
            closure = av.closure_on(home, day)
            row.append(
                MonthDay(
                    day,
                    day.month == first.month,
                    by_day.get(day, []),
                    closure.reason if closure else None,
                )
            )
            day += timedelta(days=1)
        weeks.append(row)
    return MonthView(home, first, weeks)


def agenda(home: Home, first: date, days: int = 14) -> list[tuple[date, list[Occurrence]]]:
    """Occurrences day by day, for the phone-sized list view."""
    by_day: dict[date, list[Occurrence]] = defaultdict(list)
    for occurrence in occurrences_between(home, first, first + timedelta(days=days - 1)):
        by_day[av.to_local(home, occurrence.starts_at).date()].append(occurrence)
    return sorted(by_day.items())
