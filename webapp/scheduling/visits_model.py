"""The home-visit model, stage 1: which pairs visit which villages, and how many households each.

When a village's households are visited on one day (``village_same_day``), a pair visits a
village at most once. The model decides, for each village v and pair p that can reach it within
the day's limit: ``x[v,p]`` (p visits v, boolean), ``n[v,p]`` (how many of v's ordinary
households, 0..cap) and ``s[h,p]`` for the few special households (pinned or with a forbidden
pair); the load ``L = n + sum s`` satisfies ``x <= L <= cap x``. ``N[v,r]`` counts v's ordinary
households visited per priority. The travel estimate of the visit is ``F x + B L`` (F and B from
visits_routes.py: the estimate of n visits is ``F + B n``, safe for any visiting order).

The days are *relaxed*: per pair, the loads, the estimates and the visits that each take more
than half a day's limit (no two of those fit in one day) are bounded by its number of days times
the day's limits. A village of m households needs ceil(m / cap) visits, less one per household
left unvisited (a Chvatal-Gomory cut the LP would not find). Every plan of the day-level problem
is a plan of this model with the same objective, so CP-SAT's bound here is a valid bound for the
campaign; stage 2 (visits_days.py) then gives each village its day. Measured (docs): 7,000
pair-village options instead of 42,000 pair-village-days, a first bound in seconds, not a minute.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .travel import haversine_km
from .visits import PRIORITIES
from .visits_context import Placement, VisitContext


@dataclass
class VillageModel:
    model: cp_model.CpModel
    ctx: VisitContext
    x: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # (v, p)
    n: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    s: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # (h, p)
    visited: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # (v, prio)
    y: dict[tuple[str, object], cp_model.IntVar] = field(default_factory=dict)  # (v, day)
    hint: Callable | None = None

    def set_hint(self, placement: Placement) -> None:
        self.model.clear_hints()
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for (v, p, _), k in placement.counts.items():
            counts[v, p] += k
        load = dict(counts)
        for h, (p, _) in placement.special.items():
            key = (self.ctx.household[h].village, p)
            load[key] = load.get(key, 0) + 1
        for key, var in self.x.items():
            self.model.add_hint(var, 1 if load.get(key, 0) > 0 else 0)
        for key, var in self.n.items():
            self.model.add_hint(var, counts.get(key, 0))
        for (h, p), var in self.s.items():
            spot = placement.special.get(h)
            self.model.add_hint(var, 1 if spot is not None and spot[0] == p else 0)
        days = {(v, d) for (v, _, d), k in placement.counts.items() if k > 0}
        days |= {(self.ctx.household[h].village, d) for h, (_, d) in placement.special.items()}
        for key, var in self.y.items():
            self.model.add_hint(var, 1 if key in days else 0)
        for (v, prio), var in self.visited.items():
            chosen = set(placement.chosen.get(v, ()))
            homes = self.ctx.ordinary(v)
            self.model.add_hint(var, sum(1 for h in homes if h.priority == prio and h.id in chosen))

    def loads(self, value: Callable[[cp_model.IntVar], int]) -> dict[tuple[str, str], int]:
        """(village, pair) -> households visited, for the day stage."""
        out: dict[tuple[str, str], int] = defaultdict(int)
        for key, var in self.n.items():
            out[key] += value(var)
        for (h, p), var in self.s.items():
            if value(var):
                out[self.ctx.household[h].village, p] += 1
        return {k: v for k, v in out.items() if v > 0}

    def chosen(self, value: Callable[[cp_model.IntVar], int]) -> dict[str, list[str]]:
        """Per village, the ordinary households visited: the counts per priority, nearest the
        village centre first (the estimate holds for any of them)."""
        out = {}
        for v in self.ctx.villages:
            picked: list[str] = []
            centre = self.ctx.geometry(v, "bus").centre
            for prio in PRIORITIES:
                var = self.visited.get((v, prio))
                if var is None or not value(var):
                    continue
                homes = [h for h in self.ctx.ordinary(v) if h.priority == prio]
                homes.sort(key=lambda h: (haversine_km(centre, h.location), h.id))
                picked += [h.id for h in homes[: value(var)]]
            out[v] = picked
        return out


def candidates(ctx: VisitContext, village: str) -> list:
    """Pairs that can reach the village within the day's limit, or hold a pin there."""
    pinned = {
        p
        for h, (p, _) in ctx.pins.items()
        if h in ctx.household and ctx.household[h].village == village
    }
    return [
        p
        for p in ctx.pairs
        if ctx.pair_days[p.id] and (ctx.estimate(p, village, 1) <= ctx.limit or p.id in pinned)
    ]


def _village_day(ctx: VisitContext, vm: VillageModel, v: str, xs) -> None:
    """The village's one day ``y[v,d]``: a pair visits it only if free that day (valid for
    every plan; it spares stage 2 villages whose pairs share no day)."""
    model = vm.model
    days = sorted({d for (vv, p) in vm.x if vv == v for d in ctx.pair_days[p]})
    y = {d: model.new_bool_var(f"y[{v},{d}]") for d in days}
    model.add_at_most_one(y.values())
    for (vv, p), x in vm.x.items():
        if vv == v:
            model.add(x <= sum(y[d] for d in ctx.pair_days[p]))
    vm.y.update({(v, d): var for d, var in y.items()})


def build_village_model(ctx: VisitContext, only: dict[str, set[str]] | None = None) -> VillageModel:
    """Stage 1's model; ``only``: per village, the pairs it may use (default: all that reach
    it; visits_solve.py keeps those the LP relaxation uses and a few more)."""
    problem, cap, limit = ctx.problem, ctx.cap, ctx.limit
    model = cp_model.CpModel()
    vm = VillageModel(model, ctx)
    weights = problem.weights
    per_pair: dict[str, list[tuple]] = defaultdict(list)  # p -> (load, estimate, x, big)
    unvisited_terms, travel_terms = [], []
    for v in sorted(ctx.villages):
        ordinary = ctx.ordinary(v)
        specials = [h for h in ctx.villages[v] if h.id in ctx.special]
        size = len(ctx.villages[v])
        xs, ordinary_n = [], []
        for pair in candidates(ctx, v):
            if only is not None and pair.id not in only.get(v, ()):
                continue
            days = ctx.pair_days[pair.id]
            load = []
            if ordinary:
                n = model.new_int_var(0, min(cap, len(ordinary)), f"n[{v},{pair.id}]")
                vm.n[v, pair.id] = n
                ordinary_n.append(n)
                load.append(n)
            for h in specials:
                if any(ctx.allowed(h.id, pair.id, d) for d in days):
                    vm.s[h.id, pair.id] = model.new_bool_var(f"s[{h.id},{pair.id}]")
                    load.append(vm.s[h.id, pair.id])
            if not load:
                continue
            x = model.new_bool_var(f"x[{v},{pair.id}]")
            vm.x[v, pair.id] = x
            xs.append(x)
            total = sum(load)
            model.add(total <= min(cap, size) * x)
            model.add(total >= x)
            per_visit = ctx.geometry(v, pair.transport).per_visit
            first = ctx.estimate(pair, v, 1)
            estimate = (first - per_visit) * x + per_visit * total
            travel_terms.append(estimate)
            per_pair[pair.id].append((total, estimate, x, 2 * first > limit))
        visited = []
        if ordinary:
            parts = []
            for prio in PRIORITIES:
                count = sum(1 for h in ordinary if h.priority == prio)
                if count == 0:
                    continue
                var = model.new_int_var(0, count, f"N[{v},{prio}]")
                vm.visited[v, prio] = var
                parts.append(var)
                unvisited_terms.append(weights.unvisited.get(prio, 0) * (count - var))
            model.add(sum(parts) == sum(ordinary_n))
            visited += parts
        for h in specials:
            mine = [var for (hh, _), var in vm.s.items() if hh == h.id]
            visited += mine
            if h.id in ctx.pins:
                model.add(sum(mine) == 1)
            else:
                model.add(sum(mine) <= 1)
                unvisited_terms.append(weights.unvisited.get(h.priority, 0) * (1 - sum(mine)))
        need = -(-size // cap)
        if need > 1 and xs:
            model.add(sum(xs) >= need - (size - sum(visited)))
        if xs:
            _village_day(ctx, vm, v, xs)
    for p, items in per_pair.items():
        days = len(ctx.pair_days[p])
        model.add(sum(load for load, _, _, _ in items) <= cap * days)
        model.add(sum(est for _, est, _, _ in items) <= limit * days)
        big = [x for _, _, x, is_big in items if is_big]
        if len(big) > days:
            model.add(sum(big) <= days)
    model.minimize(sum(unvisited_terms) + weights.travel_per_minute * sum(travel_terms))
    return vm
