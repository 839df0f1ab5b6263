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
    req = BookingRequest(
        room=room,
        title=spec.title.strip() or _("Tutoring"),
        kind="tutoring",
        first_date=first,
        start_minute=spec.start_minute,
        end_minute=spec.end_minute,
        capacity=min(spec.capacity, room.capacity),
        age_group=spec.age_group,
        weekdays=(spec.weekday,),
        until=programme.ends_on,
        needs=[NeedSpec(spec.skill_id, spec.count, spec.count, True)],
    )
    try:
        days = booking.series_dates(req)
        if days:
            booking.check_times(
                room.home, days[0], spec.start_minute, spec.end_minute, actor, False
            )
        bad = booking.date_problems(room, days, spec.start_minute, spec.end_minute)
        if days and len(bad) == len(days):
            raise BookingError(
                _("None of the dates can be booked: %(reason)s", reason=bad[0].reason), status=409
            )
        req.skip_dates = frozenset(p.day for p in bad)
        event = booking.book(req, actor)
    except BookingError as error:
        raise PlanningError(
            error.message, error.status, field=getattr(error, "field", None) or "start"
        ) from None
    db.session.flush()
    return Booked(event, [(p.day, p.reason) for p in bad])
