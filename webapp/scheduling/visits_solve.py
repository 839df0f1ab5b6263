"""Solve a home-visit campaign: the greedy plan as a hint, the village-level CP-SAT model
(visits_model.py), then each pair-day's visiting order and real travel (visits_context.py).

The reported objective is the plan's value (unvisited households by priority plus the safe
travel estimate's minutes); the bound is CP-SAT's on the same value, so the gap says how far the
plan can be from the best plan of the model. The real route minutes (never more than the
estimate) are the term ``route_minutes``, weight 0.
"""

from __future__ import annotations

import dataclasses
import math
import time

from .solver import _STATUS, ProgressFn, SolveParams, StopFlag, run_model, stopped_fn
from .visits import HomeVisitProblem, VisitPlan
from .visits_bound import lp_relaxation
from .visits_context import VisitContext
from .visits_daymodel import build_visit_model
from .visits_days import schedule_days
from .visits_explain import unvisited
from .visits_greedy import greedy_placement
from .visits_lns import polish
from .visits_model import build_village_model, candidates

STAGE1_SHARE = 0.4  # of the time limit, for stage 1 (pairs to villages; near the LP bound by then)
DAY_SECONDS = 10.0  # stage 2 (the villages' days, then the villages left), at most
NEAR_PAIRS = 4  # stage 1 keeps, beyond the LP's options, each village's nearest pairs


def solve_visits(
    problem: HomeVisitProblem,
    params: SolveParams | None = None,
    on_progress: ProgressFn = None,
    stop: StopFlag = None,
) -> VisitPlan:
    params = params or SolveParams()
    if params.strategy == "auto":
        params = dataclasses.replace(params, strategy="max_lp")
    started = time.monotonic()
    ctx = VisitContext(problem)
    start = greedy_placement(ctx)
    if stopped_fn(stop)():
        # Stopped before the search: the greedy plan, unproven. CP-SAT is not started with the
        # flag already up: OR-Tools 9.15 aborted the process (a postsolve check) when it was.
        name, placement, bound, det, stopped = "feasible", start, None, 0.0, True
    elif problem.rules.village_same_day:
        name, placement, bound, det, stopped = _two_stages(ctx, start, params, on_progress, stop)
    else:
        name, placement, bound, det, stopped = _day_model(ctx, start, params, on_progress, stop)
    routes = () if name == "infeasible" else ctx.realise(ctx.layout(placement))
    if name != "infeasible":
        # Never worse than the baseline it started from (stage 2 may have had to drop visits).
        fallback = ctx.realise(ctx.layout(start))
        if _value(ctx, fallback) < _value(ctx, routes):
            routes = fallback
        if bound is not None and _value(ctx, routes) <= bound:
            name = "optimal"
        elif name == "optimal":
            name = "feasible"  # stage 1 was proven, but the days cost something
    why = unvisited(ctx, routes, proven=name == "optimal") if params.explain else ()
    return ctx.visit_plan(
        routes,
        name,
        bound,
        time.monotonic() - started,
        why,
        deterministic_time=det,
        stopped=stopped,
    )


def _value(ctx: VisitContext, routes) -> float:
    return float(sum(t.weighted for t in ctx.terms(routes)))


def _two_stages(ctx, start, params, on_progress, stop):
    started = time.monotonic()
    vm = build_village_model(ctx)
    relaxed = lp_relaxation(vm.model, params.time_limit / 3)
    lp_bound = None
    if relaxed is not None:
        # Stage 1 on the options the LP uses, the baseline's and each village's nearest pairs;
        # the LP's bound holds for the whole model.
        lp_bound, values = relaxed
        only = _kept_options(ctx, start, vm, values)
        vm = build_village_model(ctx, only)
    hint = start if params.hint else None
    vm.hint = vm.set_hint if hint is not None else None
    main = dataclasses.replace(
        params,
        time_limit=params.time_limit * STAGE1_SHARE,
        deterministic_time=None
        if params.deterministic_time is None
        else params.deterministic_time * STAGE1_SHARE,
    )
    solver, status, _, stopped = run_model(vm, main, on_progress, stop, hint)
    name = _STATUS.get(status, "timeout_no_solution")
    det = solver.response_proto.deterministic_time
    if name not in ("optimal", "feasible"):
        return ("infeasible" if name == "infeasible" else "feasible"), start, None, det, stopped
    bound = (
        lp_bound if lp_bound is not None else float(math.ceil(solver.best_objective_bound - 1e-6))
    )
    value = solver.value
    specials = {h: p for (h, p), var in vm.s.items() if value(var)}
    ordinary = {key: value(var) for key, var in vm.n.items() if value(var)}
    deterministic = None if params.deterministic_time is None else params.deterministic_time / 4
    loads = vm.loads(value)
    placement = schedule_days(
        ctx, loads, ordinary, specials, vm.chosen(value), DAY_SECONDS, deterministic
    )
    # Stage 3: neighbourhoods of a dozen villages re-planned by the day-level model in turn
    # (visits_lns.py), from the better of stage 2's plan and the greedy one, for the time left
    # (when the days cost stage 1's plan more than it gained, the greedy plan is polished).
    if _value(ctx, ctx.realise(ctx.layout(start))) < _value(
        ctx, ctx.realise(ctx.layout(placement))
    ):
        placement = start
    proven = bound is not None and _value(ctx, ctx.realise(ctx.layout(placement))) <= bound
    if not stopped and not proven:
        per_round = None if params.deterministic_time is None else 0.2
        deadline = started + params.time_limit
        placement = polish(ctx, placement, deadline, stopped_fn(stop), per_round)
    return name, placement, bound, det, stopped


def _kept_options(ctx, start, vm, values) -> dict[str, set[str]]:
    """Per village, the pairs worth keeping: those the LP uses (when given), those of the plan
    ``start`` (so that it stays a plan of the smaller model) and the nearest few."""
    only: dict[str, set[str]] = {v: set() for v in ctx.villages}
    for (v, p), var in vm.x.items() if vm is not None else ():
        if values[var.index] > 1e-6:
            only[v].add(p)
    for v, p, _ in start.counts:
        only[v].add(p)
    for h, (p, _) in start.special.items():
        only[ctx.household[h].village].add(p)
    for v in ctx.villages:
        near = sorted(candidates(ctx, v), key=lambda p: (ctx.estimate(p, v, 1), p.id))
        only[v] |= {p.id for p in near[:NEAR_PAIRS]}
    return only


def _day_model(ctx, start, params, on_progress, stop):
    """Villages may be visited over several days: the day-level model (visits_daymodel.py)."""
    vm = build_visit_model(ctx)
    hint = start if params.hint else None
    vm.hint = vm.set_hint if hint is not None else None
    solver, status, _, stopped = run_model(vm, params, on_progress, stop, hint)
    name = _STATUS.get(status, "timeout_no_solution")
    det = solver.response_proto.deterministic_time
    if name not in ("optimal", "feasible"):
        return ("infeasible" if name == "infeasible" else "feasible"), start, None, det, stopped
    bound = float(math.ceil(solver.best_objective_bound - 1e-6))
    return name, vm.decode(solver.value), bound, det, stopped
