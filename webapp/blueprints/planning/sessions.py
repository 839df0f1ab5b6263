"""Weekly sessions with volunteer needs, booked from a programme's page (and by a copied term).

A session is booked through the homes' booking service, so that it obeys its rules (opening
hours, closures, no double booking): dates that cannot be booked (a closure, closed hours, a
clash) are skipped and returned, so that the coordinator sees them; when no date is left,
nothing is booked and the reason is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _

from webapp.blueprints.homes import booking
from webapp.blueprints.homes.booking import BookingError, BookingRequest, NeedSpec
from webapp.blueprints.planning.errors import PlanningError
from webapp.clock import today
from webapp.extensions import db
from webapp.models import Event, Programme, Room, Skill, User


@dataclass(frozen=True)
class WeeklySession:
    """One weekly session to staff: where, which weekday and hours, what and how many."""

    room_id: int
    weekday: int
    start_minute: int
    end_minute: int
    title: str
    skill_id: int | None
    count: int
    capacity: int = 10
    age_group: str | None = None


@dataclass
class Booked:
    """A booked session and the dates left out, each with its reason."""

    event: Event | None
    skipped: list[tuple[date, str]] = field(default_factory=list)


def rooms_of(programme: Programme) -> list[Room]:
    """The bookable rooms of the programme's homes, home by home."""
    return [r for h in sorted(programme.homes, key=lambda h: h.name) for r in h.rooms if r.bookable]


def first_date(programme: Programme, weekday: int) -> date:
    """The first date of that weekday in the programme that is still ahead (from tomorrow)."""
    start = max(programme.starts_on, today() + timedelta(days=1))
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def book_weekly(programme: Programme, spec: WeeklySession, actor: User) -> Booked:
    """Book the session every week over the programme's dates with its need; dates that
    cannot be booked are skipped and listed. Refused (nothing written) when none is left."""
    room = db.session.get(Room, spec.room_id)
    if room is None or room.home not in programme.homes or not room.bookable:
        raise PlanningError(_("Choose a room of one of the programme's homes."), field="room_id")
    if spec.skill_id is not None and db.session.get(Skill, spec.skill_id) is None:
        raise PlanningError(_("Choose a subject from the list."), field="skill_id")
    if not 1 <= spec.count <= 50:
        raise PlanningError(_("Between 1 and 50 people."), field="count")
    first = first_date(programme, spec.weekday)
    if first > programme.ends_on:
        raise PlanningError(
            _("No date of the programme is left for this weekday."), field="weekday"
        )
    req = series_request(
        room,
        spec.title.strip() or _("Tutoring"),
        (spec.weekday,),
        spec.start_minute,
        spec.end_minute,
        first,
        programme.ends_on,
        [NeedSpec(spec.skill_id, spec.count, spec.count, True)],
        capacity=spec.capacity,
        age_group=spec.age_group,
    )
    return book_series(req, actor)


def series_request(
    room: Room,
    title: str,
    weekdays: tuple[int, ...],
    start_minute: int,
    end_minute: int,
    first: date,
    until: date,
    needs: list[NeedSpec],
    *,
    capacity: int = 10,
    age_group: str | None = None,
) -> BookingRequest:
    """A weekly tutoring series with its volunteer needs, as the booking service takes it."""
    return BookingRequest(
        room=room,
        title=title,
        kind="tutoring",
        first_date=first,
        start_minute=start_minute,
        end_minute=end_minute,
        capacity=max(1, min(capacity, room.capacity)),
        age_group=age_group,
        weekdays=weekdays,
        until=until,
        needs=needs,
    )


def dates_of(req: BookingRequest) -> tuple[list[date], list[tuple[date, str]]]:
    """The dates the series would be booked on, and those left out with the reason (a
    closure, closed hours, a clash with a booking)."""
    try:
        days = booking.series_dates(req)
    except BookingError as error:
        raise PlanningError(error.message, error.status, field="start") from None
    bad = booking.date_problems(req.room, days, req.start_minute, req.end_minute)
    skipped = {p.day for p in bad}
    return [d for d in days if d not in skipped], [(p.day, p.reason) for p in bad]


def book_series(req: BookingRequest, actor: User) -> Booked:
    """Book the series on every date that can take it; refused (nothing written) when none
    can."""
    days, skipped = dates_of(req)
    if not days:
        reason = skipped[0][1] if skipped else _("No dates are left to book.")
        raise PlanningError(
            _("None of the dates can be booked: %(reason)s", reason=reason), 409, field="start"
        )
    req.skip_dates = frozenset(d for d, _why in skipped)
    try:
        booking.check_times(req.room.home, days[0], req.start_minute, req.end_minute, actor, False)
        event = booking.book(req, actor)
    except BookingError as error:
        raise PlanningError(error.message, error.status, field=error.field or "start") from None
    db.session.flush()
    return Booked(event, skipped)
