"""Polishing a home-visit plan by neighbourhoods of villages (large-neighbourhood search).

The day-level model of the whole county is too large for CP-SAT to improve within the minute,
but on a dozen neighbouring villages, with every other village's visits fixed (the room they
leave on each pair-day), it is small and solves in a second or two. Each round frees the
villages nearest to the next village in turn, re-plans them with every pair that can reach
them, and keeps the result when it costs less. Deterministic for a given deterministic budget.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from .travel import haversine_km
from .visits_context import Placement, VisitContext
from .visits_daymodel import build_visit_model

NEIGHBOURHOOD = 12  # villages freed per round
ROUND_SECONDS = 3.0


def polish(
    ctx: VisitContext,
    placement: Placement,
    deadline: float,
    stopped: Callable[[], bool],
    deterministic: float | None = None,
) -> Placement:
    villages = sorted(ctx.villages)
    if len(villages) <= 1:
        return placement
    centre = {v: ctx.geometry(v, "bus").centre for v in villages}
    # Villages with households left out first (the costliest first), then south to north.
    weights = ctx.problem.weights.unvisited
    visited = {h for hs in placement.chosen.values() for h in hs} | set(placement.special)
    left = {
        v: sum(weights.get(h.priority, 0) for h in ctx.villages[v] if h.id not in visited)
        for v in villages
    }
    order = sorted(villages, key=lambda v: (-left[v], centre[v].lat, centre[v].lon, v))
    k = 0
    since_better = 0  # rounds since the last improvement: a whole sweep without one ends it
    while time.monotonic() < deadline - 0.5 and not stopped() and since_better < len(order):
        seed = order[k % len(order)]
        k += 1
        since_better += 1
        near = sorted(villages, key=lambda v: (haversine_km(centre[seed], centre[v]), v))
        free = set(near[:NEIGHBOURHOOD])
        left = deadline - time.monotonic()
        better = _reoptimise(ctx, placement, free, min(ROUND_SECONDS, left), deterministic)
        if better is not None:
            placement = better
            since_better = 0
        if k >= len(order) and deterministic is not None:
            break  # tests: one sweep, so the result does not depend on the wall clock
    return placement


def _part(ctx: VisitContext, placement: Placement, villages: set[str]) -> Placement:
    return Placement(
        counts={k: n for k, n in placement.counts.items() if k[0] in villages},
        chosen={v: list(placement.chosen.get(v, [])) for v in villages},
        special={
            h: spot for h, spot in placement.special.items() if ctx.household[h].village in villages
        },
    )


def _value(ctx: VisitContext, part: Placement, villages: set[str]) -> int:
    """The objective restricted to ``villages``: their unvisited households and estimates."""
    weights = ctx.problem.weights
    visited = {h for v in villages for h in part.chosen.get(v, [])} | set(part.special)
    total = sum(
        weights.unvisited.get(h.priority, 0)
        for v in villages
        for h in ctx.villages[v]
        if h.id not in visited
    )
    loads: dict[tuple[str, str, object], int] = {}
    for key, n in part.counts.items():
        loads[key] = loads.get(key, 0) + n
    for h, (p, d) in part.special.items():
        key = (ctx.household[h].village, p, d)
        loads[key] = loads.get(key, 0) + 1
    travel = sum(ctx.estimate(ctx.pair[p], v, n) for (v, p, _), n in loads.items())
    return total + weights.travel_per_minute * travel


def _reoptimise(ctx, placement, free, seconds, deterministic) -> Placement | None:
    rest = _part(ctx, placement, set(ctx.villages) - free)
    taken: dict = {}
    per: dict = {}
    for (v, p, d), n in rest.counts.items():
        per.setdefault((p, d), {}).setdefault(v, 0)
        per[p, d][v] += n
    for h, (p, d) in rest.special.items():
        v = ctx.household[h].village
        per.setdefault((p, d), {}).setdefault(v, 0)
        per[p, d][v] += 1
    for (p, d), by_village in per.items():
        pair = ctx.pair[p]
        minutes = sum(ctx.estimate(pair, v, n) for v, n in by_village.items())
        taken[p, d] = (sum(by_village.values()), minutes)
    mine = _part(ctx, placement, free)
    dm = build_visit_model(ctx, None, free, taken)
    dm.set_hint(mine)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.2, seconds)
    if deterministic is not None:
        solver.parameters.max_deterministic_time = deterministic
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 7
    status = solver.solve(dm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    new = _part(ctx, dm.decode(solver.value), free)
    if _value(ctx, new, free) >= _value(ctx, mine, free):
        return None
    return Placement(
        counts={**rest.counts, **new.counts},
        chosen={**rest.chosen, **new.chosen},
        special={**rest.special, **new.special},
    )
