"""Room bookings: the rules, and the transactions that keep a room from being double-booked.

PostgreSQL: an exclusion constraint refuses overlapping confirmed occurrences of one room. We
check first (for a clear message), insert inside a savepoint, and if a concurrent writer won the
race the constraint fires; we roll the savepoint back and name the booking we clash with.
SQLite: `BEGIN IMMEDIATE` takes the write lock before the check, so check-and-insert is one
step for every writer; the lock is released when the request commits or rolls back.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.blueprints.homes import availability as av
from webapp.blueprints.homes.recurrence import MAX_OCCURRENCES, RecurrenceError, expand
from webapp.core import occasions
from webapp.core.locking import serialise_writers
from webapp.core.outbox import notify_message
from webapp.extensions import db
from webapp.models import CallSlot, Event, Home, Need, Occurrence, Room, User, home_managers
from webapp.models.accounts import ADMIN
from webapp.models.base import utcnow
from webapp.models.events import ACTIVE_STATUSES, AGE_GROUPS, EVENT_KINDS

MAX_MINUTES = 12 * 60
EXCLUSION_CONSTRAINT = "ex_occurrences_room_no_overlap"


@dataclass
class DateProblem:
    day: date
    reason: str
    clash: Occurrence | None = None


class BookingError(Exception):
    """A refused booking: status 422 (bad input) or 409 (clash with what exists)."""

    def __init__(
        self,
        message: str,
        status: int = 422,
        field: str | None = None,
        problems: list[DateProblem] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field
        self.problems = problems or []


@dataclass
class NeedSpec:
    skill_id: int | None
    min_headcount: int = 1
    max_headcount: int = 1
    vetting_required: bool = True


@dataclass
class BookingRequest:
    room: Room
    title: str
    kind: str
    first_date: date
    start_minute: int
    end_minute: int
    capacity: int = 1
    age_group: str | None = None
    notes: str = ""
    weekdays: tuple[int, ...] = ()
    interval_weeks: int = 1
    until: date | None = None
    count: int | None = None
    skip_dates: frozenset[date] = frozenset()
    correcting: bool = False
    slot_minutes: int | None = None
    needs: list[NeedSpec] = field(default_factory=list)


# --- who may do what -----------------------------------------------------------------------


def manages(user: User, home: Home) -> bool:
    """Managers of this home and administrators run it: confirm, approve, correct records."""
    return user.has_role(ADMIN) or is_manager(user, home.id)


def is_manager(user: User, home_id: int) -> bool:
    """Whether the user is one of the home's managers: asked of the link table alone, as every
    page of a home asks it (loading the managers cost the week view an eighth of its time)."""
    link = select(home_managers.c.user_id).where(
        home_managers.c.home_id == home_id, home_managers.c.user_id == user.id
    )
    return db.session.scalar(link) is not None


# --- the lock and the clash query ------------------------------------------------------------


def find_clashes(
    room_id: int, starts_at: datetime, ends_at: datetime, exclude_id: int | None = None
) -> list[Occurrence]:
    """Confirmed occurrences of the room overlapping [starts_at, ends_at)."""
    query = select(Occurrence).where(
        Occurrence.room_id == room_id,
        Occurrence.status == "confirmed",
        Occurrence.starts_at < ends_at,
        Occurrence.ends_at > starts_at,
    )
    if exclude_id is not None:
        query = query.where(Occurrence.id != exclude_id)
    return list(db.session.scalars(query.order_by(Occurrence.starts_at)))


def describe(occurrence: Occurrence) -> str:
    home = occurrence.room.home
    start = av.to_local(home, occurrence.starts_at)
    end = av.to_local(home, occurrence.ends_at)
    return _(
        "“%(title)s” in %(room)s on %(date)s %(start)s–%(end)s (booking #%(id)s)",
        title=occurrence.event.title,
        room=occurrence.room.name,
        date=start.date().isoformat(),
        start=start.strftime("%H:%M"),
        end=end.strftime("%H:%M"),
        id=occurrence.id,
    )


def clash_message(clash: Occurrence) -> str:
    return _("This room is already booked: %(booking)s.", booking=describe(clash))


def _is_exclusion_violation(error: IntegrityError) -> bool:
    orig = getattr(error, "orig", None)
    name = getattr(getattr(orig, "diag", None), "constraint_name", None)
    if name == EXCLUSION_CONSTRAINT:
        return True
    return EXCLUSION_CONSTRAINT in str(orig)


@contextmanager
def clash_guard(on_clash):
    """Make the changes inside the block and flush them; a clash becomes a BookingError (409).

    On PostgreSQL the block runs in a savepoint. Session.begin_nested() flushes what is pending,
    so every change that could clash must be made inside the block. If the exclusion constraint
    fires (a concurrent writer committed first), the savepoint is rolled back and `on_clash()`
    names the booking we clash with, found by a fresh query.
    """
    if db.session.connection().dialect.name != "postgresql":
        yield
        db.session.flush()
        return
    savepoint = db.session.begin_nested()
    try:
        yield
        db.session.flush()
    except IntegrityError as error:
        savepoint.rollback()
        if _is_exclusion_violation(error):
            raise on_clash() from error
        raise
    savepoint.commit()


# --- checks shared by booking and moving ----------------------------------------------------


def check_times(
    home: Home, day: date, start_minute: int, end_minute: int, actor: User, correcting: bool
) -> None:
    """422 for times that can never be booked."""
    if end_minute < start_minute:
        raise BookingError(_("The end is before the start."), field="end")
    if end_minute == start_minute:
        raise BookingError(_("The booking has no length: start and end are equal."), field="end")
    if end_minute - start_minute > MAX_MINUTES:
        raise BookingError(_("A booking may last at most 12 hours."), field="end")
    starts_at = av.to_utc(home, day, start_minute)
    if starts_at < utcnow() and not (correcting and manages(actor, home)):
        raise BookingError(
            _("This time is in the past. Only the home's managers may correct past records."),
            field="date",
        )


def date_problems(
    room: Room,
    days: list[date],
    start_minute: int,
    end_minute: int,
    exclude_id: int | None = None,
) -> list[DateProblem]:
    """For each date: a closure, closed hours, or a clash with a confirmed booking."""
    home = room.home
    problems = []
    for day in days:
        reason = av.closure_problem(home, day, room.id) or av.opening_problem(
            home, day, start_minute, end_minute
        )
        if reason:
            problems.append(DateProblem(day, reason))
            continue
        clashes = find_clashes(
            room.id,
            av.to_utc(home, day, start_minute),
            av.to_utc(home, day, end_minute),
            exclude_id,
        )
        if clashes:
            problems.append(DateProblem(day, clash_message(clashes[0]), clashes[0]))
    return problems


def _refusal(problems: list[DateProblem], series: bool) -> BookingError:
    if not series:
        return BookingError(problems[0].reason, status=409, problems=problems)
    return BookingError(
        _(
            "%(count)s of the dates cannot be booked. Cancel, or book the other dates and skip these.",
            count=len(problems),
        ),
        status=409,
        problems=problems,
    )


# --- booking ----------------------------------------------------------------------------------


def series_dates(req: BookingRequest) -> list[date]:
    try:
        days = expand(req.first_date, req.weekdays, req.interval_weeks, req.until, req.count)
    except RecurrenceError as error:
        raise BookingError(_("The repetition is incomplete: %(error)s", error=str(error))) from None
    if req.weekdays and req.count is None and req.until is not None:
        more = expand(req.first_date, req.weekdays, req.interval_weeks, req.until, None, 10**6)
        if len(more) > MAX_OCCURRENCES:
            raise BookingError(
                _("A series may have at most %(max)s dates.", max=MAX_OCCURRENCES), field="until"
            )
    if req.count is not None and req.count > MAX_OCCURRENCES:
        raise BookingError(
            _("A series may have at most %(max)s dates.", max=MAX_OCCURRENCES), field="count"
        )
    return [d for d in days if d not in req.skip_dates]


def book(req: BookingRequest, actor: User) -> Event:
    """Create an event with one occurrence per date, or refuse with the reason (nothing written)."""
    room, home = req.room, req.room.home
    if req.kind not in EVENT_KINDS:
        raise BookingError(_("Unknown kind of event."), field="kind")
    check_details(room, req.age_group, req.capacity)
    if not room.bookable:
        raise BookingError(_("%(room)s is closed for bookings.", room=room.name), status=409)
    days = series_dates(req)
    if not days:
        raise BookingError(_("No dates are left to book."))
    check_times(home, days[0], req.start_minute, req.end_minute, actor, req.correcting)

    serialise_writers()
    problems = date_problems(room, days, req.start_minute, req.end_minute)
    if problems:
        raise _refusal(problems, series=bool(req.weekdays))

    status = "requested" if room.requires_approval and not manages(actor, home) else "confirmed"
    event = Event(
        home_id=home.id,
        room_id=room.id,
        organiser_id=actor.id,
        title=req.title.strip(),
        kind=req.kind,
        age_group=req.age_group or None,
        capacity=req.capacity,
        notes=req.notes,
        first_date=req.first_date,
        start_minute=req.start_minute,
        end_minute=req.end_minute,
        weekdays=",".join(str(d) for d in sorted(set(req.weekdays))),
        interval_weeks=req.interval_weeks,
        until=req.until if req.weekdays else None,
        count=req.count if req.weekdays else None,
        slot_minutes=req.slot_minutes if req.kind == "video_call" else None,
    )
    event.needs = _needs(req.needs)
    for day in days:
        occurrence = Occurrence(
            room_id=room.id,
            starts_at=av.to_utc(home, day, req.start_minute),
            ends_at=av.to_utc(home, day, req.end_minute),
            status=status,
        )
        add_call_slots(occurrence, event.slot_minutes)
        event.occurrences.append(occurrence)

    def on_clash() -> BookingError:
        found = date_problems(room, days, req.start_minute, req.end_minute)
        if found:
            return _refusal(found, series=bool(req.weekdays))
        return BookingError(_("This room was just booked by someone else."), status=409)

    with clash_guard(on_clash):
        db.session.add(event)
    return event


def check_details(room: Room, age_group: str | None, capacity: int) -> None:
    """The rules on an event's details that do not depend on its dates."""
    if age_group and age_group not in AGE_GROUPS:
        raise BookingError(_("Unknown age group."), field="age_group")
    if capacity < 1:
        raise BookingError(_("Capacity must be at least 1."), field="capacity")
    if capacity > room.capacity:
        raise BookingError(
            _(
                "%(room)s holds %(max)s people; the event asks for %(asked)s.",
                room=room.name,
                max=room.capacity,
                asked=capacity,
            ),
            field="capacity",
        )


def _needs(specs: list[NeedSpec]) -> list[Need]:
    return [
        Need(
            skill_id=spec.skill_id,
            min_headcount=spec.min_headcount,
            max_headcount=spec.max_headcount,
            vetting_required=spec.vetting_required,
        )
        for spec in specs
    ]


def update_details(
    event: Event,
    actor: User,
    *,
    title: str,
    age_group: str | None,
    capacity: int,
    notes: str,
    needs: list[NeedSpec],
) -> Event:
    """Change what an event is (not where or when) for all its dates; calendars see a new
    version of every date still on, and the organiser is told when someone else changed it."""
    check_details(event.room, age_group, capacity)
    event.title = title.strip()
    event.age_group = age_group or None
    event.capacity = capacity
    event.notes = notes
    # Rows that stay keep their ids: the plans made for them will refer to them.
    kept = event.needs[: len(needs)]
    for need, spec in zip(kept, needs, strict=False):
        need.skill_id, need.vetting_required = spec.skill_id, spec.vetting_required
        need.min_headcount, need.max_headcount = spec.min_headcount, spec.max_headcount
    event.needs = kept + _needs(needs[len(kept) :])
    active = [o for o in event.occurrences if o.is_active]
    for occurrence in active:
        occurrence.sequence += 1
    db.session.flush()
    if active:
        tell_organiser(active[0], actor, "booking_changed")
    return event


def add_call_slots(occurrence: Occurrence, slot_minutes: int | None) -> None:
    occurrence.call_slots = []
    if not slot_minutes:
        return
    start = occurrence.starts_at
    while start + timedelta(minutes=slot_minutes) <= occurrence.ends_at:
        occurrence.call_slots.append(
            CallSlot(starts_at=start, ends_at=start + timedelta(minutes=slot_minutes))
        )
        start += timedelta(minutes=slot_minutes)


def affected_occurrences(
    home: Home, first: date, last: date | None = None, room_id: int | None = None
) -> list[Occurrence]:
    """Active occurrences of the home (or one room) from local date `first` to `last`."""
    start = av.to_utc(home, first, 0)
    query = (
        select(Occurrence)
        .join(Room, Room.id == Occurrence.room_id)
        .where(
            Room.home_id == home.id,
            Occurrence.status.in_(ACTIVE_STATUSES),
            Occurrence.ends_at > start,
        )
        .order_by(Occurrence.starts_at)
    )
    if last is not None:
        query = query.where(Occurrence.starts_at < av.to_utc(home, last + timedelta(days=1), 0))
    if room_id is not None:
        query = query.where(Occurrence.room_id == room_id)
    return list(db.session.scalars(query))


def tell_organiser(occurrence: Occurrence, actor: User, kind: str, **context: Any) -> None:
    """Tell the organiser (unless they made the change) with templates/emails/<kind>.txt, in the
    organiser's language; whom to ask: who made the change and the home's managers."""
    organiser = occurrence.event.organiser
    if organiser is not None and organiser.id != actor.id:
        occasion = occasions.of_occurrence(occurrence)
        occasion.contacts = occasions.contacts([actor, *occurrence.room.home.managers])
        notify_message(
            organiser,
            kind,
            "occurrence",
            occurrence.id,
            occurrence=occurrence,
            occasion=occasion,
            **context,
        )


def status_label(code: str) -> str:
    from webapp.labels import occurrence_status_label

    return occurrence_status_label(code)
