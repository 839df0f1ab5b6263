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
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .plan import Explanation, Plan, Progress, Status
from .problem import PostsProblem, TutoringProblem
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


def _stopped_fn(stop: StopFlag) -> Callable[[], bool]:
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
        built.hint(hint)
    solver = cp_model.CpSolver()
    configure(solver, params)
    stopped = _stopped_fn(stop)
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


class _Neighbourhood:
    """One LNS neighbourhood kind with its own adaptive size (share of the volunteers).

    After each sub-solve: explored completely (optimal) -> grow by 20 %; cut off by the time
    limit -> shrink by 20 %. This is CP-SAT's own rule for its LNS workers, done here per kind.
    """

    def __init__(self, kind: str, size: float, lo: float, hi: float) -> None:
        self.kind, self.size, self.lo, self.hi = kind, size, lo, hi
        self.tries = self.wins = 0

    def adapt(self, proved: bool) -> None:
        self.size = min(self.hi, self.size * 1.2) if proved else max(self.lo, self.size / 1.2)


def polish(
    built,
    solver: cp_model.CpSolver,
    params: SolveParams,
    seconds: float,
    stop: StopFlag,
    on_progress: ProgressFn = None,
    started: float | None = None,
) -> tuple[Callable, float, bool]:
    """Large-neighbourhood search after the main run, when it ends unproven.

    Each step frees part of the incumbent and fixes the rest, then solves that neighbourhood
    exactly (short limit, one worker); two steps run in parallel threads, one per core. Kinds:

    * ``owners``: every decision of k random volunteers (units): their work is redistributed
      among them (for GAP: the classic agent-subset neighbourhood);
    * ``mixed``: the work currently held by k random volunteers may go to anyone, and those k
      may take any other work;
    * ``related``: like ``owners``, but after a random first volunteer the others are drawn with
      a probability that grows with what moving work between them could save (objective
      coefficients of the decisions): the cheap homes for expensive work are freed together.

    Each sub-solve only accepts strictly better plans (objective cut), uses
    ``linearization_level=2`` (its LP prunes these knapsack-like neighbourhoods far faster), and
    is hinted with the incumbent. A random-slot neighbourhood was tried and dropped (fewest wins).

    Each kind adapts its size (see ``_Neighbourhood``). Returns (value function over the
    original variables, objective, stopped by the flag).
    """
    stopped = _stopped_fn(stop)
    started = time.monotonic() if started is None else started
    deadline = time.monotonic() + max(0.0, seconds)
    keys = list(built.assign)
    index = {key: built.assign[key].index for key in keys}
    best = {index[k]: solver.value(built.assign[k]) for k in keys}
    best_obj = solver.objective_value
    bound = solver.best_objective_bound
    by_owner: dict[str, list] = {}
    by_target: dict[str, list] = {}
    for key in keys:
        by_owner.setdefault(key[0], []).append(key)
        by_target.setdefault(key[1], []).append(key)
    owners = sorted(by_owner)
    lock = threading.Lock()
    flag = threading.Event()  # set by the stop flag
    active: set[cp_model.CpSolver] = set()
    if len(owners) < 2:
        return solver.value, best_obj, False
    k0 = min(params.polish_free, len(owners) - 1) / len(owners)
    kinds = [
        _Neighbourhood("owners", k0, 2 / len(owners), 1.0),
        _Neighbourhood("mixed", max(1 / len(owners), k0 / 2), 1 / len(owners), 1.0),
        _Neighbourhood("related", k0, 2 / len(owners), 1.0),
    ]
    # Objective coefficient of each decision, for the cost-related neighbourhood.
    obj = built.model.proto.objective
    coef = {v: c for v, c in zip(obj.vars, obj.coeffs, strict=True) if v >= 0}
    cost = {key: coef.get(index[key], 0) for key in keys}

    def gain(a: str, b: str, incumbent: dict[int, int]) -> int:
        """What moving a's current work to b would save (ignoring b's room)."""
        total = 0
        for key in by_owner[a]:
            if incumbent[index[key]]:
                other = (b, *key[1:])
                if other in cost:
                    total += max(0, cost[key] - cost[other])
        return total

    def pick(kind: _Neighbourhood, rng: random.Random, incumbent: dict[int, int]) -> set:
        n = max(1, min(len(owners) - 1, round(kind.size * len(owners))))
        if kind.kind == "related":
            # A random volunteer, then volunteers picked with a probability that grows with
            # what work could gain by moving between them and those already chosen.
            chosen = [rng.choice(owners)]
            pool = [o for o in owners if o != chosen[0]]
            weight = {
                o: 1 + gain(chosen[0], o, incumbent) + gain(o, chosen[0], incumbent) for o in pool
            }
            while len(chosen) < n and pool:
                o = rng.choices(pool, [weight[x] for x in pool])[0]
                chosen.append(o)
                pool.remove(o)
                for x in pool:
                    weight[x] += gain(o, x, incumbent) + gain(x, o, incumbent)
        else:
            chosen = rng.sample(owners, n)
        free = {k for o in chosen for k in by_owner[o]}
        if kind.kind == "mixed":
            held = {k[1] for k in free if incumbent[index[k]]}
            free |= {k for t in held for k in by_target[t]}
        return free

    def worker(wid: int) -> None:
        nonlocal best, best_obj
        rng = random.Random(params.seed * 1000 + wid)
        step = 0
        while not flag.is_set():
            left = deadline - time.monotonic()
            if left < 0.05:
                return
            kind = kinds[(step + wid) % len(kinds)]
            step += 1
            with lock:
                incumbent, inc_obj = dict(best), best_obj
            free = {index[k] for k in pick(kind, rng, incumbent)}
            model = built.model.clone()
            model.clear_hints()
            for idx, val in incumbent.items():
                y = model.get_bool_var_from_proto_index(idx)
                model.add_hint(y, val)
                if idx not in free:
                    dom = model.proto.variables[idx].domain
                    dom[0] = dom[1] = val
            # Only strictly better plans are of interest.
            model.add(_objective_expr(model) <= round(inc_obj) - 1)
            sub = cp_model.CpSolver()
            with lock:
                active.add(sub)
            sub.parameters.max_time_in_seconds = min(1.0, left)
            sub.parameters.num_workers = 1
            # The LP relaxation with cuts prunes a knapsack-like neighbourhood far faster
            # (measured on d10100: 6351-6362 against 6356-6373 with the default level 1).
            sub.parameters.linearization_level = 2
            sub.parameters.random_seed = params.seed + step
            status = sub.solve(model) if not flag.is_set() else cp_model.UNKNOWN
            with lock:
                active.discard(sub)
            kind.tries += 1
            kind.adapt(status in (cp_model.OPTIMAL, cp_model.INFEASIBLE))
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                with lock:
                    if sub.objective_value < best_obj - 0.5:
                        kind.wins += 1
                        best_obj = sub.objective_value
                        best = {
                            index[k]: int(sub.value(model.get_bool_var_from_proto_index(index[k])))
                            for k in keys
                        }
                        if on_progress is not None:
                            on_progress(Progress(time.monotonic() - started, best_obj, bound))

    threads = [
        threading.Thread(target=worker, args=(w,), daemon=True)
        for w in range(max(1, params.workers))
    ]
    for t in threads:
        t.start()
    # The stop flag is polled here every 50 ms and interrupts the running sub-solves, so that
    # a stop ends polishing at once with the best plan so far (an improvement that the
    # interrupted sub-solve had already found is kept: every sub-solution is a whole plan).
    while any(t.is_alive() for t in threads):
        if stopped():
            flag.set()
            with lock:
                for sub in active:
                    sub.stop_search()
        threads[0].join(0.05)
    for t in threads:
        t.join()
    if params.log:
        print({k.kind: (k.tries, k.wins, round(k.size, 3)) for k in kinds})
    fixed = built.model.clone()
    fixed.clear_hints()
    for idx, val in best.items():
        dom = fixed.proto.variables[idx].domain
        dom[0] = dom[1] = val
    final = cp_model.CpSolver()
    final.parameters.num_workers = 1
    final.parameters.max_time_in_seconds = 5.0
    final.solve(fixed)
    return final.value, best_obj, flag.is_set()


def _objective_expr(model: cp_model.CpModel) -> cp_model.LinearExprT:
    """The objective as a linear expression (integer coefficients plus offset, scale 1)."""
    obj = model.proto.objective
    terms = []
    offset = obj.offset
    for v, c in zip(obj.vars, obj.coeffs, strict=True):
        if v >= 0:
            terms.append(c * model.get_int_var_from_proto_index(v))
        else:  # a negated literal: c * (1 - x)
            offset += c
            terms.append(-c * model.get_int_var_from_proto_index(-v - 1))
    return sum(terms) + int(round(offset))


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return abs(objective - bound) / max(1.0, abs(objective))


def resolve_strategy(params: SolveParams, problem: TutoringProblem | PostsProblem) -> SolveParams:
    """Replace "auto" by the strategy measured best for this model (see the module docstring)."""
    if params.strategy != "auto":
        return params
    strategy = "max_lp" if isinstance(problem, TutoringProblem) else "lin2"
    return dataclasses.replace(params, strategy=strategy)


def solve(
    problem: TutoringProblem | PostsProblem,
    params: SolveParams | None = None,
    on_progress: ProgressFn = None,
    stop: StopFlag = None,
    raise_invalid: bool = False,
) -> Plan:
    """Solve a tutoring or posts problem. Never raises on bad input unless ``raise_invalid``."""
    from . import explain, greedy, posts, tutoring  # local: keep import order simple

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
        built = tutoring.build_tutoring_model(problem)
        baseline = greedy.greedy_tutoring(problem) if params.hint else None
    else:
        built = posts.build_posts_model(problem)
        baseline = greedy.greedy_posts(problem) if params.hint else None
    solver, status, wall, stopped = run_model(
        built, params_main, on_progress, stop, baseline.assignments if baseline else None
    )
    name = _STATUS.get(status, "timeout_no_solution")
    value = solver.value
    if name == "feasible" and params.polish_share > 0 and not stopped:
        value, _, stopped = polish(
            built, solver, params, params.time_limit - wall, stop, on_progress, started_all
        )
        wall = time.monotonic() - started_all
    if name in ("optimal", "feasible"):
        assignments = built.decode(value)
        terms = built.terms.values(value)
        # All weights and terms are integers: report integers (the float API adds noise).
        objective = float(round(sum(t.weighted for t in terms))) if built.terms.exprs else 0.0
        if built.terms.exprs and params.polish_share == 0:
            objective = float(round(solver.objective_value))
        bound = float(math.ceil(solver.best_objective_bound - 1e-6)) if built.terms.exprs else 0.0
        gap = relative_gap(objective, bound)
    else:
        assignments, terms, objective, bound, gap = (), (), None, None, None
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
    )
