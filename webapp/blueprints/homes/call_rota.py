"""The published family video-call rota (亲情视频) of a home: its calls on the home's week, the
manager's printable week list, and a call marked held (a video-call contact for each child of
the call, answering the child's video-call duty) or not held (with a reason).

The rota is read from the models (the planning blueprint is above this one): the placements of
the programme's published plan. A call is shown on a date only when the rota's booking of the
room holds that date (publishing marked those bookings ``rota:<programme id>``), so that a
closure or a clash that left a date out leaves the calls out too. A call not held is written to
the audit log, with the reason as a code (no free text about a child there).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload

from webapp import audit, clock
from webapp.blueprints.children import access, contacts
from webapp.blueprints.homes import availability as av
from webapp.blueprints.volunteers.services import RuleError
from webapp.extensions import db
from webapp.models import AuditLog, CareLog, Child, Event, Home, Occurrence, Plan, Room, User
from webapp.models.events import ACTIVE_STATUSES
from webapp.models.video_calls import CallPlacement

NOT_HELD_REASONS = ("parents_unreachable", "child_absent", "room_unavailable", "other")
NOT_HELD = "video_call.not_held"


def not_held_label(code: str) -> str:
    return {
        "parents_unreachable": _("The parents could not be reached"),
        "child_absent": _("The child was away"),
        "room_unavailable": _("The room or the connection did not work"),
        "other": _("Another reason"),
    }.get(code, code)


@dataclass
class Call:
    """One call of the rota on a date: a room, a time, the children (siblings together)."""

    day: date
    room: Room
    start_minute: int
    end_minute: int
    children: list[Child] = field(default_factory=list)
    held: set[int] = field(default_factory=set)  # children whose video call is recorded that day
    not_held: str | None = None  # the reason code, when marked not held

    @property
    def all_held(self) -> bool:
        return bool(self.children) and all(c.id in self.held for c in self.children)

    @property
    def key(self) -> str:
        return f"{self.day.isoformat()}-{self.room.id}-{self.start_minute}"


# Built once: the week view asks on every page and tap, and building it cost more than running it.
_PUBLISHED_PLACEMENTS = (
    select(CallPlacement)
    .join(Plan, Plan.id == CallPlacement.plan_id)
    .join(Room, Room.id == CallPlacement.room_id)
    .join(Child, Child.id == CallPlacement.child_id)
    .where(
        Plan.state == "published",
        Room.home_id == bindparam("home_id"),
        Child.erased_at.is_(None),
    )
    .options(selectinload(CallPlacement.child), selectinload(CallPlacement.room))
    .order_by(CallPlacement.weekday, CallPlacement.start_minute, CallPlacement.id)
)


def published_placements(home: Home) -> list[CallPlacement]:
    """The home's calls in the published rotas (one plan published per programme)."""
    return list(db.session.scalars(_PUBLISHED_PLACEMENTS, {"home_id": home.id}))


# Built once, as the placements' query above.
_ROTA_BOOKINGS = (
    select(Occurrence.room_id, Occurrence.starts_at, Event.notes)
    .join(Event, Event.id == Occurrence.event_id)
    .where(
        Event.home_id == bindparam("home_id"),
        Event.kind == "video_call",
        Event.notes.like("rota:%"),
        Occurrence.status.in_(ACTIVE_STATUSES),
        Occurrence.starts_at < bindparam("end"),
        Occurrence.ends_at > bindparam("start"),
    )
)


def _booked(home: Home, first: date, last: date) -> set[tuple[int, date, str]]:
    """(room, local date, marker) of the rota bookings holding a date in the range."""
    start, end = av.local_day_bounds(home, first, last)
    rows = db.session.execute(_ROTA_BOOKINGS, {"home_id": home.id, "start": start, "end": end})
    return {(room_id, av.to_local(home, at).date(), notes) for room_id, at, notes in rows}


def week_calls(home: Home, monday: date, with_reasons: bool = True) -> list[Call]:
    """The rota's calls of the week that starts on `monday`, by date and time; siblings (the
    children of one household at one time) are one call. `with_reasons`: read why calls were
    not held (the week list shows it; the home's week view, which shows only what was held,
    saves the query)."""
    placements = published_placements(home)
    if not placements:
        return []
    booked = _booked(home, monday, monday + timedelta(days=6))
    calls: dict[tuple, Call] = {}
    for p in placements:
        day = monday + timedelta(days=p.weekday)
        if (p.room_id, day, f"rota:{p.programme_id}") not in booked:
            continue
        family = p.child.household_id or -p.child_id
        key = (day, p.room_id, p.start_minute, family)
        call = calls.get(key)
        if call is None:
            call = calls[key] = Call(day, p.room, p.start_minute, p.end_minute)
        call.children.append(p.child)
    found = sorted(calls.values(), key=lambda c: (c.day, c.start_minute, c.room.id))
    _mark_held(found, monday, with_reasons)
    return found


_HELD = select(CareLog.child_id, CareLog.happened_on).where(
    CareLog.child_id.in_(bindparam("ids", expanding=True)),
    CareLog.kind == "video_call",
    CareLog.happened_on.between(bindparam("monday"), bindparam("sunday")),
)


def _mark_held(calls: list[Call], monday: date, with_reasons: bool = True) -> None:
    ids = [c.id for call in calls for c in call.children]
    if not ids:
        return
    sunday = monday + timedelta(days=6)
    held = set(db.session.execute(_HELD, {"ids": ids, "monday": monday, "sunday": sunday}).all())
    reasons: dict[tuple[int, str], str] = {}
    not_held = (
        db.session.scalars(
            select(AuditLog)
            .where(AuditLog.action == NOT_HELD, AuditLog.object_id.in_(ids))
            .order_by(AuditLog.id)
        )
        if with_reasons
        else ()
    )
    for entry in not_held:
        after = entry.after or {}
        reasons[(entry.object_id, str(after.get("on")))] = str(after.get("reason", "other"))
    for call in calls:
        call.held = {c.id for c in call.children if (c.id, call.day) in held}
        for c in call.children:
            reason = reasons.get((c.id, call.day.isoformat()))
            if reason is not None:
                call.not_held = reason


def calls_by_hour(calls: list[Call]) -> dict[tuple[date, int, int], list[Call]]:
    """The week view's cells: (date, room, hour's first minute) -> the calls starting in it."""
    out: dict[tuple[date, int, int], list[Call]] = defaultdict(list)
    for call in calls:
        out[(call.day, call.room.id, call.start_minute // 60 * 60)].append(call)
    return out


def find_call(home: Home, day: date, room_id: int, start_minute: int) -> list[Call]:
    """The calls of the rota at that date, room and time (one per family)."""
    monday = day - timedelta(days=day.weekday())
    found = [
        c
        for c in week_calls(home, monday)
        if c.day == day and c.room.id == room_id and c.start_minute == start_minute
    ]
    if not found:
        raise RuleError("call", _("There is no call of the rota at that time."))
    return found


def mark_held(home: Home, day: date, room_id: int, start_minute: int, user: User) -> int:
    """A video-call contact for each child of the call not yet recorded that day (it answers
    the child's video-call duty and counts in coverage). Returns the contacts written."""
    if day > clock.today():
        raise RuleError("date", _("A call can be marked held on its day or after."))
    written = 0
    for call in find_call(home, day, room_id, start_minute):
        for child in call.children:
            if child.id in call.held:
                continue
            contacts.record_contact(child, kind="video_call", happened_on=day, note="", author=user)
            written += 1
    return written


def mark_not_held(
    home: Home, day: date, room_id: int, start_minute: int, reason: str, user: User
) -> None:
    """The call did not take place: written to the audit log with the reason's code."""
    if reason not in NOT_HELD_REASONS:
        raise RuleError("reason", _("Choose a reason."))
    for call in find_call(home, day, room_id, start_minute):
        for child in call.children:
            audit.record(
                NOT_HELD,
                "child",
                child.id,
                after={"on": day.isoformat(), "reason": reason, "room": room_id},
                actor_id=user.id,
            )
    db.session.flush()


@dataclass
class ListRow:
    """A child of a call on the week list, with what this reader may see."""

    child: Child
    name: str
    phone: str


def list_rows(call: Call, user: User) -> list[ListRow]:
    """The children of a call; the real name for those allowed names, the parents' phone for
    staff of the child (written to the child's access log)."""
    out = []
    for child in call.children:
        staff = access.is_staff_of(child, user)
        phone = (child.guardian_phone or child.father_phone or child.mother_phone) if staff else ""
        if phone:
            # A parent's phone is the child's record: its reading goes to the access log.
            access.log_access(child, "view", "video-call list", user=user)
        out.append(ListRow(child, access.shown_name(child, user), phone))
    return out
