"""A ``home_visits`` programme in engine terms, and the engine's routes back into rows.

What it must get right:

* the unit visited is a household (siblings once) of the consenting children at the
  programme's homes; its priority is its most urgent child's (red, yellow, blue, green; a child
  without one counts as yellow); a household without a map point cannot be planned and is said so;
* the visitors are the programme's participants: their days are the campaign's days within
  their ``available`` ranges and outside their ``away`` ranges; cleared means cleared through
  the campaign's last day;
* pairs: the engine forms them (one cleared adult at least; mixed when the county asks), except
  that the pairs of the plan whose pins are kept stay as they were (pins name a pair's day);
  a pair's id is made of its members' ids (``p3-8``), so it means the same in every plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

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
from webapp.blueprints.planning.adapter.shared import (
    TRANSPORT,
    NothingToPlan,
    load_volunteers,
    place_of,
)
from webapp.extensions import db
from webapp.models import Child, Household, Plan, Programme, VisitPlacement, Volunteer
from webapp.scheduling.visits import (
    HomeVisitProblem,
    Visitor,
    VisitPair,
    VisitPlan,
    VisitRules,
    check_visits,
    form_pairs,
    parse_target_id,
    solve_visits,
    target_id,
)
from webapp.scheduling.visits import (
    Household as EngineHousehold,
)
from webapp.scheduling.visits_routes import best_order, route_minutes

PRIORITY_ORDER = ("red", "yellow", "blue", "green")


@dataclass
class VisitsBuilt:
    """The engine's side of a home-visit programme."""

    programme_id: int
    problem: HomeVisitProblem
    households: dict[str, int]  # engine id -> Household.id
    visitors: dict[str, int]  # engine id -> Volunteer.id
    unplannable: list[int] = field(default_factory=list)  # children without a map point
    base_plan_id: int | None = None
    notes: list[tuple[str, dict]] = field(default_factory=list)
    result: VisitPlan | None = None
    kind: str = "home_visits"

    @property
    def targets(self) -> dict[str, object]:
        return {hid: None for hid in self.households}

    def pair_days(self) -> list[tuple[str, int, int, date]]:
        """Every pair's every day: (target id, first visitor, second visitor, day)."""
        return [
            (target_id(p.id, d), *pair_members(p.id), d) for p in self.problem.pairs for d in p.days
        ]


def household_id(db_id: int) -> str:
    return f"hh{db_id}"


def visitor_id(db_id: int) -> str:
    return f"v{db_id}"


def pair_id(a: int, b: int) -> str:
    lo, hi = sorted((a, b))
    return f"p{lo}-{hi}"


def pair_members(engine_pair_id: str) -> tuple[int, int]:
    lo, hi = engine_pair_id[1:].split("-")
    return int(lo), int(hi)


def parse_target(target: str) -> tuple[str, date]:
    """A pair's day ("p3-8@2027-07-05") as (pair id, day); ValueError when malformed."""
    return parse_target_id(target)


def visiting_order(
    built: VisitsBuilt, pair: str, household_ids: list[int]
) -> tuple[list[int], int]:
    """The households of one pair's day in the best visiting order, and the route's minutes
    (from the pair's base and back, by its transport, as the engine counts them)."""
    match = next((p for p in built.problem.pairs if p.id == pair), None)
    base = match.base if match else None
    mode = match.transport if match else "bus"
    places = {h.id: h.location for h in built.problem.households}
    stops = [places[household_id(h)] for h in household_ids]
    order = best_order(base, stops, mode)
    return [household_ids[i] for i in order], route_minutes(base, [stops[i] for i in order], mode)


def travel_in_order(built: VisitsBuilt, pair: str, household_ids: list[int]) -> int | None:
    """The route's minutes with the households in this order, as the engine counts them now
    (None when a household has no map point any more)."""
    match = next((p for p in built.problem.pairs if p.id == pair), None)
    places = {h.id: h.location for h in built.problem.households}
    if any(household_id(h) not in places for h in household_ids):
        return None
    stops = [places[household_id(h)] for h in household_ids]
    base = match.base if match else None
    return route_minutes(base, stops, match.transport if match else "bus")


def campaign_days(programme: Programme) -> tuple[date, ...]:
    days = (programme.ends_on - programme.starts_on).days + 1
    return tuple(programme.starts_on + timedelta(days=i) for i in range(days))


def rules_of(programme: Programme) -> VisitRules:
    return VisitRules(
        max_visits_per_day=int(programme.setting("max_visits_per_day")),
        max_travel_minutes=int(programme.setting("max_travel_minutes")),
        mixed_pairs=bool(programme.setting("mixed_pairs")),
    )


def build_visits(
    programme: Programme, pins_from: Plan | None = None, base: Plan | None = None
) -> VisitsBuilt:
    home_ids = [h.id for h in programme.homes]
    children = list(
        db.session.scalars(
            select(Child).where(
                Child.home_id.in_(home_ids),
                Child.guardian_consent.is_(True),
                Child.erased_at.is_(None),
            )
        )
    )
    by_household: dict[int, list[Child]] = defaultdict(list)
    unplannable = []
    for child in children:
        if child.household_id is None:
            unplannable.append(child.id)
        else:
            by_household[child.household_id].append(child)
    households = []
    for row in db.session.scalars(
        select(Household).where(Household.id.in_(list(by_household))).order_by(Household.id)
    ):
        kids = by_household[row.id]
        where = place_of(row.lat, row.lon, row.village)
        if where is None:
            unplannable += [c.id for c in kids]
            continue
        households.append(
            EngineHousehold(
                id=household_id(row.id),
                village=row.village or row.label,
                location=where,
                child_ids=tuple(f"c{c.id}" for c in kids),
                priority=min((c.priority or "yellow" for c in kids), key=PRIORITY_ORDER.index),
                name=row.label,
            )
        )
    if not households:
        raise NothingToPlan("no_households")
    days = campaign_days(programme)
    rows = load_volunteers([v.id for v in programme.volunteers])
    visitors = tuple(v for v in (_visitor(r, days, programme.ends_on) for r in rows) if v.days)
    if len(visitors) < 2:
        raise NothingToPlan("no_visitors")
    rules = rules_of(programme)
    pairs = _pairs(pins_from or base, visitors, rules)
    problem = HomeVisitProblem(
        days=days,
        households=tuple(households),
        visitors=visitors,
        pairs=pairs,
        rules=rules,
        pins=_pins(pins_from, {p.id for p in pairs}),
    )
    return VisitsBuilt(
        programme.id,
        problem,
        {h.id: int(h.id[2:]) for h in households},
        {v.id: int(v.id[1:]) for v in visitors},
        unplannable=unplannable,
        base_plan_id=base.id if base is not None else None,
    )


def _visitor(row: Volunteer, days: tuple[date, ...], last_day: date) -> Visitor:
    available = [(r.starts_on, r.ends_on) for r in row.date_ranges if r.kind == "available"]
    away = [(r.starts_on, r.ends_on) for r in row.date_ranges if r.kind == "away"]
    free = tuple(
        d
        for d in days
        if (not available or any(a <= d <= b for a, b in available))
        and not any(a <= d <= b for a, b in away)
    )
    return Visitor(
        id=visitor_id(row.id),
        days=free,
        cleared=row.is_cleared(last_day),
        sex={"female": "f", "male": "m", "f": "f", "m": "m"}.get(row.gender or ""),
        base=place_of(row.lat, row.lon, row.place_name),
        transport=TRANSPORT.get(row.transport_mode, "bus"),
        name=row.name,
    )


def _pairs(
    plan: Plan | None, visitors: tuple[Visitor, ...], rules: VisitRules
) -> tuple[VisitPair, ...]:
    """The pairs of ``plan`` that can still go out together, then pairs formed of the rest;
    every pair named by its members."""
    by_id = {v.id: v for v in visitors}
    kept: list[VisitPair] = []
    used: set[str] = set()
    if plan is not None:
        seen = set()
        for a, b in db.session.execute(
            select(VisitPlacement.first_visitor_id, VisitPlacement.second_visitor_id).where(
                VisitPlacement.plan_id == plan.id
            )
        ):
            va, vb = by_id.get(visitor_id(a)), by_id.get(visitor_id(b))
            if va is None or vb is None or (a, b) in seen or {va.id, vb.id} & used:
                continue
            seen.add((a, b))
            shared = tuple(d for d in va.days if d in set(vb.days))
            if shared and (va.cleared or vb.cleared):
                kept.append(_pair(va, vb, shared))
                used |= {va.id, vb.id}
    rest = tuple(v for v in visitors if v.id not in used)
    formed = [
        _pair(by_id[p.member_ids[0]], by_id[p.member_ids[1]], p.days)
        for p in form_pairs(rest, rules)
    ]
    return tuple(kept + formed)


def _pair(a: Visitor, b: Visitor, days: tuple[date, ...]) -> VisitPair:
    first = a if a.base is not None else b
    return VisitPair(
        id=pair_id(int(a.id[1:]), int(b.id[1:])),
        member_ids=(a.id, b.id),
        days=days,
        base=first.base,
        transport=first.transport,
    )


def _pins(plan: Plan | None, pair_ids: set[str]) -> tuple[tuple[str, str], ...]:
    if plan is None:
        return ()
    out = []
    for row in db.session.scalars(
        select(VisitPlacement).where(VisitPlacement.plan_id == plan.id, VisitPlacement.pinned)
    ):
        pid = pair_id(row.first_visitor_id, row.second_visitor_id)
        if pid in pair_ids:
            out.append((household_id(row.household_id), target_id(pid, row.day)))
    return tuple(out)


# --------------------------------------------------------------------------- solve and store


def solve_visits_built(
    built: VisitsBuilt,
    parameters: dict,
    on_progress: Callable[[Progress], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> Outcome:
    params = engine_params(parameters)
    progress = progress_relay(on_progress)
    result = solve_visits(built.problem, params, progress, stop)
    built.result = result
    plan = result.plan
    visited = len({a.volunteer_id for a in plan.assignments})
    needed = len(built.households)
    return outcome_of(
        plan,
        Summary(
            targets=needed,
            assignments=visited,
            needed=needed,
            filled=visited,
            below_minimum=needed - visited,
        ),
    )


def store_visits(built: VisitsBuilt, programme: Programme) -> Plan:
    """The engine's routes as a proposed Plan, one placement per household (flushed)."""
    if built.result is None:
        raise RuntimeError("store_visits before solve")
    result = built.result.plan
    plan = proposed_plan(
        programme,
        built.base_plan_id,
        result,
        terms=[{"name": t.name, "value": t.value, "weight": t.weight} for t in result.terms],
        targets=[
            {
                "id": f"{r.pair_id}@{r.day.isoformat()}",
                "pair": r.pair_id,
                "day": r.day.isoformat(),
                "households": list(r.household_ids),
                "travel_minutes": r.travel_minutes,
            }
            for r in built.result.routes
        ],
        explanations=explanation_rows(result.explanations)
        + [
            {"kind": "unfilled", "key": "no_household", "params": {"child": c}, "target": None}
            for c in built.unplannable
        ],
    )
    pinned = set(built.problem.pins)
    for route in built.result.routes:
        first, second = pair_members(route.pair_id)
        tid = target_id(route.pair_id, route.day)
        for position, hid in enumerate(route.household_ids, start=1):
            db.session.add(
                VisitPlacement(
                    plan=plan,
                    programme_id=programme.id,
                    household_id=built.households[hid],
                    first_visitor_id=first,
                    second_visitor_id=second,
                    day=route.day,
                    position=position,
                    route_minutes=route.travel_minutes,
                    pinned=(hid, tid) in pinned,
                    source="solver",
                )
            )
    db.session.flush()
    return plan


def route_problems(built: VisitsBuilt, plan: Plan) -> list[str]:
    """What the stored routes of ``plan`` break against the data as it is now (the engine's
    independent checker): [] when every rule holds."""
    from webapp.scheduling.plan import Assignment as EngineAssignment
    from webapp.scheduling.plan import Plan as EnginePlan
    from webapp.scheduling.visits import Route, route_travel

    rows = list(
        db.session.scalars(
            select(VisitPlacement)
            .where(VisitPlacement.plan_id == plan.id)
            .order_by(VisitPlacement.day, VisitPlacement.position)
        )
    )
    routes: dict[tuple[str, date], list[str]] = defaultdict(list)
    for row in rows:
        routes[pair_id(row.first_visitor_id, row.second_visitor_id), row.day].append(
            household_id(row.household_id)
        )
    pairs = {p.id: p for p in built.problem.pairs}
    households = {h.id: h for h in built.problem.households}
    engine_routes = []
    for (pid, day), hids in routes.items():
        pair = pairs.get(pid)
        if pair is None:
            a, b = pair_members(pid)
            pair = VisitPair(pid, (visitor_id(a), visitor_id(b)), ())
        stops = [households[h] for h in hids if h in households]
        engine_routes.append(
            Route(pid, day, tuple(hids), route_travel(pair, stops, built.problem.rules))
        )
    engine_plan = EnginePlan(
        status="feasible",
        objective=None,
        best_bound=None,
        gap=None,
        wall_seconds=0.0,
        assignments=tuple(
            EngineAssignment(h, target_id(r.pair_id, r.day))
            for r in engine_routes
            for h in r.household_ids
        ),
    )
    problem = built.problem
    return check_visits(problem, VisitPlan(engine_plan, problem.pairs, tuple(engine_routes)))
