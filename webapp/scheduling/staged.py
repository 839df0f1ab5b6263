"""Minimum headcounts first: a two-stage solve that proves how many seats must stay empty.

Stage 1 minimises only ``unfilled_min`` (people missing below minimum headcounts). It is a
flow-like problem whose LP bound is tight, so CP-SAT proves it in seconds even where the
weighted one-shot model stalls (issue 26: one county left 47 minimums unfilled at 15 s where 3
was possible). Stage 2 then minimises the whole weighted objective under ``unfilled_min <= U``,
hinted with stage 1's plan. When stage 1 ends unproven, its bound L is still a valid cut
(``unfilled_min >= L``) and stage 2 optimises the weighted objective unchanged.

Meaning: with stage 1 proven, the result is *lexicographic* in the minimums (no plan with fewer
empty minimum seats exists), and weighted in everything else. The one-shot weighted objective
could, in principle, trade one unfilled minimum (100 000) for more than 100 000 of other terms;
the staged solve never does. docs/scheduling.md has the figures.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .plan import Assignment, Progress
from .solver import ProgressFn, SolveParams, StopFlag, run_model


@dataclass
class Staged:
    solver: cp_model.CpSolver  # the last run: its values are the plan
    status: int  # CP-SAT status of the plan's run
    wall: float
    stopped: bool
    unfilled_bound: int | None  # proven lower bound on unfilled_min (None: unknown)
    bound_known: bool = True  # the solver's best bound bounds the weighted objective


def run_staged(
    built,
    params: SolveParams,
    on_progress: ProgressFn,
    stop: StopFlag,
    hint: Sequence[Assignment] | None,
) -> Staged:
    """Solve ``built`` (stages as described in the module docstring when it has unfilled_min)."""
    started = time.monotonic()
    short = built.terms.exprs.get("unfilled_min")
    if short is None or not params.staged or len(built.terms.exprs) == 1:
        solver, status, wall, stopped = run_model(built, params, on_progress, stop, hint)
        proven = status == cp_model.OPTIMAL and short is not None
        return Staged(solver, status, wall, stopped, int(solver.value(short)) if proven else None)

    model = built.model
    model.minimize(short)
    first = dataclasses.replace(params, time_limit=params.time_limit * params.stage_share)
    s1, st1, _, stopped = run_model(built, first, None, stop, hint)
    built.terms.minimize(model)  # back to the weighted objective
    has_plan = st1 in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if st1 == cp_model.INFEASIBLE or (stopped and not has_plan):
        return Staged(s1, st1, time.monotonic() - started, stopped, None, False)
    if stopped:  # a plan, but only stage 1's: nothing is known of the weighted objective
        low = math.ceil(s1.best_objective_bound - 1e-6)
        return Staged(s1, st1, time.monotonic() - started, True, low, False)
    bound = None
    if st1 == cp_model.OPTIMAL:
        bound = round(s1.objective_value)
        model.add(short <= bound)
    elif has_plan:
        bound = math.ceil(s1.best_objective_bound - 1e-6)
        model.add(short >= bound)  # valid for every plan: the weighted optimum is unchanged
    if has_plan:
        model.clear_hints()
        solution = s1.response_proto.solution
        for i in range(len(model.proto.variables)):
            model.add_hint(model.get_int_var_from_proto_index(i), int(solution[i]))
    offset = time.monotonic() - started
    second = dataclasses.replace(params, time_limit=max(0.5, params.time_limit - offset))

    def progress(p: Progress) -> None:
        if on_progress is not None:
            on_progress(Progress(p.seconds + offset, p.objective, p.bound))

    s2, st2, _, stopped = run_model(built, second, progress, stop, None if has_plan else hint)
    if st2 == cp_model.OPTIMAL and short is not None:
        bound = int(s2.value(short)) if st1 == cp_model.OPTIMAL else bound
    if st2 not in (cp_model.OPTIMAL, cp_model.FEASIBLE) and has_plan:
        # Stage 2 found nothing better than the hint in its time: keep stage 1's plan.
        return Staged(s1, cp_model.FEASIBLE, time.monotonic() - started, stopped, bound, False)
    return Staged(s2, st2, time.monotonic() - started, stopped, bound)
