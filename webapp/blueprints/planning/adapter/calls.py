"""A ``video_calls`` programme in engine terms, and the engine's rota back into rows.

What it must get right:

* the unit placed is a family: the consenting children of one household at one home (a child
  without a household calls alone); its id is the eldest child's (``f12``);
* the parents' times are what every child of the family has in common (siblings share parents;
  a child without times adds none), the school timetable is what any of them has (ignored in a
  holiday programme);
* a room (kind ``video_call``) is open in the home's opening hours (the duty manager is there),
  minus the weekly bookings of other events in that room during the programme;
* the last rota is kept where it can be: the family's slot in the base plan (a re-plan) or in
  the last published rota of another programme; ``missed_weeks`` counts the weeks since the
  family's last recorded video call (care logs), so that the room, when short, goes first to
  those who waited longest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp import clock
from webapp.blueprints.planning.adapter.call_times import (
    booked,
    common,
    minus,
    opening_hours,
    weekly_times,
)
from webapp.blueprints.planning.adapter.outcome import (
    Outcome,
    Progress,
    Summary,
    outcome_of,
    progress_relay,
)
from webapp.blueprints.planning.adapter.results import (
    engine_params,
    explanation_rows,
    proposed_plan,
)
from webapp.blueprints.planning.adapter.shared import NothingToPlan
from webapp.extensions import db
from webapp.models import (
    CallPlacement,
    CareLog,
    Child,
    Plan,
    Programme,
    Room,
)
from webapp.scheduling.calls import (
    CallFamily,
    CallRoom,
    CallSlot,
    VideoCallProblem,
    call_slots,
    check_calls,
    fits,
    parse_slot_id,
    slot_id,
    solve_calls,
)
from webapp.scheduling.plan import Plan as EnginePlan

MAX_MISSED_WEEKS = 8


@dataclass(frozen=True)
class FamilySlot:
    """A slot of a family's home, in planning terms, and whether it suits the family."""

    id: str  # engine slot id: what a move form sends back
    room_id: int
    weekday: int
    start: int
    end: int
    capacity: int
    suits: bool  # inside the parents' times and clear of school


@dataclass
class CallsBuilt:
    """The engine's side of a video-call programme."""

    programme_id: int
    problem: VideoCallProblem
    families: dict[str, tuple[int, ...]]  # family id -> child ids (eldest first)
    rooms: dict[str, int]  # engine room id -> Room.id
    base_plan_id: int | None = None
    notes: list[tuple[str, dict]] = field(default_factory=list)
    result: EnginePlan | None = None
    kind: str = "video_calls"

    @property
    def targets(self) -> dict[str, object]:
        return {fid: None for fid in self.families}

    def children_needed(self) -> int:
        return sum(len(c) for c in self.families.values())

    def family_of(self, child_id: int) -> str | None:
        return next((f for f, kids in self.families.items() if child_id in kids), None)

    def slots_of(self, family: str) -> list[FamilySlot]:
        """Every slot of the family's home, in room, weekday and time order."""
        match = next(f for f in self.problem.families if f.id == family)
        rooms = {r.id: r for r in self.problem.rooms}
        return [
            FamilySlot(
                s.id,
                self.rooms[s.room_id],
                s.weekday,
                s.start,
                s.end,
                rooms[s.room_id].capacity,
                fits(match, s),
            )
            for s in call_slots(self.problem)
            if s.home_id == match.home_id
        ]


def parse_slot(slot: str) -> tuple[int, int, int]:
    """An engine slot id as (Room.id, weekday, start minute); ValueError when malformed."""
    room, weekday, start = parse_slot_id(slot)
    return int(room[1:]), weekday, start


def family_id(child_id: int) -> str:
    return f"f{child_id}"


def room_id(db_id: int) -> str:
    return f"r{db_id}"


def build_calls(
    programme: Programme, pins_from: Plan | None = None, base: Plan | None = None
) -> CallsBuilt:
    home_ids = [h.id for h in programme.homes]
    rooms = list(
        db.session.scalars(
            select(Room)
            .where(Room.home_id.in_(home_ids), Room.kind == "video_call")
            .order_by(Room.home_id, Room.id)
        )
    )
    if not rooms:
        raise NothingToPlan("no_call_rooms")
    children = list(
        db.session.scalars(
            select(Child)
            .where(
                Child.home_id.in_(home_ids),
                Child.guardian_consent.is_(True),
                Child.erased_at.is_(None),
            )
            .order_by(Child.home_id, Child.household_id, Child.birth_year, Child.id)
        )
    )
    if not children:
        raise NothingToPlan("no_children")
    groups: dict[tuple, list[Child]] = defaultdict(list)
    for child in children:
        key = (child.home_id, child.household_id) if child.household_id else (child.id,)
        groups[key].append(child)
    times = weekly_times([c.id for c in children])
    holiday = bool(programme.setting("holiday"))
    last = _last_slots(programme, base, [c.id for c in children])
    missed = _missed_weeks([c.id for c in children])
    families = []
    members: dict[str, tuple[int, ...]] = {}
    for group in groups.values():
        fid = family_id(group[0].id)
        members[fid] = tuple(c.id for c in group)
        families.append(
            CallFamily(
                id=fid,
                home_id=f"h{group[0].home_id}",
                child_ids=tuple(f"c{c.id}" for c in group),
                parent_times=common([times[c.id]["parents"] for c in group]),
                school=() if holiday else tuple(w for c in group for w in times[c.id]["school"]),
                last_slot=next((last[c.id] for c in group if c.id in last), None),
                missed_weeks=min(missed.get(c.id, MAX_MISSED_WEEKS) for c in group),
                name=group[0].pseudonym,
            )
        )
    hours = opening_hours(home_ids, programme)
    engine_rooms = tuple(
        CallRoom(
            id=room_id(r.id),
            home_id=f"h{r.home_id}",
            hours=minus(hours.get(r.home_id, ()), booked(r, programme)),
            capacity=max(1, r.calls_at_once),
            name=r.name,
        )
        for r in rooms
    )
    problem = VideoCallProblem(
        rooms=engine_rooms,
        families=tuple(families),
        duty_hours={f"h{h}": tuple(w) for h, w in hours.items()},
        slot_minutes=int(programme.setting("slot_minutes")),
        pins=_pins(pins_from, members),
    )
    return CallsBuilt(
        programme.id,
        problem,
        members,
        {room_id(r.id): r.id for r in rooms},
        base_plan_id=base.id if base is not None else None,
    )


def _last_slots(programme: Programme, base: Plan | None, child_ids: list[int]) -> dict[int, str]:
    """Each child's slot in the base plan, else in the newest published rota of any video-call
    programme (last term's)."""
    query = (
        select(CallPlacement)
        .join(Plan, Plan.id == CallPlacement.plan_id)
        .where(CallPlacement.child_id.in_(child_ids))
        .order_by(Plan.published_at)
    )
    if base is not None:
        query = query.where(Plan.id == base.id)
    else:
        query = query.where(Plan.state == "published")
    out = {}
    for row in db.session.scalars(query):  # newest last: it wins
        out[row.child_id] = slot_id(room_id(row.room_id), row.weekday, row.start_minute)
    return out


def _missed_weeks(child_ids: list[int]) -> dict[int, int]:
    today = clock.today()
    rows = db.session.execute(
        select(CareLog.child_id, func.max(CareLog.happened_on))
        .where(CareLog.child_id.in_(child_ids), CareLog.kind == "video_call")
        .group_by(CareLog.child_id)
    ).all()
    return {c: min(MAX_MISSED_WEEKS, max(0, (today - last).days // 7)) for c, last in rows}


def _pins(plan: Plan | None, members: dict[str, tuple[int, ...]]) -> tuple[tuple[str, str], ...]:
    if plan is None:
        return ()
    family_of = {c: fid for fid, kids in members.items() for c in kids}
    pins = {}
    for row in db.session.scalars(
        select(CallPlacement).where(CallPlacement.plan_id == plan.id, CallPlacement.pinned)
    ):
        if row.child_id in family_of:
            pins[family_of[row.child_id]] = slot_id(
                room_id(row.room_id), row.weekday, row.start_minute
            )
    return tuple(pins.items())


# --------------------------------------------------------------------------- solve and store


def solve_calls_built(
    built: CallsBuilt,
    parameters: dict,
    on_progress: Callable[[Progress], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> Outcome:
    params = engine_params(parameters)
    progress = progress_relay(on_progress)
    result = solve_calls(built.problem, params, progress, stop)
    built.result = result
    placed = {a.volunteer_id for a in result.assignments}
    needed = built.children_needed()
    filled = sum(len(kids) for fid, kids in built.families.items() if fid in placed)
    return outcome_of(
        result,
        Summary(
            targets=len(built.families),
            assignments=filled,
            needed=needed,
            filled=filled,
            below_minimum=len(built.families) - len(placed),
        ),
    )


def store_calls(built: CallsBuilt, programme: Programme) -> Plan:
    """The engine's rota as a proposed Plan with one placement per child (flushed)."""
    result = built.result
    if result is None:
        raise RuntimeError("store_calls before solve")
    plan = proposed_plan(
        programme,
        built.base_plan_id,
        result,
        terms=[{"name": t.name, "value": t.value, "weight": t.weight} for t in result.terms],
        targets=[
            {"id": fid, "children": list(kids), "min": 1, "max": 1, "preferred": 1}
            for fid, kids in built.families.items()
        ],
        explanations=explanation_rows(result.explanations),
    )
    pinned = dict(built.problem.pins)
    slot_minutes = built.problem.slot_minutes
    for a in result.assignments:
        room, weekday, start = parse_slot_id(a.target_id)
        for child in built.families[a.volunteer_id]:
            db.session.add(
                CallPlacement(
                    plan=plan,
                    programme_id=programme.id,
                    child_id=child,
                    room_id=built.rooms[room],
                    weekday=weekday,
                    start_minute=start,
                    end_minute=start + slot_minutes,
                    pinned=pinned.get(a.volunteer_id) == a.target_id,
                    source="solver",
                )
            )
    db.session.flush()
    return plan


def unsuited(built: CallsBuilt, plan: Plan) -> list[CallPlacement]:
    """The placements of ``plan`` whose time no longer suits as the records are now: outside
    the room's hours (or the duty manager's), the parents' times or in school time, or a child
    who no longer takes part (consent withdrawn). Any start minute counts, not only the
    engine's slot steps: a call moved by hand to 19:30 is judged by the times alone."""
    families = {f.id: f for f in built.problem.families}
    rooms = {db_id: r for r, db_id in built.rooms.items()}
    engine_rooms = {r.id: r for r in built.problem.rooms}
    out = []
    for row in db.session.scalars(select(CallPlacement).where(CallPlacement.plan_id == plan.id)):
        family = families.get(built.family_of(row.child_id) or "")
        room = engine_rooms.get(rooms.get(row.room_id, ""))
        if family is None or room is None or room.home_id != family.home_id:
            out.append(row)
            continue
        span = (row.weekday, row.start_minute, row.end_minute)
        duty = built.problem.duty_hours.get(room.home_id)
        slot = CallSlot(row.room_id, room.id, room.home_id, *span, row.start_minute)
        if (
            not any(w.covers(*span) for w in room.hours)
            or (duty is not None and not any(w.covers(*span) for w in duty))
            or not fits(family, slot)
        ):
            out.append(row)
    return out


def rota_problems(built: CallsBuilt, plan: Plan) -> list[str]:
    """What the stored rota of ``plan`` breaks against the data as it is now (the engine's
    independent checker): [] when every rule holds."""
    family_of = {c: fid for fid, kids in built.families.items() for c in kids}
    room_of = {db_id: rid for rid, db_id in built.rooms.items()}
    seen = {}
    for row in db.session.scalars(
        select(CallPlacement)
        .where(CallPlacement.plan_id == plan.id)
        .options(selectinload(CallPlacement.child))
    ):
        fid = family_of.get(row.child_id)
        if fid is None or row.room_id not in room_of:
            continue
        seen[fid] = slot_id(room_of[row.room_id], row.weekday, row.start_minute)
    from webapp.scheduling.plan import Assignment as EngineAssignment

    engine_plan = EnginePlan(
        status="feasible",
        objective=None,
        best_bound=None,
        gap=None,
        wall_seconds=0.0,
        assignments=tuple(EngineAssignment(fid, sid) for fid, sid in seen.items()),
    )
    return check_calls(built.problem, engine_plan)
