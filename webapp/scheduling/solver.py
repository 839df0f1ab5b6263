"""Run CP-SAT on either model and return a Plan.

``solve(problem, params, on_progress, stop)`` validates the input (bad input gives a Plan with
status "invalid" and an explanation, or raises ValidationError with ``raise_invalid=True``), builds
the model, seeds it with the greedy plan as a hint, solves with settings that suit a 2-core
machine, and reports status, objective, best bound, relative gap, wall time and each term.

Why these settings: on 2 cores the default portfolio spends both workers on search and the bound
barely moves; one worker must run ``max_lp`` (full LP relaxation with cuts) to prove optimality.
``strategy="lin2"`` is the single-worker alternative (linearization_level=2). The default,
``"auto"``, takes ``max_lp`` for tutoring and ``lin2`` for summer posts: on the posts model lin2
proves optimality as fast or faster, and a single worker repeats its search exactly (same plan,
same time) where two racing workers spread widely. docs/scheduling.md has the measurements.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .checks import check_posts, check_tutoring
from .plan import Assignment, Explanation, Plan, Progress, Status
from .problem import PostsProblem, TutoringProblem
from .rules import TutoringContext
from .validation import ValidationError, validate_posts, validate_tutoring

StopFlag = threading.Event | Callable[[], bool] | None
ProgressFn = Callable[[Progress], None] | None

_STATUS: dict[int, Status] = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "timeout_no_solution",
    cp_model.MODEL_INVALID: "invalid",
}


@dataclass(frozen=True)
class SolveParams:
    time_limit: float = 30.0  # wall seconds
    deterministic_time: float | None = None  # set in tests: results then repeat exactly
    seed: int = 7
    workers: int = 2
    # "auto" (max_lp for tutoring, lin2 for posts) | "max_lp" (2 workers, one of them max_lp)
    # | "lin2" (1 worker, linearization_level=2) | "default" (CP-SAT's portfolio)
    strategy: str = "auto"
    hint: bool = True  # seed CP-SAT with the greedy plan
    explain: bool = True  # add funnels / conflict cores to the Plan
    relative_gap: float = 0.0  # stop once within this relative gap (0: prove optimality)
    # Share of time_limit for large-neighbourhood polishing after the main search when it ends
    # unproven: free the assignments of a few volunteers (units), fix the rest, re-solve.
    polish_share: float = 0.0
    polish_free: int = 3
    log: bool = False
    # Minimum headcounts first (staged.py): prove the fewest unfilled minimums, then optimise the
    # rest under that; stage 1 may use up to this share of the time.
    staged: bool = True
    stage_share: float = 0.5
    # Terms fixed in turn before the weighted stage; None ("auto"): tutoring fixes minimums,
    # then preferred headcounts (not in a re-plan); posts fix minimums only (docs/scheduling.md).
    stages: tuple[str, ...] | None = None
    # Keep searching: start from this plan (the solution hint) instead of the greedy one.
    start: tuple[Assignment, ...] | None = None


def configure(solver: cp_model.CpSolver, params: SolveParams) -> None:
    p = solver.parameters
    p.max_time_in_seconds = params.time_limit
    if params.deterministic_time is not None:
        # Tests: a deterministic budget, and workers interleaved in a fixed order, so that even
        # ties between equally good plans are broken the same way on every run.
        p.max_deterministic_time = params.deterministic_time
        p.interleave_search = True
    p.random_seed = params.seed
    p.log_search_progress = params.log
    if params.relative_gap > 0:
        p.relative_gap_limit = params.relative_gap
    if params.strategy == "lin2":
        p.num_workers = 1
        p.linearization_level = 2
    elif params.strategy in ("max_lp", "auto"):  # "auto" unresolved: the safe general choice
        p.num_workers = max(2, params.workers)
        # Two workers: one proves (max_lp), one finds solutions (the default search, with LP).
        if p.num_workers == 2:
            p.subsolvers.extend(["max_lp", "default_lp"])
    else:
        p.num_workers = params.workers


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float, on_progress: ProgressFn, stopped: Callable[[], bool]):
        super().__init__()
        self.started, self.on_progress, self.stopped = started, on_progress, stopped
        self.stop_requested = False

    def on_solution_callback(self) -> None:
        if self.on_progress is not None:
            self.on_progress(
                Progress(
                    time.monotonic() - self.started, self.objective_value, self.best_objective_bound
                )
            )
        if self.stopped():
            self.stop_requested = True
            self.stop_search()


def stopped_fn(stop: StopFlag) -> Callable[[], bool]:
    if stop is None:
        return lambda: False
    if isinstance(stop, threading.Event):
        return stop.is_set
    return stop


def run_model(
    built, params: SolveParams, on_progress: ProgressFn = None, stop: StopFlag = None, hint=None
) -> tuple[cp_model.CpSolver, int, float, bool]:
    """Solve a built model; returns (solver, status, wall seconds, stopped by flag)."""
    if hint is not None and built.hint is not None:
        built.model.clear_hints()  # a later stage may hint again: CP-SAT refuses duplicates
        built.hint(hint)
    solver = cp_model.CpSolver()
    configure(solver, params)
    stopped = stopped_fn(stop)
    started = time.monotonic()
    cb = _Callback(started, on_progress, stopped)
    if on_progress is not None:
        solver.best_bound_callback = lambda bound: on_progress(
            Progress(time.monotonic() - started, None, bound)
        )
    # The stop flag must work even while no solution arrives: a watcher thread polls it.
    done = threading.Event()
    flag_hit = threading.Event()

    def watch() -> None:
        while True:
            if stopped():
                flag_hit.set()
                solver.stop_search()
                return
            if done.wait(0.05):
                return

    watcher = threading.Thread(target=watch, daemon=True) if stop is not None else None
    if watcher is not None:
        watcher.start()
    try:
        status = solver.solve(built.model, cb)
    finally:
        done.set()
        if watcher is not None:
            watcher.join()
    wall = time.monotonic() - started
    return solver, status, wall, flag_hit.is_set() or cb.stop_requested


def _valid(problem: TutoringProblem | PostsProblem, plan: Plan | None) -> bool:
    if plan is None or plan.objective is None:
        return False
    check = check_tutoring if isinstance(problem, TutoringProblem) else check_posts
    return not check(problem, plan.assignments)


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return abs(objective - bound) / max(1.0, abs(objective))


def resolve_strategy(params: SolveParams, problem: TutoringProblem | PostsProblem) -> SolveParams:
    """Replace "auto" by the strategy measured best for this model (see the module docstring),
    and unset stages by the stages measured best (staged.py)."""
    tutoring = isinstance(problem, TutoringProblem)
    if params.stages is None:
        # A re-plan keeps published work before preferred seats (change outweighs them).
        replan = bool(problem.published)
        stages = ("unfilled_min", "unfilled_preferred") if tutoring and not replan else ()
        stages = stages or ("unfilled_min",)
        params = dataclasses.replace(params, stages=stages)
    if params.strategy != "auto":
        return params
    return dataclasses.replace(params, strategy="max_lp" if tutoring else "lin2")


def solve(
    problem: TutoringProblem | PostsProblem,
    params: SolveParams | None = None,
    on_progress: ProgressFn = None,
    stop: StopFlag = None,
    raise_invalid: bool = False,
) -> Plan:
    """Solve a tutoring or posts problem. Never raises on bad input unless ``raise_invalid``."""
    from . import explain, greedy, lns, posts, staged, tutoring  # local: import order

    params = params or SolveParams()
    try:
        if isinstance(problem, TutoringProblem):
            validate_tutoring(problem)
        else:
            validate_posts(problem)
    except ValidationError as err:
        if raise_invalid:
            raise
        return Plan("invalid", None, None, None, 0.0, explanations=(explain.invalid(err),))
    started_all = time.monotonic()
    params = resolve_strategy(params, problem)
    if params.polish_share > 0:
        main_time = params.time_limit * (1 - params.polish_share)
        params_main = dataclasses.replace(params, time_limit=main_time)
    else:
        params_main = params
    if isinstance(problem, TutoringProblem):
        ctx = TutoringContext(problem)  # candidates computed once, for the model and greedy
        built = tutoring.build_tutoring_model(problem, ctx=ctx)
        baseline = (
            (lambda p: greedy.greedy_tutoring(p, ctx))
            if params.hint and params.start is None
            else None
        )
    else:
        built = posts.build_posts_model(problem)
        baseline = greedy.greedy_posts if params.hint and params.start is None else None
    hint = params.start if params.start is not None else None
    fallback = baseline(problem) if baseline is not None else None
    if fallback is not None:
        hint = fallback.assignments
    run = staged.run_staged(built, params_main, on_progress, stop, hint)
    solver, stopped = run.solver, run.stopped
    name = _STATUS.get(run.status, "timeout_no_solution")
    value, wall = solver.value, time.monotonic() - started_all
    polishing = name == "feasible" and params.polish_share > 0 and run.bound_known
    if polishing and not stopped:
        value, _, stopped = lns.polish(
            built, solver, params, params.time_limit - wall, stop, on_progress, started_all
        )
        wall = time.monotonic() - started_all
    bound = gap = None
    if name in ("optimal", "feasible"):
        assignments = built.decode(value)
        terms = built.terms.values(value)
        # All weights and terms are integers: report integers (the float API adds noise).
        objective = float(round(sum(t.weighted for t in terms))) if built.terms.exprs else 0.0
        if not built.terms.exprs:
            bound = 0.0
        elif run.bound_known:
            bound = float(math.ceil(solver.best_objective_bound - 1e-6))
        gap = relative_gap(objective, bound)
    elif name == "timeout_no_solution" and _valid(problem, fallback):
        # CP-SAT found nothing in time (a huge county on a busy machine), but the greedy plan
        # keeps every hard rule: a coordinator gets it, marked unproven, rather than no plan.
        name, assignments, terms = "feasible", fallback.assignments, fallback.terms
        objective = fallback.objective
    else:
        assignments, terms, objective = (), (), None
    explanations: tuple[Explanation, ...] = ()
    if params.explain:
        if name in ("optimal", "feasible"):
            explanations = explain.unfilled(problem, assignments)
        elif name == "infeasible":
            explanations = explain.conflicts(problem, params)
    return Plan(
        name,
        objective,
        bound,
        gap,
        wall,
        terms,
        assignments,
        explanations,
        deterministic_time=solver.response_proto.deterministic_time,
        stopped=stopped,
        unfilled_min_bound=run.unfilled_bound,
    )
