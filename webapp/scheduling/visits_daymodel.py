"""The day-level CP-SAT model for home visits, used when a village may be visited over several
days (``village_same_day=False``); with one day per village the two-stage model of
visits_model.py and visits_days.py is smaller (docs/scheduling.md).

Households of one village (without a pin or a forbidden pair) are interchangeable but for their
priority and a few minutes of walking, so the model does not route them one by one. For each
village v, pair p and day d on which p can reach v within the limit:

* ``z[v,p,d]``: p visits v on d (boolean); ``n[v,p,d]``: how many of v's ordinary households
  (integer 0..cap); ``s[h,p,d]``: a special household h (pinned or with a forbidden pair) on that
  pair-day (boolean). The village load ``L = n + sum s`` satisfies ``z <= L <= cap z``.
* ``y[v,d]``: v's one day (when ``village_same_day``): ``z[v,p,d] <= y[v,d]``, ``sum_d y <= 1``.
* ``N[v,r]``: ordinary households of priority r visited in v, ``sum_r N = sum_{p,d} n``.

Per pair-day: ``sum_v L <= cap`` and the safe travel estimate ``sum_v (F z + B L) <= limit``
with ``F = 2 t(base, centre) + 2 R_v - B_v`` (visits_routes.py: the estimate of n visits is
``F + B n``). Objective: unvisited households weighted by priority plus the estimate's minutes.
The estimate is linear, so the LP relaxation (z >= L / cap) is strong.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

from .visits import PRIORITIES
from .visits_context import Placement, VisitContext


@dataclass
class VisitModel:
    model: cp_model.CpModel
    ctx: VisitContext
    z: dict[tuple[str, str, date], cp_model.IntVar] = field(default_factory=dict)
    n: dict[tuple[str, str, date], cp_model.IntVar] = field(default_factory=dict)
    s: dict[tuple[str, str, date], cp_model.IntVar] = field(default_factory=dict)
    y: dict[tuple[str, date], cp_model.IntVar] = field(default_factory=dict)
    visited: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # (v, prio)
    unvisited_expr: cp_model.LinearExprT = 0
    travel_expr: cp_model.LinearExprT = 0
    hint: Callable | None = None

    def set_hint(self, placement: Placement) -> None:
        self.model.clear_hints()
        load: dict[tuple[str, str, date], int] = defaultdict(int)
        for key, k in placement.counts.items():
            load[key] += k
        for h, (p, d) in placement.special.items():
            load[self.ctx.household[h].village, p, d] += 1
        for key, var in self.z.items():
            self.model.add_hint(var, 1 if load.get(key, 0) > 0 else 0)
        for key, var in self.n.items():
            self.model.add_hint(var, placement.counts.get(key, 0))
        for (h, p, d), var in self.s.items():
            self.model.add_hint(var, 1 if placement.special.get(h) == (p, d) else 0)
        days = {(v, d) for (v, _, d), k in load.items() if k > 0}
        for key, var in self.y.items():
            self.model.add_hint(var, 1 if key in days else 0)
        for (v, prio), var in self.visited.items():
            chosen = set(placement.chosen.get(v, ()))
            self.model.add_hint(
                var, sum(1 for h in self.ctx.ordinary(v) if h.priority == prio and h.id in chosen)
            )

    def decode(self, value: Callable[[cp_model.IntVar], int]) -> Placement:
        out = Placement()
        for key, var in self.n.items():
            if value(var):
                out.counts[key] = value(var)
        for (h, p, d), var in self.s.items():
            if value(var):
                out.special[h] = (p, d)
        for v in self.ctx.villages:
            chosen: list[str] = []
            for prio in PRIORITIES:
                var = self.visited.get((v, prio))
                if var is None or not value(var):
                    continue
                homes = [h for h in self.ctx.ordinary(v) if h.priority == prio]
                geo = self.ctx.geometry(v, "bus")
                homes.sort(key=lambda h: (_km(geo.centre, h.location), h.id))
                chosen += [h.id for h in homes[: value(var)]]
            out.chosen[v] = chosen
        return out


def _candidates(ctx: VisitContext, village: str, pinned_pairs, only=None) -> list:
    scored = sorted((ctx.estimate(p, village, 1), p.id) for p in ctx.pairs)
    keep = [p for t, p in scored if t <= ctx.limit and (only is None or p in only)]
    keep += [p for _, p in scored if (village, p) in pinned_pairs and p not in keep]
    return [ctx.pair[p] for p in sorted(keep, key=lambda p: [q.id for q in ctx.pairs].index(p))]


def _km(a, b) -> float:
    from .travel import haversine_km

    return haversine_km(a, b)


def build_visit_model(
    ctx: VisitContext,
    only: dict[str, set[str]] | None = None,
    villages: set[str] | None = None,
    taken: dict[tuple[str, date], tuple[int, int]] | None = None,
) -> VisitModel:
    """The day-level model; ``only``: per village, the pairs it may use (default: all that
    reach it); ``villages``: only these (the rest are placed already) and ``taken``: per
    pair-day, the (visits, estimated minutes) those use. The two-stage solve uses it so
    restricted to place the villages stage 2 could not, and to improve its plan."""
    problem, cap, limit = ctx.problem, ctx.cap, ctx.limit
    model = cp_model.CpModel()
    vm = VisitModel(model, ctx)
    weights = problem.weights
    per_pair_day: dict[tuple[str, date], list] = defaultdict(list)  # (load, estimate)
    unvisited_terms, travel_terms = [], []
    pinned_pairs = {
        (ctx.household[h].village, p) for h, (p, _) in ctx.pins.items() if h in ctx.household
    }
    for v in sorted(ctx.villages if villages is None else villages):
        candidates = _candidates(ctx, v, pinned_pairs, None if only is None else only.get(v, set()))
        ordinary = ctx.ordinary(v)
        specials = [h for h in ctx.villages[v] if h.id in ctx.special]
        size = len(ctx.villages[v])
        day_vars: dict[date, list[cp_model.IntVar]] = defaultdict(list)
        ordinary_n = []
        for pair in candidates:
            geo = ctx.geometry(v, pair.transport)
            fixed = ctx.estimate(pair, v, 1) - geo.per_visit
            for d in ctx.pair_days[pair.id]:
                key = (v, pair.id, d)
                z = model.new_bool_var(f"z[{v},{pair.id},{d}]")
                vm.z[key] = z
                load = []
                if ordinary:
                    n = model.new_int_var(0, min(cap, len(ordinary)), f"n[{v},{pair.id},{d}]")
                    vm.n[key] = n
                    ordinary_n.append(n)
                    load.append(n)
                for h in specials:
                    if ctx.allowed(h.id, pair.id, d):
                        s = model.new_bool_var(f"s[{h.id},{pair.id},{d}]")
                        vm.s[h.id, pair.id, d] = s
                        load.append(s)
                if not load:
                    model.add(z == 0)
                    continue
                total = sum(load)
                model.add(total <= min(cap, size) * z)
                model.add(total >= z)
                estimate = fixed * z + geo.per_visit * total
                per_pair_day[pair.id, d].append((total, estimate))
                travel_terms.append(estimate)
                day_vars[d].append(z)
        if problem.rules.village_same_day and day_vars:
            ys = []
            for d, zs in sorted(day_vars.items()):
                y = model.new_bool_var(f"y[{v},{d}]")
                vm.y[v, d] = y
                ys.append(y)
                for z in zs:
                    model.add_implication(z, y)
            model.add_at_most_one(ys)
        # Ordinary households visited per priority: red first is the objective's doing.
        visited_parts: list = []
        if ordinary:
            counts = {p: sum(1 for h in ordinary if h.priority == p) for p in PRIORITIES}
            parts = []
            for prio, count in counts.items():
                if count == 0:
                    continue
                var = model.new_int_var(0, count, f"N[{v},{prio}]")
                vm.visited[v, prio] = var
                parts.append(var)
                w = weights.unvisited.get(prio, 0)
                unvisited_terms.append(w * (count - var))
            model.add(sum(parts) == sum(ordinary_n))
            visited_parts += parts
        for h in specials:
            mine = [var for (hh, _, _), var in vm.s.items() if hh == h.id]
            visited_parts += mine
            w = weights.unvisited.get(h.priority, 0)
            if h.id in ctx.pins:
                model.add(sum(mine) == 1)
            else:
                model.add(sum(mine) <= 1)
                unvisited_terms.append(w * (1 - sum(mine)))
        # The cut that makes the LP bound tight (a Chvatal-Gomory rounding): a village of m
        # households needs ceil(m / cap) pair-visits on its day, less one per household left
        # unvisited. Without it the LP packs 13 households into 13/6 visits, not 3.
        need = -(-size // cap)
        if need > 1 and problem.rules.village_same_day:
            unvisited_v = size - sum(visited_parts)
            for d, zs in day_vars.items():
                model.add(sum(zs) >= need * vm.y[v, d] - unvisited_v)
        elif need > 1:
            model.add(
                sum(z for zs in day_vars.values() for z in zs) >= need - (size - sum(visited_parts))
            )
    for key, items in per_pair_day.items():
        used, minutes = (taken or {}).get(key, (0, 0))
        model.add(sum(total for total, _ in items) <= cap - used)
        model.add(sum(estimate for _, estimate in items) <= limit - minutes)
    vm.unvisited_expr = sum(unvisited_terms)
    vm.travel_expr = sum(travel_terms)
    model.minimize(vm.unvisited_expr + weights.travel_per_minute * vm.travel_expr)
    return vm
