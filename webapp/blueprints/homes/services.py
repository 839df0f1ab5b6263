"""Homes, their opening hours, closures and rooms: queries and rules (flush, never commit)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm.interfaces import ORMOption

from webapp import audit
from webapp.blueprints.homes import availability as av
from webapp.blueprints.homes import booking, booking_changes
from webapp.blueprints.homes.booking import BookingError
from webapp.core.lookup import found_or_404, get_or_404
from webapp.core.occasions import Closing
from webapp.extensions import db
from webapp.models import (
    Closure,
    Event,
    Home,
    Need,
    Occurrence,
    Place,
    Room,
    User,
    home_managers,
)
from webapp.models.accounts import ADMIN, COORDINATOR
from webapp.models.base import utcnow


def sees_all_homes(user: User) -> bool:
    return user.has_role(ADMIN, COORDINATOR)


def visible_homes(user: User) -> list[Home]:
    query = select(Home).order_by(*Home.by_name())
    if not sees_all_homes(user):
        query = query.where(
            Home.id.in_(select(home_managers.c.home_id).where(home_managers.c.user_id == user.id))
        )
    return list(db.session.scalars(query))


# A manager's home and the manager check in one statement (every page of a home asks); built
# once: constructing the statement cost more than running it.
_MANAGED_HOME = select(Home).where(
    Home.id == bindparam("home_id"),
    Home.id.in_(
        select(home_managers.c.home_id).where(home_managers.c.user_id == bindparam("user_id"))
    ),
)


def home_for(user: User, home_id: int, *options: ORMOption) -> Home:
    """The home if the user may see it; 404 otherwise (a home the user does not manage).

    `options`: loader options for what the page reads of the home (loaded with it)."""
    if sees_all_homes(user):
        home = db.session.get(Home, home_id, options=options)
    else:
        query = _MANAGED_HOME.options(*options) if options else _MANAGED_HOME
        home = db.session.scalar(query, {"home_id": home_id, "user_id": user.id})
    return found_or_404(home)


def room_of(home: Home, room_id: int) -> Room:
    return get_or_404(Room, room_id, belongs=lambda room: room.home_id == home.id)


def occurrence_of(home: Home, occurrence_id: int) -> Occurrence:
    return get_or_404(Occurrence, occurrence_id, belongs=lambda o: o.room.home_id == home.id)


def pending_approvals(home: Home) -> list[Occurrence]:
    return list(
        db.session.scalars(
            select(Occurrence)
            .join(Room, Room.id == Occurrence.room_id)
            .where(Room.home_id == home.id, Occurrence.status == "requested")
            .order_by(Occurrence.starts_at)
        )
    )


# --- homes and rooms ------------------------------------------------------------------------


def manager_candidates() -> list[User]:
    from webapp.models import UserRole

    return list(
        db.session.scalars(
            select(User)
            .where(User.id.in_(select(UserRole.user_id).where(UserRole.role == "home_manager")))
            .order_by(*User.by_name())
        )
    )


def place_choices() -> list[Place]:
    return list(
        db.session.scalars(
            select(Place).where(Place.kind.in_(("township", "village"))).order_by(Place.name)
        )
    )


def save_home(
    home: Home | None,
    *,
    name: str,
    place_id: int | None,
    address: str,
    lat: float | None,
    lon: float | None,
    timezone: str,
    notes: str,
    manager_ids: list[int] | None,
) -> Home:
    """Create or change a home. manager_ids None leaves the managers as they are."""
    name = name.strip()
    clash = db.session.scalar(select(Home).where(Home.name == name))
    if clash is not None and clash is not home:
        raise BookingError(_("Another home already has this name."), status=409, field="name")
    if place_id is not None and db.session.get(Place, place_id) is None:
        raise BookingError(_("Unknown place."), field="place_id")
    created = home is None
    if home is None:
        home = Home(name=name)
        db.session.add(home)
    before = {"managers": sorted(m.id for m in home.managers)} if not created else None
    home.name, home.place_id, home.address = name, place_id, address.strip()
    home.lat, home.lon, home.timezone, home.notes = lat, lon, timezone.strip(), notes
    if manager_ids is not None:
        allowed = {u.id: u for u in manager_candidates()}
        home.managers = [allowed[i] for i in manager_ids if i in allowed]
    db.session.flush()
    audit.record(
        "home.create" if created else "home.update",
        "home",
        home.id,
        before=before,
        after={"name": home.name, "managers": sorted(m.id for m in home.managers)},
    )
    return home


def add_room(
    home: Home, *, name: str, kind: str, capacity: int, bookable: bool, requires_approval: bool
) -> Room:
    room = Room(
        name=name.strip(),
        kind=kind,
        capacity=capacity,
        bookable=bookable,
        requires_approval=requires_approval,
    )
    home.rooms.append(room)
    db.session.flush()
    return room


# --- closures and closing rooms -----------------------------------------------------------


class AffectsBookings(Exception):
    """The change would leave bookings in a closed home or room: ask before cancelling them."""

    def __init__(self, occurrences: list[Occurrence]) -> None:
        super().__init__(f"{len(occurrences)} bookings affected")
        self.occurrences = occurrences


def add_closure(
    home: Home,
    actor: User,
    starts_on: date,
    ends_on: date,
    reason: str,
    room_id: int | None = None,
    cancel_affected: bool = False,
) -> tuple[Closure, list[Occurrence]]:
    """Close the home (or a room) for dates; bookings in it are cancelled only when confirmed."""
    if ends_on < starts_on:
        raise BookingError(_("The closure ends before it starts."), field="ends_on")
    room = room_of(home, room_id) if room_id is not None else None
    affected = booking.affected_occurrences(home, starts_on, ends_on, room_id)
    if affected and not cancel_affected:
        raise AffectsBookings(affected)
    closure = Closure(
        home=home, room_id=room_id, starts_on=starts_on, ends_on=ends_on, reason=reason.strip()
    )
    db.session.add(closure)
    closed = Closing(starts_on, ends_on, closure.reason, room.name if room else "")
    # The note shown on the date (in the manager's words); messages word `closed` per reader.
    text = closed.text()
    for occurrence in affected:
        booking_changes.cancel(occurrence, actor, text, closed)
    db.session.flush()
    audit.record(
        "closure.add",
        "home",
        home.id,
        after={
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "room_id": room_id,
            "cancelled": [o.id for o in affected],
        },
    )
    return closure, affected


def closure_row(home: Home, closure_id: int) -> Closure:
    """A closure of this home (another home's: 404)."""
    return get_or_404(Closure, closure_id, belongs=lambda c: c.home_id == home.id)


def delete_closure(home: Home, closure_id: int) -> None:
    closure = closure_row(home, closure_id)
    home.closures.remove(closure)
    db.session.flush()


def update_room(
    room: Room,
    actor: User,
    *,
    name: str,
    capacity: int,
    bookable: bool,
    requires_approval: bool,
    cancel_affected: bool = False,
    calls_at_once: int | None = None,
) -> list[Occurrence]:
    """Change a room. Closing it (not bookable) over future bookings asks first, then cancels.
    ``calls_at_once``: a video-call room's family calls at a time (None: unchanged)."""
    affected: list[Occurrence] = []
    if room.bookable and not bookable:
        today = av.to_local(room.home, utcnow()).date()
        affected = [
            o
            for o in booking.affected_occurrences(room.home, today, None, room.id)
            if o.starts_at >= utcnow()
        ]
        if affected and not cancel_affected:
            raise AffectsBookings(affected)
    before = {
        "capacity": room.capacity,
        "bookable": room.bookable,
        "requires_approval": room.requires_approval,
        "calls_at_once": room.calls_at_once,
    }
    room.name = name.strip() or room.name
    if calls_at_once is not None and room.kind == "video_call":
        room.calls_at_once = calls_at_once
    room.capacity = capacity
    room.bookable = bookable
    room.requires_approval = requires_approval
    for occurrence in affected:
        booking_changes.cancel(
            occurrence, actor, _("%(room)s is closed.", room=room.name), Closing(room=room.name)
        )
    db.session.flush()
    audit.record(
        "room.update",
        "room",
        room.id,
        before=before,
        after={
            "capacity": capacity,
            "bookable": bookable,
            "requires_approval": requires_approval,
            "calls_at_once": room.calls_at_once,
            "cancelled": [o.id for o in affected],
        },
    )
    return affected


def events_of(home: Home) -> list[Event]:
    return list(
        db.session.scalars(select(Event).where(Event.home_id == home.id).order_by(Event.first_date))
    )


def needs_between(starts: datetime, ends: datetime) -> list[tuple[Occurrence, Need]]:
    """What the scheduler fills: each need of each confirmed occurrence in [starts, ends).

    A need is declared once on the event and applies to every one of its occurrences.
    """
    rows = db.session.execute(
        select(Occurrence, Need)
        .join(Need, Need.event_id == Occurrence.event_id)
        .where(
            Occurrence.status == "confirmed",
            Occurrence.starts_at >= starts,
            Occurrence.starts_at < ends,
        )
        .order_by(Occurrence.starts_at, Occurrence.id, Need.id)
    )
    return [(occurrence, need) for occurrence, need in rows]
