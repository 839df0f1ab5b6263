"""The weekly family video-call rota (亲情视频): every child one call a week with their parents.

What is asked: each home's call rooms (weekly opening hours, calls held at once), the duty
manager's hours, and per family (one child, or siblings who call together) the parents' free
times, the children's school timetable, last week's slot and how many weeks they went without a
call. What is answered: a ``Plan`` whose assignments are ``Assignment(family_id, slot_id)``.

Slots are cut from each room window on ``slot_minutes`` steps from the window's start and kept
when they lie inside the home's duty hours too; a slot id reads "r3@3:1170" (room r3, Thursday,
19:30). A family's candidates are its home's slots inside the parents' times, clear of school,
and not forbidden by the coordinator. The model (calls_model.py), the explanations
(calls_explain.py) and the benchmark generator (calls_generate.py) build on this module.

``check_calls`` checks a plan against the raw input (room hours, duty hours, parents' times,
school, capacity, one call per family and child, pins, forbidden slots) without using the
candidate rules below, so that it catches a mistake in them as well.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from .plan import Assignment, Plan, Progress
from .problem import TimeWindow
from .solver import SolveParams, StopFlag


@dataclass(frozen=True)
class CallRoom:
    id: str
    home_id: str
    hours: tuple[TimeWindow, ...]  # weekly opening hours
    capacity: int = 1  # calls held at once
    name: str = ""


@dataclass(frozen=True)
class CallFamily:
    """One call: one child, or siblings who call together (the app uses the eldest's id)."""

    id: str
    home_id: str
    child_ids: tuple[str, ...]
    parent_times: tuple[TimeWindow, ...]  # when the parents can take a call
    school: tuple[TimeWindow, ...] = ()  # the children's timetable: busy then
    last_slot: str | None = None  # last week's slot: kept where possible
    missed_weeks: int = 0  # weeks without a call lately: first in line when rooms are short
    name: str = ""


@dataclass(frozen=True)
class CallWeights:
    unplaced: int = 10_000  # per family without a slot, times (1 + missed_weeks)
    moved: int = 100  # per family whose slot differs from its last slot
    late: int = 1  # per 10 minutes after the room window opens: a tie-break toward early slots


@dataclass(frozen=True)
class VideoCallProblem:
    rooms: tuple[CallRoom, ...]
    families: tuple[CallFamily, ...]
    # home_id -> the duty manager's hours; a home absent here: the room's hours only.
    duty_hours: Mapping[str, tuple[TimeWindow, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    slot_minutes: int = 20
    pins: tuple[tuple[str, str], ...] = ()  # (family_id, slot_id) kept by the coordinator
    forbidden: tuple[tuple[str, str], ...] = ()  # (family_id, slot_id): "not this slot"
    weights: CallWeights = CallWeights()


@dataclass(frozen=True)
class CallSlot:
    id: str
    room_id: str
    home_id: str
    weekday: int
    start: int
    end: int
    opens: int  # start of the room window the slot was cut from ("late" counts from here)

    @property
    def late(self) -> int:
        return (self.start - self.opens) // 10


def slot_id(room_id: str, weekday: int, start: int) -> str:
    return f"{room_id}@{weekday}:{start}"


def parse_slot_id(text: str) -> tuple[str, int, int]:
    """ "r3@3:1170" -> ("r3", 3, 1170); ValueError on anything else."""
    room, sep, rest = text.rpartition("@")
    day, colon, start = rest.partition(":")
    if not (sep and colon and room and day.isdigit() and start.isdigit()):
        raise ValueError(f"not a call slot id: {text!r}")
    return room, int(day), int(start)


def _covered(windows: Sequence[TimeWindow], weekday: int, start: int, end: int) -> bool:
    return any(w.covers(weekday, start, end) for w in windows)


def _overlaps(windows: Sequence[TimeWindow], weekday: int, start: int, end: int) -> bool:
    return any(w.weekday == weekday and w.start < end and start < w.end for w in windows)


def call_slots(problem: VideoCallProblem) -> list[CallSlot]:
    """Every slot of every room, in room order, then by weekday and start."""
    out: list[CallSlot] = []
    step = problem.slot_minutes
    for room in problem.rooms:
        duty = problem.duty_hours.get(room.home_id)
        seen: dict[str, CallSlot] = {}
        for w in room.hours:
            for start in range(w.start, w.end - step + 1, step):
                if duty is not None and not _covered(duty, w.weekday, start, start + step):
                    continue
                sid = slot_id(room.id, w.weekday, start)
                if sid not in seen:
                    seen[sid] = CallSlot(
                        sid, room.id, room.home_id, w.weekday, start, start + step, w.start
                    )
        out += sorted(seen.values(), key=lambda s: (s.weekday, s.start))
    return out


def fits(family: CallFamily, s: CallSlot) -> bool:
    """Inside the parents' times and clear of school (home and forbidden are checked apart)."""
    return _covered(family.parent_times, s.weekday, s.start, s.end) and not _overlaps(
        family.school, s.weekday, s.start, s.end
    )


def candidates(problem: VideoCallProblem, slots: Sequence[CallSlot]) -> dict[str, list[CallSlot]]:
    """family id -> the slots it may take (its home's, inside its times, not forbidden)."""
    by_home: dict[str, list[CallSlot]] = defaultdict(list)
    for s in slots:
        by_home[s.home_id].append(s)
    banned = set(problem.forbidden)
    return {
        f.id: [s for s in by_home[f.home_id] if fits(f, s) and (f.id, s.id) not in banned]
        for f in problem.families
    }


def overlap_groups(slots: Sequence[CallSlot]) -> list[list[CallSlot]]:
    """Per room and weekday, the slots that hold one moment in common (one group per moment a
    slot starts): capacity holds in every group, so no moment has more calls than the room."""
    by_day: dict[tuple[str, int], list[CallSlot]] = defaultdict(list)
    for s in slots:
        by_day[s.room_id, s.weekday].append(s)
    groups: list[list[CallSlot]] = []
    for day in by_day.values():
        seen: set[tuple[str, ...]] = set()
        for t in sorted({s.start for s in day}):
            group = [s for s in day if s.start <= t < s.end]
            key = tuple(sorted(s.id for s in group))
            if key not in seen:
                seen.add(key)
                groups.append(group)
    return groups


# --------------------------------------------------------------------------- solve


def solve_calls(
    problem: VideoCallProblem,
    params: SolveParams | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    stop: StopFlag = None,
) -> Plan:
    """Solve the rota (calls_model.py); never raises on bad input (status "invalid")."""
    from .calls_model import solve_model  # local: calls_model imports this module

    return solve_model(problem, params or SolveParams(), on_progress, stop)


# --------------------------------------------------------------------------- check


def check_calls(problem: VideoCallProblem, plan: Plan | Sequence[Assignment]) -> list[str]:
    """Every broken hard rule of a plan, in words; an empty list: the plan is valid."""
    assignments = plan.assignments if isinstance(plan, Plan) else tuple(plan)
    rooms = {r.id: r for r in problem.rooms}
    families = {f.id: f for f in problem.families}
    step = problem.slot_minutes
    errors: list[str] = []
    per_family = Counter(a.volunteer_id for a in assignments)
    errors += [f"family {f} has {n} calls in the week" for f, n in per_family.items() if n > 1]
    per_child = Counter(c for fid in per_family if fid in families for c in families[fid].child_ids)
    errors += [f"child {c} has {n} calls in the week" for c, n in per_child.items() if n > 1]
    held: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    for a in assignments:
        f = families.get(a.volunteer_id)
        try:
            room_id, day, start = parse_slot_id(a.target_id)
        except ValueError:
            errors.append(f"family {a.volunteer_id}: bad slot id {a.target_id!r}")
            continue
        room, end, where = rooms.get(room_id), start + step, f"{a.volunteer_id} at {a.target_id}"
        if f is None:
            errors.append(f"{where}: unknown family")
            continue
        if room is None:
            errors.append(f"{where}: unknown room")
            continue
        held[room_id, day].append((start, end))
        if room.home_id != f.home_id:
            errors.append(f"{where}: the room is in another home")
        if not any(w.covers(day, start, end) and (start - w.start) % step == 0 for w in room.hours):
            errors.append(f"{where}: outside the room's hours")
        duty = problem.duty_hours.get(room.home_id)
        if duty is not None and not _covered(duty, day, start, end):
            errors.append(f"{where}: outside the duty manager's hours")
        if not _covered(f.parent_times, day, start, end):
            errors.append(f"{where}: outside the parents' times")
        if _overlaps(f.school, day, start, end):
            errors.append(f"{where}: in school time")
    for (room_id, day), calls in held.items():
        cap = rooms[room_id].capacity
        for t in sorted({s for s, _ in calls}):
            n = sum(1 for s, e in calls if s <= t < e)
            if n > cap:
                errors.append(
                    f"room {room_id}: {n} calls at {slot_id(room_id, day, t)}, holds {cap}"
                )
    chosen = {(a.volunteer_id, a.target_id) for a in assignments}
    errors += [f"pin not kept: {f} at {s}" for f, s in problem.pins if (f, s) not in chosen]
    errors += [f"forbidden slot used: {f} at {s}" for f, s in problem.forbidden if (f, s) in chosen]
    return errors
