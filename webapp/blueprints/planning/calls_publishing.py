"""Publishing a family video-call rota (亲情视频): the room bookings, and the parents told.

A rota is one call slot a week per child (siblings together). Publishing books each home's
video-call room weekly for every room and weekday with calls (first call to last call), through
the homes' booking service so that closures and clashes leave their dates out; the bookings
carry the marker ``rota:<programme id>`` in their notes, by which a re-publish finds and cancels
them (and the solver's adapter does not count them against the room's hours). Parents are told
their child's slot by SMS (kind ``call_rota``) where a mobile number is known; the others are
listed for the home's manager to tell. After a re-publish only the families whose slot changed
are told.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp import audit, clock
from webapp.blueprints.homes import availability as av
from webapp.blueprints.homes import booking, booking_changes
from webapp.blueprints.homes.booking import BookingError, BookingRequest
from webapp.blueprints.planning import adapter
from webapp.blueprints.planning.errors import PlanningError
from webapp.blueprints.planning.programmes import published_plan
from webapp.blueprints.planning.publishing import may_publish
from webapp.core.outbox import notify_phone
from webapp.core.sms import Sms, SmsRefused, usable_phone
from webapp.extensions import db
from webapp.labels import weekday_label
from webapp.models import Child, Event, Home, Plan, Programme, Room, User
from webapp.models.video_calls import CallPlacement

# Chinese weekday names for the SMS (the templates are registered in Chinese).
ZH_WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")


def rota_marker(programme: Programme) -> str:
    """The notes of every booking a programme's rota made (the adapter reads the same)."""
    return f"rota:{programme.id}"


def slot_text(weekday: int, start_minute: int) -> str:
    """ "每周四 19:30", as the SMS and the child's card say it."""
    return f"每周{ZH_WEEKDAYS[weekday]} {av.hhmm(start_minute)}"


@dataclass
class RoomBooking:
    """One weekly booking publishing makes: a room on a weekday, first to last call."""

    room: Room
    weekday: int
    start_minute: int
    end_minute: int
    dates: list[date] = field(default_factory=list)
    skipped: list[tuple[date, str]] = field(default_factory=list)
    calls: int = 0


@dataclass
class Family:
    """The children of one call (siblings), the phone their parents are told on (empty: none)."""

    children: list[Child]
    room: Room
    weekday: int
    start_minute: int
    phone: str = ""

    @property
    def slot(self) -> str:
        return slot_text(self.weekday, self.start_minute)


@dataclass
class HomePreview:
    home: Home
    bookings: list[RoomBooking] = field(default_factory=list)
    told: list[Family] = field(default_factory=list)
    not_told: list[Family] = field(default_factory=list)


@dataclass
class Unplaced:
    child: Child | None
    why: str


@dataclass
class CallsPreview:
    plan: Plan
    homes: list[HomePreview]
    unplaced: list[Unplaced]
    problems: list[str]
    # Re-publish: only the families whose slot changed are told.
    changes_only: bool = False

    @property
    def publishable(self) -> bool:
        return self.plan.is_proposed and not self.problems


@dataclass
class Published:
    plan: Plan
    superseded: Plan | None
    events: list[Event]
    cancelled: int
    told: list[Family]
    not_told: list[Family]


def placements_of(plan: Plan) -> list[CallPlacement]:
    return list(
        db.session.scalars(
            select(CallPlacement)
            .where(CallPlacement.plan_id == plan.id)
            .options(
                selectinload(CallPlacement.child).selectinload(Child.household),
                selectinload(CallPlacement.room).selectinload(Room.home),
            )
            .order_by(CallPlacement.weekday, CallPlacement.start_minute, CallPlacement.id)
        )
    )


def parent_phone(child: Child) -> str:
    """The mobile number the parents are told on: the guardian's first, then father, mother."""
    for phone in (child.guardian_phone, child.father_phone, child.mother_phone):
        number = usable_phone(phone)
        if number:
            return number
    return ""


def _slot(p: CallPlacement) -> tuple[int, int, int, int]:
    return (p.room_id, p.weekday, p.start_minute, p.end_minute)


def rota_problems(plan: Plan) -> list[str]:
    """What breaks the rota's hard rules, checked on the rows (the engine's checker is added
    by the planning path): a child twice, a call outside the home's hours on that weekday, more
    calls at once than the room holds."""
    rows = placements_of(plan)
    out: list[str] = []
    seen: set[int] = set()
    for p in rows:
        if p.child_id in seen:
            out.append(_("%(child)s has two calls in one week.", child=p.child.pseudonym))
        seen.add(p.child_id)
    programme = plan.programme
    for p in rows:
        day = _first_day(programme, p.weekday)
        if av.opening_problem(p.room.home, day, p.start_minute, p.end_minute):
            slot = " ".join((weekday_label(p.weekday), av.hhmm(p.start_minute)))
            out.append(
                _(
                    "%(child)s's call %(slot)s in %(room)s is outside the home's opening hours.",
                    child=p.child.pseudonym,
                    slot=slot,
                    room=p.room.name,
                )
            )
    by_room_day: dict[tuple[int, int], list[CallPlacement]] = defaultdict(list)
    for p in rows:
        by_room_day[(p.room_id, p.weekday)].append(p)
    for (_room_id, weekday), calls in sorted(by_room_day.items()):
        room = calls[0].room
        for minute in sorted({p.start_minute for p in calls}):
            # A call is one family: siblings at the same time in the room count once.
            families = {
                (p.start_minute, _family_key(p.child))
                for p in calls
                if p.start_minute <= minute < p.end_minute
            }
            if len(families) > room.calls_at_once:
                slot = " ".join((weekday_label(weekday), av.hhmm(minute)))
                out.append(
                    _(
                        "%(room)s holds %(most)s calls at once; %(slot)s has %(count)s.",
                        room=room.name,
                        most=room.calls_at_once,
                        slot=slot,
                        count=len(families),
                    )
                )
    out += _against_records(plan)
    return out


def _against_records(plan: Plan) -> list[str]:
    """The engine's view of the records as they are now: each call still inside the parents'
    times and out of school, for a child who still takes part."""
    try:
        built = adapter.build(plan.programme)
    except adapter.NothingToPlan:
        return [_("Nobody can be planned any more: see the programme page.")]
    return [
        _(
            "%(child)s's call %(slot)s no longer fits: the parents' times, the school timetable "
            "or the consent changed. Solve again.",
            child=p.child.pseudonym,
            slot=" ".join((weekday_label(p.weekday), av.hhmm(p.start_minute))),
        )
        for p in adapter.unsuited_calls(built, plan)
    ]


def _family_key(child: Child) -> str:
    return f"h{child.household_id}" if child.household_id else f"c{child.id}"


def _first_day(programme: Programme, weekday: int) -> date:
    """The first date of that weekday the rota books: from the programme's start, or today."""
    start = max(programme.starts_on, clock.today())
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def _requests(programme: Programme, rows: list[CallPlacement]) -> list[BookingRequest]:
    """One weekly booking per room and weekday, from the first call to the last."""
    spans: dict[tuple[int, int], list[CallPlacement]] = defaultdict(list)
    for p in rows:
        spans[(p.room_id, p.weekday)].append(p)
    out = []
    for (_room_id, weekday), calls in sorted(spans.items()):
        room = calls[0].room
        out.append(
            BookingRequest(
                room=room,
                title=_("Family video calls"),
                kind="video_call",
                first_date=_first_day(programme, weekday),
                start_minute=min(p.start_minute for p in calls),
                end_minute=max(p.end_minute for p in calls),
                capacity=1,
                notes=rota_marker(programme),
                weekdays=(weekday,),
                until=programme.ends_on,
            )
        )
    return out


def _dates(req: BookingRequest) -> tuple[list[date], list[tuple[date, str]]]:
    """The dates the weekly booking takes, and those left out with the reason (a closure,
    closed hours, a clash with another booking, a time already past). The rota's own bookings
    are no clash: publishing cancels them first."""
    if req.first_date > (req.until or req.first_date):
        return [], []
    try:
        days = booking.series_dates(req)
    except BookingError as error:
        return [], [(req.first_date, error.message)]
    now = clock.utcnow()
    past = [d for d in days if av.to_utc(req.room.home, d, req.start_minute) < now]
    days = [d for d in days if d not in past]
    bad = [
        b
        for b in booking.date_problems(req.room, days, req.start_minute, req.end_minute)
        if b.clash is None or b.clash.event.notes != req.notes
    ]
    skipped = [(d, _("The time has passed.")) for d in past] + [(b.day, b.reason) for b in bad]
    left = {b.day for b in bad}
    return [d for d in days if d not in left], sorted(skipped)


def _families(
    rows: list[CallPlacement], before: list[CallPlacement] | None
) -> tuple[list[Family], list[Family]]:
    """The families to tell (with a phone) and those nobody can tell (no phone): the siblings of
    one call are one family, told once on the first phone known of any of them; on a re-publish
    only those whose slot changed."""
    old = {p.child_id: _slot(p) for p in before or []}
    groups: dict[tuple, Family] = {}
    for p in rows:
        if before is not None and old.get(p.child_id) == _slot(p):
            continue
        key = (_slot(p), _family_key(p.child))
        family = groups.get(key)
        if family is None:
            family = groups[key] = Family([], p.room, p.weekday, p.start_minute)
        family.children.append(p.child)
        family.phone = family.phone or parent_phone(p.child)
    families = list(groups.values())
    return [f for f in families if f.phone], [f for f in families if not f.phone]


def _unplaced(plan: Plan) -> list[Unplaced]:
    """The families the rota gives no slot, with the engine's reason in the user's language."""
    locale = str(get_locale() or "zh_CN")
    out = []
    for e in plan.explanations or []:
        if e.get("kind") != "unfilled":
            continue
        family = str((e.get("params") or {}).get("family", ""))
        child = None
        if family.startswith("f") and family[1:].isdigit():
            child = db.session.get(Child, int(family[1:]))
        text = e.get("text") or {}
        out.append(Unplaced(child, text.get(locale) or text.get("zh_CN") or e.get("key", "")))
    return out


def preview(plan: Plan, problems: list[str] | None = None) -> CallsPreview:
    """What publishing will do, home by home: bookings, dates left out, parents told (and how),
    parents nobody can tell; the families without a slot; what breaks a rule."""
    programme = plan.programme
    rows = placements_of(plan)
    current = published_plan(programme.id)
    before = placements_of(current) if current is not None and current.id != plan.id else None
    by_home: dict[int, HomePreview] = {}

    def home_of(room: Room) -> HomePreview:
        return by_home.setdefault(room.home_id, HomePreview(room.home))

    for req in _requests(programme, rows):
        dates, skipped = _dates(req)
        calls = sum(1 for p in rows if p.room_id == req.room.id and p.weekday == req.weekdays[0])
        home_of(req.room).bookings.append(
            RoomBooking(
                req.room, req.weekdays[0], req.start_minute, req.end_minute, dates, skipped, calls
            )
        )
    told, not_told = _families(rows, before)
    for family in told:
        home_of(family.room).told.append(family)
    for family in not_told:
        home_of(family.room).not_told.append(family)
    homes = sorted(by_home.values(), key=lambda h: h.home.name)
    found = list(problems if problems is not None else rota_problems(plan))
    return CallsPreview(plan, homes, _unplaced(plan), found, changes_only=before is not None)


def _cancel_rota_bookings(programme: Programme, user: User) -> int:
    """Cancel the dates still ahead of the bookings the rota made before."""
    events = db.session.scalars(
        select(Event).where(Event.notes == rota_marker(programme), Event.kind == "video_call")
    )
    reason = _("The video-call rota was published again.")
    return sum(len(booking_changes.cancel_series(e, user, reason)) for e in events)


def _book(req: BookingRequest, user: User) -> Event | None:
    days, skipped = _dates(req)
    if not days:
        return None
    req.first_date = days[0]
    req.skip_dates = frozenset(d for d, _why in skipped)
    try:
        return booking.book(req, user)
    except BookingError as error:
        raise PlanningError(error.message, error.status) from None


def _tell(plan: Plan, families: list[Family]) -> tuple[list[Family], list[Family]]:
    """One SMS per family (siblings once); refused ones go to the manager's list."""
    told, not_told = [], []
    for family in families:
        sms = Sms(
            "call_rota",
            {"home": family.room.home.name, "time": slot_text(family.weekday, family.start_minute)},
        )
        try:
            notify_phone(family.phone, sms, "plan", plan.id)
        except SmsRefused:
            not_told.append(family)
            continue
        told.append(family)
    return told, not_told


def publish(plan: Plan, user: User, problems: list[str]) -> Published:
    """Publish the rota in the request's transaction: supersede the one before and cancel its
    bookings, book the rooms weekly, tell the parents (only the changed ones on a re-publish).
    Refused (409) when the plan is not a proposal, a solve of the programme runs, another plan
    was published since this re-plan began, or `problems` (the checker's) are not empty."""
    current = may_publish(plan)
    programme = plan.programme
    if problems:
        raise PlanningError(
            _("This plan breaks a rule now, so it was not published:"), 409, details=problems
        )
    rows = placements_of(plan)
    before = placements_of(current) if current is not None else None
    if current is not None:
        current.state = "superseded"
    cancelled = _cancel_rota_bookings(programme, user)
    db.session.flush()
    events = [e for req in _requests(programme, rows) if (e := _book(req, user)) is not None]
    now = clock.utcnow()
    plan.state, plan.published_at, plan.published_by_id = "published", now, user.id
    programme.state, programme.published_at = "published", now
    db.session.flush()
    to_tell, no_phone = _families(rows, before)
    told, refused = _tell(plan, to_tell)
    not_told = refused + no_phone
    audit.record(
        "plan.published",
        "plan",
        plan.id,
        before={"published": current.id if current else None, "cancelled": cancelled},
        after={
            "calls": len(rows),
            "bookings": [e.id for e in events],
            "told": len(told),
            "not_told": len(not_told),
        },
        actor_id=user.id,
    )
    return Published(plan, current, events, cancelled, told, not_told)
