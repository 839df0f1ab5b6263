"""Large-neighbourhood search after the main run, when it ends unproven (``polish``).

Moved out of solver.py unchanged; solver.py calls ``polish`` when ``SolveParams.polish_share > 0``.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from .plan import Progress
from .solver import ProgressFn, SolveParams, StopFlag, stopped_fn


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
    stopped = stopped_fn(stop)
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
