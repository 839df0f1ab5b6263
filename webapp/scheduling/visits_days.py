"""The home-visit model, stage 2: each village's day.

Stage 1 (visits_model.py) chose which pairs visit which village and how many households each.
Here each village gets one day on which all its pairs are free (and a pinned day, if any), such
that no pair-day exceeds the visit cap or the travel limit (the same safe estimate). A village
that cannot get a day is marked missing (the objective: the weight of its households); such a
village is then placed the greedy way on what room is left (visits_greedy.py), so that only
what cannot be placed at all stays unvisited. When every village gets its day, the plan keeps
stage 1's objective, and stage 1's bound proves how good it is.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from ortools.sat.python import cp_model

from .visits_context import Placement, VisitContext
from .visits_daymodel import build_visit_model
from .visits_greedy import _Days, _fill


def schedule_days(
    ctx: VisitContext,
    loads: dict[tuple[str, str], int],
    ordinary_counts: dict[tuple[str, str], int],
    specials: dict[str, str],
    chosen: dict[str, list[str]],
    time_limit: float,
    deterministic: float | None = None,
) -> Placement:
    """``loads``: (village, pair) -> households; ``ordinary_counts``: the ordinary part;
    ``specials``: special household -> pair; ``chosen``: ordinary households per village."""
    pairs_of: dict[str, list[str]] = defaultdict(list)
    for v, p in sorted(loads):
        pairs_of[v].append(p)
    pinned_day: dict[str, date] = {}
    for h, (_, d) in ctx.pins.items():
        if d is not None and h in specials:
            pinned_day[ctx.household[h].village] = d
    model = cp_model.CpModel()
    y: dict[tuple[str, date], cp_model.IntVar] = {}
    per_pair_day: dict[tuple[str, date], list[tuple[cp_model.IntVar, int, int]]] = defaultdict(list)
    missing = []
    for v, ps in pairs_of.items():
        common = set(ctx.problem.days)
        for p in ps:
            common &= set(ctx.pair_days[p])
        if v in pinned_day:
            common &= {pinned_day[v]}
        ys = []
        for d in sorted(common):
            y[v, d] = model.new_bool_var(f"y[{v},{d}]")
            ys.append(y[v, d])
            for p in ps:
                est = ctx.estimate(ctx.pair[p], v, loads[v, p])
                per_pair_day[p, d].append((y[v, d], loads[v, p], est))
        worth = sum(_weight(ctx, h) for h in chosen.get(v, ())) + sum(
            _weight(ctx, h) for h, p in specials.items() if ctx.household[h].village == v
        )
        if ys:
            model.add_at_most_one(ys)
            missing.append((1 - sum(ys)) * worth)
        else:
            missing.append(worth)
    for items in per_pair_day.values():
        model.add(sum(var * k for var, k, _ in items) <= ctx.cap)
        model.add(sum(var * est for var, _, est in items) <= ctx.limit)
    model.minimize(sum(missing))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, time_limit)
    if deterministic is not None:
        solver.parameters.max_deterministic_time = deterministic
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 7
    status = solver.solve(model)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    placement = Placement(chosen={v: list(hs) for v, hs in chosen.items()})
    day_of: dict[str, date] = {}
    for (v, d), var in y.items():
        if found and solver.value(var):
            day_of[v] = d
    for (v, p), k in ordinary_counts.items():
        if v in day_of and k > 0:
            placement.counts[v, p, day_of[v]] = k
    for h, p in specials.items():
        v = ctx.household[h].village
        if v in day_of:
            placement.special[h] = (p, day_of[v])
    _place_the_rest(ctx, placement, [v for v in pairs_of if v not in day_of], time_limit)
    return placement


def _weight(ctx: VisitContext, h: str) -> int:
    return ctx.problem.weights.unvisited.get(ctx.household[h].priority, 0)


def _place_the_rest(ctx: VisitContext, placement: Placement, villages, time_limit: float) -> None:
    """Villages without a day: the day-level model (visits_daymodel.py) on them alone, with
    every pair that can reach them, on the room the others leave, started from the greedy way
    of placing them. What does not fit stays unvisited (and is explained)."""
    if not villages:
        return
    days = _Days(ctx)
    for (v, p, d), k in placement.counts.items():
        days.add(p, d, v, k)
    for h, (p, d) in placement.special.items():
        days.add(p, d, ctx.household[h].village, 1)
    taken = {key: (days.count(*key), days.minutes(*key)) for key in list(days.visits)}
    hint = Placement(chosen={})
    for v in sorted(villages):
        want = len(placement.chosen.get(v, []))
        best = None
        for d in ctx.problem.days:
            _, n, minutes = _fill(ctx, days, v, d, want, commit=False)
            key = (-n, minutes, d)
            best = key if best is None or key < best else best
        placed = 0
        if best is not None and best[0] < 0:
            d = best[2]
            takes, placed, _ = _fill(ctx, days, v, d, want, commit=True)
            for p, k in takes:
                hint.counts[v, p, d] = hint.counts.get((v, p, d), 0) + k
        hint.chosen[v] = placement.chosen.get(v, [])[:placed]
    found = _solve_rest(ctx, set(villages), taken, hint, time_limit)
    for key, k in (found or hint).counts.items():
        placement.counts[key] = k
    for h, spot in (found or hint).special.items():
        placement.special[h] = spot
    for v in villages:
        placement.chosen[v] = (found or hint).chosen.get(v, [])


def _solve_rest(ctx, villages, taken, hint: Placement, time_limit: float) -> Placement | None:
    dm = build_visit_model(ctx, None, villages, taken)
    dm.set_hint(hint)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, time_limit)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 7
    status = solver.solve(dm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return dm.decode(solver.value)
