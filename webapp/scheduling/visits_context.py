"""What the home-visit solver and its baseline share: the pairs, villages and their geometry, the
safe travel estimate, how a village's visits are laid out among its pairs, and how a plan's
routes are realised (ordered, measured, kept within the limit) and valued.

A *placement* is what both the model and the greedy baseline decide: for each (village, pair,
day) how many of the village's ordinary households the pair visits, which households are visited
in each priority, and, for the few households with a pin or a forbidden pair ("special"), the
pair-day of each. ``realise`` turns it into routes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from .plan import Assignment, Explanation, Plan, Status, TermValue
from .problem import Location
from .travel import travel_minutes
from .visits import (
    PRIORITIES,
    HomeVisitProblem,
    Household,
    Route,
    VisitPair,
    VisitPlan,
    parse_target_id,
    target_id,
)
from .visits_pairs import pairing
from .visits_routes import VillageGeometry, best_order, route_minutes, village_geometry

Key = tuple[str, str, date]  # (village, pair id, day)


@dataclass
class Placement:
    counts: dict[Key, int] = field(default_factory=dict)  # ordinary households per pair-day
    chosen: dict[str, list[str]] = field(default_factory=dict)  # village -> ordinary visited
    special: dict[str, tuple[str, date]] = field(default_factory=dict)  # household -> pair-day


class VisitContext:
    def __init__(self, problem: HomeVisitProblem):
        self.problem = problem
        self.rules = problem.rules
        self.cap = problem.rules.max_visits_per_day
        self.limit = problem.rules.max_travel_minutes
        self.unpaired: tuple[Explanation, ...] = ()
        if problem.pairs:
            self.pairs = tuple(problem.pairs)
        else:
            formed = pairing(problem.visitors, problem.rules)
            self.pairs, self.unpaired = formed.pairs, formed.unpaired
        self.pair = {p.id: p for p in self.pairs}
        campaign = set(problem.days)
        self.pair_days = {p.id: tuple(sorted(set(p.days) & campaign)) for p in self.pairs}
        self.household = {h.id: h for h in problem.households}
        self.villages: dict[str, list[Household]] = defaultdict(list)
        for h in problem.households:
            self.villages[h.village].append(h)
        self.forbidden = set(problem.forbidden)
        self.pins: dict[str, tuple[str, date | None]] = {}
        for h_id, target in problem.pins:
            try:
                self.pins[h_id] = parse_target_id(target)
            except ValueError:
                self.pins[h_id] = (target, None)  # a pair, any of its days
        forbidden_homes = {h for h, _ in self.forbidden}
        self.special = {
            h.id for h in problem.households if h.id in self.pins or h.id in forbidden_homes
        }
        self._geometry: dict[tuple[str, str], VillageGeometry] = {}

    # ----------------------------------------------------------------------------- geometry
    def geometry(self, village: str, mode: str) -> VillageGeometry:
        key = (village, mode)
        if key not in self._geometry:
            homes = [(h.id, h.location) for h in self.villages[village]]
            self._geometry[key] = village_geometry(village, homes, mode, self.cap)
        return self._geometry[key]

    def estimate(self, pair: VisitPair, village: str, visits: int) -> int:
        return self.geometry(village, pair.transport).estimate(pair.base, pair.transport, visits)

    def route_estimate(self, pair: VisitPair, household_ids) -> int:
        per_village: dict[str, int] = defaultdict(int)
        for h in household_ids:
            per_village[self.household[h].village] += 1
        return sum(self.estimate(pair, v, n) for v, n in per_village.items())

    def ordinary(self, village: str) -> list[Household]:
        return [h for h in self.villages[village] if h.id not in self.special]

    def allowed(self, household_id: str, pair_id: str, day: date) -> bool:
        if (household_id, pair_id) in self.forbidden:
            return False
        pin = self.pins.get(household_id)
        return pin is None or (pin[0] == pair_id and pin[1] in (None, day))

    def round_trip(self, pair: VisitPair, location: Location) -> int:
        return 2 * travel_minutes(pair.base, location, pair.transport)

    # ----------------------------------------------------------------------------- routes
    def layout(self, placement: Placement) -> dict[tuple[str, date], list[str]]:
        """Household ids per pair-day: each village's chosen ordinary households along the
        village tour, cut into consecutive runs (one per pair-day, as the estimate assumes),
        then the special households where they were placed."""
        out: dict[tuple[str, date], list[str]] = defaultdict(list)
        by_village: dict[str, list[tuple[date, str, int]]] = defaultdict(list)
        for (v, p, d), n in placement.counts.items():
            if n > 0:
                by_village[v].append((d, p, n))
        for v, runs in by_village.items():
            chosen = set(placement.chosen.get(v, ()))
            # Any mode's tour order will do for the cut; take the first pair's.
            mode = self.pair[runs[0][1]].transport
            ordered = [h for h in self.geometry(v, mode).order if h in chosen]
            at = 0
            for d, p, n in sorted(runs):
                out[p, d].extend(ordered[at : at + n])
                at += n
        for h, (p, d) in placement.special.items():
            out[p, d].append(h)
        return out

    def realise(self, by_pair_day: Mapping[tuple[str, date], list[str]]) -> tuple[Route, ...]:
        """Order each pair-day's visits; a day over the limit (the estimate is safe for runs of
        a village tour, a special household may still tip it) drops its least urgent visit
        that saves the most until it fits (pins are never dropped)."""
        routes = []
        for (p_id, d), homes in sorted(by_pair_day.items()):
            if not homes:
                continue
            pair = self.pair[p_id]
            ordered, minutes = self._order(pair, homes)
            while minutes > self.limit and any(h not in self.pins for h in ordered):
                ordered, minutes = self._drop_one(pair, ordered)
            routes.append(Route(p_id, d, tuple(ordered), minutes))
        return tuple(routes)

    def _order(self, pair: VisitPair, homes: list[str]) -> tuple[list[str], int]:
        stops = [self.household[h].location for h in homes]
        order = best_order(pair.base, stops, pair.transport)
        ordered = [homes[i] for i in order]
        return ordered, route_minutes(pair.base, [stops[i] for i in order], pair.transport)

    def _drop_one(self, pair: VisitPair, homes: list[str]) -> tuple[list[str], int]:
        best = None
        for h in homes:
            if h in self.pins:
                continue
            rest = [x for x in homes if x != h]
            ordered, minutes = self._order(pair, rest)
            rank = PRIORITIES.index(self.household[h].priority)
            key = (-rank, minutes)
            if best is None or key < best[0]:
                best = (key, ordered, minutes)
        assert best is not None
        return best[1], best[2]

    # ----------------------------------------------------------------------------- value
    def terms(self, routes: tuple[Route, ...]) -> tuple[TermValue, ...]:
        visited = {h for r in routes for h in r.household_ids}
        weights = self.problem.weights
        out = []
        for prio in PRIORITIES:
            left = sum(
                1 for h in self.problem.households if h.priority == prio and h.id not in visited
            )
            out.append(TermValue(f"unvisited_{prio}", left, weights.unvisited.get(prio, 0)))
        estimate = sum(self.route_estimate(self.pair[r.pair_id], r.household_ids) for r in routes)
        out.append(TermValue("travel", estimate, weights.travel_per_minute))
        out.append(TermValue("route_minutes", sum(r.travel_minutes for r in routes), 0))
        return tuple(out)

    def visit_plan(
        self,
        routes: tuple[Route, ...],
        status: Status,
        bound: float | None,
        wall: float,
        explanations: tuple[Explanation, ...] = (),
        **extra,
    ) -> VisitPlan:
        terms = self.terms(routes)
        objective: float | None = float(sum(t.weighted for t in terms))
        gap = None if bound is None else abs(objective - bound) / max(1.0, abs(objective))
        if status == "infeasible":  # pins that cannot all hold: no plan to value
            objective = gap = None
        assignments = tuple(
            Assignment(h, target_id(r.pair_id, r.day)) for r in routes for h in r.household_ids
        )
        plan = Plan(
            status,
            objective,
            bound,
            gap,
            wall,
            terms,
            assignments,
            self.unpaired + explanations,
            **extra,
        )
        return VisitPlan(plan, self.pairs, routes)
