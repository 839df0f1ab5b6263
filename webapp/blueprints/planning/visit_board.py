"""The review board of a home-visit campaign: each pair's days with their households in visiting
order and the day's travel, the households left unvisited and why; and the coordinator's hand
changes (move a household to another pair's day, pin it), each checked by the engine's own
checker (travel limit on the real route, visits a day, village on one day, ...) before it is
made."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp import audit
from webapp.blueprints.planning import adapter
from webapp.blueprints.planning.adapter import VisitsBuilt
from webapp.blueprints.planning.errors import PlanningError
from webapp.core.lookup import get_or_404
from webapp.extensions import db
from webapp.models import Child, Household, Plan, VisitPlacement, Volunteer

PRIORITY_RANK = {"red": 0, "yellow": 1, "blue": 2, "green": 3}


@dataclass
class Stop:
    placement: VisitPlacement
    household: Household

    @property
    def priority(self) -> str:
        ranks = [c.priority or "yellow" for c in self.household.children]
        return min(ranks, key=lambda p: PRIORITY_RANK.get(p, 9)) if ranks else "yellow"


@dataclass
class Day:
    day: date
    stops: list[Stop]
    minutes: int


@dataclass
class PairWeek:
    key: str  # "p3-8"
    visitors: list[Volunteer]
    days: list[Day] = field(default_factory=list)


@dataclass
class Unvisited:
    household: Household | None
    reason: str
    child: Child | None = None  # a child without a household on the map (household is None)


@dataclass
class VisitBoard:
    pairs: list[PairWeek]
    unvisited: list[Unvisited]
    households: int
    visited: int
    limit: int  # travel minutes per pair and day
    changed: int  # households whose pair or day differs from the published plan


def placements(plan: Plan) -> list[VisitPlacement]:
    return list(
        db.session.scalars(
            select(VisitPlacement)
            .where(VisitPlacement.plan_id == plan.id)
            .options(
                selectinload(VisitPlacement.household).selectinload(Household.children),
                selectinload(VisitPlacement.first_visitor),
                selectinload(VisitPlacement.second_visitor),
            )
            .order_by(VisitPlacement.day, VisitPlacement.position)
        )
    )


def board(plan: Plan, compare: Plan | None, locale: str) -> VisitBoard:
    rows = placements(plan)
    before = (
        {
            r.household_id: (r.first_visitor_id, r.second_visitor_id, r.day)
            for r in placements(compare)
        }
        if compare is not None
        else {}
    )
    pairs: dict[str, PairWeek] = {}
    days: dict[tuple[str, date], Day] = {}
    for r in rows:
        key = adapter.visit_pair_id(r.first_visitor_id, r.second_visitor_id)
        week = pairs.setdefault(key, PairWeek(key, [r.first_visitor, r.second_visitor]))
        if (key, r.day) not in days:
            days[key, r.day] = Day(r.day, [], r.route_minutes)
            week.days.append(days[key, r.day])
        days[key, r.day].stops.append(Stop(r, r.household))
    changed = sum(
        1
        for r in rows
        if compare is not None
        and before.get(r.household_id) != (r.first_visitor_id, r.second_visitor_id, r.day)
    )
    unvisited = _unvisited(plan, {r.household_id for r in rows}, locale)
    households = len(rows) + sum(1 for u in unvisited if u.household is not None)
    unvisited.sort(key=lambda u: u.household is None)  # households first, then lone children
    return VisitBoard(
        pairs=sorted(pairs.values(), key=lambda p: p.visitors[0].name_key or p.visitors[0].name),
        unvisited=unvisited,
        households=households,
        visited=len(rows),
        limit=int(plan.programme.setting("max_travel_minutes")),
        changed=changed,
    )


def _unvisited(plan: Plan, visited: set[int], locale: str) -> list[Unvisited]:
    out = []
    for e in plan.explanations or []:
        if e.get("kind") != "unfilled":
            continue
        params = e.get("params") or {}
        text = e.get("text") or {}
        reason = text.get(locale) or text.get("zh_CN") or text.get("en")
        hid = params.get("household") or e.get("target")
        if isinstance(hid, str) and hid.startswith("hh"):
            household = db.session.get(Household, int(hid[2:]))
            if household is None or household.id in visited:
                continue
            out.append(Unvisited(household, reason or _("Not visited.")))
        elif e.get("key") == "no_household":
            child = db.session.get(Child, params.get("child") or 0)
            if child is not None:
                out.append(
                    Unvisited(None, _("No household with a place on the map is recorded."), child)
                )
    return out


# --------------------------------------------------------------------------- hand changes


def plan_of_placement(placement_id: int) -> Plan:
    return get_or_404(VisitPlacement, placement_id).plan


def placements_row(plan: Plan, placement_id: int) -> VisitPlacement:
    row = db.session.get(VisitPlacement, placement_id)
    if row is None or row.plan_id != plan.id:
        raise PlanningError(_("This visit is not in the plan."), 404)
    return row


def _row(plan: Plan, placement_id: int) -> VisitPlacement:
    row = placements_row(plan, placement_id)
    if not plan.is_proposed:
        raise PlanningError(_("Only a proposal can be changed; publish a re-plan instead."), 409)
    return row


@dataclass(frozen=True)
class DayChoice:
    id: str  # "p3-8@2027-07-05"
    label: str


def day_choices(plan: Plan) -> tuple[VisitsBuilt, list[DayChoice]]:
    """Every pair's every day (as the engine sees the campaign now)."""
    built = adapter.build(plan.programme, pins_from=plan)
    names = {
        v.id: v.name
        for v in db.session.scalars(
            select(Volunteer).where(Volunteer.id.in_(list(built.visitors.values())))
        )
    }
    out = [
        DayChoice(target, f"{names.get(a, a)}、{names.get(b, b)} · {d}")
        for target, a, b, d in built.pair_days()
    ]
    return built, out


def move(plan: Plan, placement_id: int, target: str, user) -> VisitPlacement:
    """Move a household to another pair's day; both days are put in the best visiting order
    again. Refused (422) with what it would break; nothing is changed then."""
    row = _row(plan, placement_id)
    built, choices = day_choices(plan)
    if target not in {c.id for c in choices}:
        raise PlanningError(_("Choose one of the pairs' days."), 422)
    pid, day = adapter.parse_visit_target(target)
    first, second = adapter.visit_pair_members(pid)
    old = (row.first_visitor_id, row.second_visitor_id, row.day)
    row.first_visitor_id, row.second_visitor_id, row.day = first, second, day
    row.pinned, row.source = True, "manual"
    _reorder(built, plan, {(old[0], old[1], old[2]), (first, second, day)})
    db.session.flush()
    problems = adapter.visit_route_problems(built, plan)
    if problems:
        db.session.rollback()
        raise PlanningError(_("Not this day: %(problems)s", problems="; ".join(problems[:3])), 422)
    audit.record(
        "plan.visit_moved",
        "plan",
        plan.id,
        before={"household": row.household_id, "pair": list(old[:2]), "day": old[2].isoformat()},
        after={"pair": [first, second], "day": day.isoformat()},
        actor_id=user.id,
    )
    return row


def _reorder(built: VisitsBuilt, plan: Plan, days: set[tuple[int, int, date]]) -> None:
    """Put each given pair-day's households in the best order and store the route's minutes."""
    groups: dict[tuple[int, int, date], list[VisitPlacement]] = defaultdict(list)
    for r in db.session.scalars(select(VisitPlacement).where(VisitPlacement.plan_id == plan.id)):
        key = (r.first_visitor_id, r.second_visitor_id, r.day)
        if key in days:
            groups[key].append(r)
    for (a, b, _day), rows in groups.items():
        by_household = {r.household_id: r for r in rows}
        order, minutes = adapter.visiting_order(
            built, adapter.visit_pair_id(a, b), list(by_household)
        )
        for position, household in enumerate(order, start=1):
            row = by_household[household]
            row.position, row.route_minutes = position, minutes


def toggle_pin(plan: Plan, placement_id: int) -> bool:
    row = _row(plan, placement_id)
    row.pinned = not row.pinned
    db.session.flush()
    return row.pinned
