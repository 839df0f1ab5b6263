"""Weekly times of a video-call rota in engine terms: the parents' free times and school
timetables of the children, the homes' opening hours (the duty manager is there), and the times
other weekly bookings hold a video-call room."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import ChildWeeklyTime, Event, OpeningHours, Programme, Room
from webapp.scheduling import TimeWindow


def weekly_times(child_ids: list[int]) -> dict[int, dict[str, list[TimeWindow]]]:
    out: dict[int, dict[str, list[TimeWindow]]] = {
        c: {"parents": [], "school": []} for c in child_ids
    }
    for row in db.session.scalars(
        select(ChildWeeklyTime).where(ChildWeeklyTime.child_id.in_(child_ids))
    ):
        out[row.child_id][row.kind].append(
            TimeWindow(row.weekday, row.start_minute, row.end_minute)
        )
    return out


def common(lists: list[list[TimeWindow]]) -> tuple[TimeWindow, ...]:
    """The times every list allows (lists that are empty say nothing and are skipped)."""
    given = [w for w in lists if w]
    if not given:
        return ()
    common = list(given[0])
    for other in given[1:]:
        common = [
            TimeWindow(a.weekday, max(a.start, b.start), min(a.end, b.end))
            for a in common
            for b in other
            if a.weekday == b.weekday and max(a.start, b.start) < min(a.end, b.end)
        ]
    return tuple(common)


# A home without any opening hours recorded takes bookings at any time (homes.availability).
ALL_WEEK = [TimeWindow(d, 0, 24 * 60) for d in range(7)]


def opening_hours(home_ids: list[int], programme: Programme) -> dict[int, list[TimeWindow]]:
    out: dict[int, list[TimeWindow]] = defaultdict(list)
    recorded = set()
    for row in db.session.scalars(select(OpeningHours).where(OpeningHours.home_id.in_(home_ids))):
        recorded.add(row.home_id)
        if row.valid_to is not None and row.valid_to < programme.starts_on:
            continue
        if row.valid_from is not None and row.valid_from > programme.ends_on:
            continue
        out[row.home_id].append(TimeWindow(row.weekday, row.start_minute, row.end_minute))
    for home_id in set(home_ids) - recorded:
        out[home_id] = list(ALL_WEEK)
    return out


def booked(room: Room, programme: Programme) -> list[TimeWindow]:
    """The weekly times other events hold the room during the programme (the rota's own
    bookings, from an earlier publication of this programme, do not count)."""
    out = []
    events = db.session.scalars(
        select(Event).where(
            Event.room_id == room.id,
            Event.first_date <= programme.ends_on,
            (Event.until.is_(None)) | (Event.until >= programme.starts_on),
            Event.notes != rota_note(programme),
        )
    )
    # One-off bookings are not weekly: publishing leaves their date out of the rota's series.
    for event in events:
        days = [int(d) for d in event.weekdays.split(",") if d.strip()]
        out += [TimeWindow(d, event.start_minute, event.end_minute) for d in days]
    return out


def rota_note(programme: Programme) -> str:
    """The note that marks a room booking as this programme's rota."""
    return f"rota:{programme.id}"


def minus(windows: list[TimeWindow], busy: list[TimeWindow]) -> tuple[TimeWindow, ...]:
    out = list(windows)
    for b in busy:
        cut = []
        for w in out:
            if w.weekday != b.weekday or b.end <= w.start or b.start >= w.end:
                cut.append(w)
                continue
            if w.start < b.start:
                cut.append(TimeWindow(w.weekday, w.start, b.start))
            if b.end < w.end:
                cut.append(TimeWindow(w.weekday, b.end, w.end))
        out = cut
    return tuple(out)
