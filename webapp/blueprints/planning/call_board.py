"""The review board of a video-call rota: each room's week of calls, the families left without a
call and why, what changed against the published rota; and the coordinator's hand changes
(move a family to another slot, pin it), each checked against the rules before it is made."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp import audit
from webapp.blueprints.homes.availability import hhmm
from webapp.blueprints.planning import adapter
from webapp.blueprints.planning.adapter import CallsBuilt
from webapp.blueprints.planning.errors import PlanningError
from webapp.core.lookup import get_or_404
from webapp.extensions import db
from webapp.labels import weekday_label
from webapp.models import CallPlacement, Child, Plan, Room


@dataclass
class Call:
    """One family's weekly call: the placements of its children (siblings share the slot)."""

    family: str
    children: list[Child]
    room: Room
    weekday: int
    start: int
    end: int
    pinned: bool
    first_id: int  # the placement that names the family in URLs (the eldest child's)
    was: str = ""  # the published rota's slot, in words, when it differs

    @property
    def when(self) -> str:
        return f"{weekday_label(self.weekday)} {hhmm(self.start)}"


@dataclass
class RoomWeek:
    room: Room
    days: dict[int, list[Call]] = field(default_factory=dict)


@dataclass
class Unplaced:
    family: str
    children: list[Child]
    reason: str


@dataclass
class CallBoard:
    rooms: list[RoomWeek]
    unplaced: list[Unplaced]
    children: int
    placed: int
    changed: int  # families whose slot differs from the published rota


def placements(plan: Plan) -> list[CallPlacement]:
    return list(
        db.session.scalars(
            select(CallPlacement)
            .where(CallPlacement.plan_id == plan.id)
            .options(selectinload(CallPlacement.child), selectinload(CallPlacement.room))
            .order_by(CallPlacement.weekday, CallPlacement.start_minute, CallPlacement.child_id)
        )
    )


def _calls(plan: Plan) -> list[Call]:
    """The plan's calls, one per family (the children of one household on one slot)."""
    by_family: dict[tuple, list[CallPlacement]] = defaultdict(list)
    members = {c: t["id"] for t in plan.targets or [] for c in t.get("children", [])}
    for row in placements(plan):
        key = members.get(row.child_id, adapter.call_family_id(row.child_id))
        by_family[key, row.room_id, row.weekday, row.start_minute].append(row)
    out = []
    for (fid, _room, weekday, start), rows in by_family.items():
        out.append(
            Call(
                family=fid,
                children=[r.child for r in rows],
                room=rows[0].room,
                weekday=weekday,
                start=start,
                end=rows[0].end_minute,
                pinned=all(r.pinned for r in rows),
                first_id=rows[0].id,
            )
        )
    return out


def board(plan: Plan, compare: Plan | None, locale: str, home_id: int | None = None) -> CallBoard:
    calls = _calls(plan)
    before = {c.family: (c.room.id, c.weekday, c.start) for c in _calls(compare)} if compare else {}
    changed = 0
    for call in calls:
        old = before.get(call.family)
        if compare is not None and old != (call.room.id, call.weekday, call.start):
            changed += 1
            call.was = f"{weekday_label(old[1])} {hhmm(old[2])}" if old else _("new in this rota")
    rooms: dict[int, RoomWeek] = {}
    for call in calls:
        if home_id is not None and call.room.home_id != home_id:
            continue
        week = rooms.setdefault(call.room.id, RoomWeek(call.room))
        week.days.setdefault(call.weekday, []).append(call)
    children = {
        c.id: c for c in db.session.scalars(select(Child).where(Child.id.in_(_all_children(plan))))
    }
    placed_families = {c.family for c in calls}
    unplaced = []
    for target in plan.targets or []:
        if target["id"] in placed_families:
            continue
        kids = [children[c] for c in target.get("children", []) if c in children]
        if home_id is not None and kids and kids[0].home_id != home_id:
            continue
        unplaced.append(Unplaced(target["id"], kids, _reason(plan, target["id"], locale)))
    return CallBoard(
        rooms=sorted(rooms.values(), key=lambda w: (w.room.home.name, w.room.name)),
        unplaced=unplaced,
        children=sum(len(t.get("children", [])) for t in plan.targets or []),
        placed=sum(len(c.children) for c in calls),
        changed=changed,
    )


def _all_children(plan: Plan) -> list[int]:
    return [c for t in plan.targets or [] for c in t.get("children", [])]


def _reason(plan: Plan, family: str, locale: str) -> str:
    for e in plan.explanations or []:
        params = e.get("params") or {}
        if params.get("family") == family or e.get("target") == family:
            text = e.get("text") or {}
            return text.get(locale) or text.get("zh_CN") or text.get("en") or e.get("key", "")
    return _("No slot: the engine gave no reason.")


# --------------------------------------------------------------------------- hand changes


def _proposal(plan: Plan) -> None:
    if not plan.is_proposed:
        raise PlanningError(_("Only a proposal can be changed; publish a re-plan instead."), 409)


def plan_of_placement(placement_id: int) -> Plan:
    return get_or_404(CallPlacement, placement_id).plan


def family_rows(plan: Plan, placement_id: int) -> list[CallPlacement]:
    """The placement and its siblings' (the same family, on the same slot)."""
    row = db.session.get(CallPlacement, placement_id)
    if row is None or row.plan_id != plan.id:
        raise PlanningError(_("This call is not in the plan."), 404)
    household = row.child.household_id
    if household is None:
        return [row]
    return [
        r
        for r in placements(plan)
        if r.child.household_id == household
        and (r.room_id, r.weekday, r.start_minute) == (row.room_id, row.weekday, row.start_minute)
    ]


@dataclass(frozen=True)
class SlotChoice:
    id: str
    label: str
    reason: str  # "" when the family may take it


def slot_choices(plan: Plan, placement_id: int) -> tuple[CallsBuilt, list[SlotChoice]]:
    """Every slot of the family's home, with why it cannot take each ("" : it can)."""
    rows = family_rows(plan, placement_id)
    built = adapter.build(plan.programme)
    family = built.family_of(rows[0].child_id)
    if family is None:
        raise PlanningError(_("This child no longer takes part in the rota."), 409)
    used = _used(plan, exclude={r.id for r in rows})
    names = {
        r.id: r.name
        for r in db.session.scalars(select(Room).where(Room.id.in_(built.rooms.values())))
    }
    out = []
    for s in built.slots_of(family):
        reason = ""
        if not s.suits:
            reason = _("outside the parents' times or in school time")
        elif _held_at(used, s.room_id, s.weekday, s.start, s.end) >= s.capacity:
            reason = _("the room is full then")
        label = f"{names[s.room_id]} · {weekday_label(s.weekday)} {hhmm(s.start)}"
        out.append(SlotChoice(s.id, label, reason))
    return built, out


def _used(plan: Plan, exclude: set[int]) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """Per room and weekday: (start, end) of every call but ``exclude`` (siblings once)."""
    out: dict[tuple[int, int], dict] = defaultdict(dict)
    for r in placements(plan):
        if r.id in exclude:
            continue
        key = r.child.household_id or -r.child_id
        out[r.room_id, r.weekday][key, r.start_minute] = (r.start_minute, r.end_minute)
    return {k: list(v.values()) for k, v in out.items()}


def _held_at(used: dict, room: int, weekday: int, start: int, end: int) -> int:
    calls = used.get((room, weekday), [])
    return max(
        (sum(1 for s, e in calls if s <= t < e) for t in range(start, end)),
        default=0,
    )


def move(plan: Plan, placement_id: int, slot: str, user) -> list[CallPlacement]:
    """Move a family to ``slot`` (pinned: the coordinator chose it); refused (422) with the
    reason when the slot does not fit the family or the room is full then."""
    _proposal(plan)
    rows = family_rows(plan, placement_id)
    _built, choices = slot_choices(plan, placement_id)
    choice = next((c for c in choices if c.id == slot), None)
    if choice is None:
        raise PlanningError(_("Choose one of the slots of the child's home."), 422)
    if choice.reason:
        raise PlanningError(_("Not this slot: %(reason)s.", reason=choice.reason), 422)
    room, weekday, start = adapter.parse_call_slot(slot)
    before = [r.child_id for r in rows], rows[0].room_id, rows[0].weekday, rows[0].start_minute
    for r in rows:
        r.room_id, r.weekday = room, weekday
        r.end_minute = start + (r.end_minute - r.start_minute)
        r.start_minute = start
        r.pinned, r.source = True, "manual"
    db.session.flush()
    audit.record(
        "plan.call_moved",
        "plan",
        plan.id,
        before={"children": before[0], "room": before[1], "weekday": before[2], "start": before[3]},
        after={"room": rows[0].room_id, "weekday": weekday, "start": start},
        actor_id=user.id,
    )
    return rows


def toggle_pin(plan: Plan, placement_id: int) -> bool:
    _proposal(plan)
    rows = family_rows(plan, placement_id)
    pinned = not all(r.pinned for r in rows)
    for r in rows:
        r.pinned = pinned
    db.session.flush()
    return pinned
