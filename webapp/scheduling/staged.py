"""Minimum headcounts first: a staged solve that proves how many seats must stay empty.

Stage 1 minimises only ``unfilled_min`` (people missing below minimum headcounts). It is a
flow-like problem whose LP bound is tight, so CP-SAT proves it in seconds even where the
weighted one-shot model stalls (issue 26: one county left 47 minimums unfilled at 15 s where 3
was possible). The last stage then minimises the whole weighted objective under
``unfilled_min <= U``, hinted with stage 1's plan. When a stage ends unproven, its bound L is
still a valid cut (``term >= L``) and the last stage optimises the weighted objective unchanged.
``SolveParams.stages`` names the terms fixed in turn; by default tutoring also fixes
``unfilled_preferred`` (measured in docs/scheduling.md: at the same deterministic budget an
11.5 % better plan and half the gap), except in a re-plan, where ``change`` outranks it.

Meaning: with stage 1 proven, the result is *lexicographic* in the minimums (no plan with fewer
empty minimum seats exists), and weighted in everything else. The one-shot weighted objective
could, in principle, trade one unfilled minimum (100 000) for more than 100 000 of other terms;
the staged solve never does.
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


def _hint_all(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    """Hint every variable with the solver's solution (the next stage starts from it)."""
    model.clear_hints()
    solution = solver.response_proto.solution
    for i in range(len(model.proto.variables)):
        model.add_hint(model.get_int_var_from_proto_index(i), int(solution[i]))


def run_staged(
    built,
    params: SolveParams,
    on_progress: ProgressFn,
    stop: StopFlag,
    hint: Sequence[Assignment] | None,
) -> Staged:
    """Solve ``built`` in stages (module docstring) when it has the terms to stage."""
    started = time.monotonic()
    exprs = built.terms.exprs
    short = exprs.get("unfilled_min")
    stages = [n for n in (params.stages if params.staged else ()) if n in exprs]
    if len(stages) >= len(exprs):
        stages = stages[: len(exprs) - 1]  # the last term is the weighted stage itself
    if not stages:
        solver, status, wall, stopped = run_model(built, params, on_progress, stop, hint)
        proven = status == cp_model.OPTIMAL and short is not None
        return Staged(solver, status, wall, stopped, int(solver.value(short)) if proven else None)

    model = built.model
    budget = params.time_limit * params.stage_share
    bound: int | None = None
    last: tuple[cp_model.CpSolver, int] | None = None  # the latest stage with a plan
    for name in stages:
        model.minimize(exprs[name])
        left = budget - (time.monotonic() - started)  # a stage that proves fast leaves time
        stage = dataclasses.replace(params, time_limit=max(0.2, left))
        s, st, _, stopped = run_model(built, stage, None, stop, hint if last is None else None)
        built.terms.minimize(model)  # back to the weighted objective
        has_plan = st in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        if st == cp_model.INFEASIBLE or (stopped and not has_plan and last is None):
            return Staged(s, st, time.monotonic() - started, stopped, None, False)
        if stopped:  # a plan, but only a stage's: nothing is known of the weighted objective
            s, st = (s, st) if has_plan else last
            low = bound
            if name == "unfilled_min" and has_plan:
                low = math.ceil(s.best_objective_bound - 1e-6)
            return Staged(s, st, time.monotonic() - started, True, low, False)
        if not has_plan:
            break
        last = (s, st)
        if on_progress is not None:  # the run page's chart gets each stage's plan, weighted
            weighted = sum(t.weighted for t in built.terms.values(s.value))
            on_progress(Progress(time.monotonic() - started, float(weighted), None))
        value = round(s.objective_value)
        proven = st == cp_model.OPTIMAL
        low = value if proven else math.ceil(s.best_objective_bound - 1e-6)
        if name == "unfilled_min":
            bound = low
        _hint_all(model, s)
        if proven:
            model.add(exprs[name] <= value)  # fixed for the stages after this one
        else:
            model.add(exprs[name] >= low)  # valid for every plan: the optimum is unchanged
            break  # later stages would fix terms against an unproven one

    offset = time.monotonic() - started
    final = dataclasses.replace(params, time_limit=max(0.5, params.time_limit - offset))

    def progress(p: Progress) -> None:
        if on_progress is not None:
            on_progress(Progress(p.seconds + offset, p.objective, p.bound))

    s2, st2, _, stopped = run_model(built, final, progress, stop, hint if last is None else None)
    if st2 == cp_model.OPTIMAL and short is not None and "unfilled_min" not in stages:
        bound = int(s2.value(short))
    if st2 not in (cp_model.OPTIMAL, cp_model.FEASIBLE) and last is not None:
        # The last stage found nothing in its time: keep the previous stage's plan.
        return Staged(last[0], cp_model.FEASIBLE, time.monotonic() - started, stopped, bound, False)
    return Staged(s2, st2, time.monotonic() - started, stopped, bound)
