"""The video-call rota as a CP-SAT model, its greedy baseline, and the solve that joins them.

Decision: ``x[f, s]`` = family f calls in slot s, only for f's candidates (calls.py). Hard rules:
at most one slot per family (siblings are one family, so they call together); per room and
moment, no more calls than the room holds (overlap_groups); pins fixed to 1. Pins that cannot
hold (outside the family's times, forbidden, twice for one family, more than a room holds) are
found before the model and answered as "infeasible" with the reason in words.

Objective (minimised, all integers):
  unplaced      families without a slot                      x weights.unplaced
  missed_weeks  weeks without a call of those families        x weights.unplaced
  moved         families not in their last slot               x weights.moved
  late          10-minute steps after the room window opens   x weights.late
so an unplaced family costs unplaced x (1 + missed_weeks): when the room is short, the children
who went longest without a call come first. The constraints are a bipartite b-matching with
interval (consecutive-ones) capacity rows, whose LP bound is tight: one CP-SAT worker with
linearization level 2 ("lin2", repeatable) proves the optimum in under a second on the
benchmark. Homes never share a room, so one model holds them all as independent blocks;
solving home by home was measured no faster (docs/scheduling.md has the figures).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .calls import (
    CallSlot,
    VideoCallProblem,
    call_slots,
    candidates,
    check_calls,
    overlap_groups,
)
from .plan import Assignment, Explanation, Plan, Progress, TermValue
from .solver import _STATUS, SolveParams, StopFlag, relative_gap, run_model
from .validation import ValidationError

TERMS = ("unplaced", "missed_weeks", "moved", "late")


@dataclass
class CallsModel:
    model: cp_model.CpModel
    x: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    exprs: dict[str, cp_model.LinearExprT] = field(default_factory=dict)
    hint: Callable[[Sequence[Assignment]], None] | None = None


@dataclass(frozen=True)
class Context:
    """What model, greedy and explanations share: slots, candidates, capacity groups."""

    problem: VideoCallProblem
    slots: dict[str, CallSlot]
    cands: dict[str, list[CallSlot]]
    groups: list[list[CallSlot]]
    capacity: dict[str, int]
    groups_of: dict[str, list[int]]  # slot id -> indexes into groups

    @classmethod
    def of(cls, problem: VideoCallProblem) -> Context:
        slots = call_slots(problem)
        groups = overlap_groups(slots)
        groups_of: dict[str, list[int]] = defaultdict(list)
        for i, group in enumerate(groups):
            for s in group:
                groups_of[s.id].append(i)
        return cls(
            problem,
            {s.id: s for s in slots},
            candidates(problem, slots),
            groups,
            {r.id: r.capacity for r in problem.rooms},
            groups_of,
        )


def validate_calls(problem: VideoCallProblem) -> None:
    """Raise ValidationError naming the first bad item."""
    if problem.slot_minutes <= 0:
        raise ValidationError("problem", "slot_minutes", "must be positive")
    for kind, ids in (
        ("room", [r.id for r in problem.rooms]),
        ("family", [f.id for f in problem.families]),
    ):
        for item_id, n in Counter(ids).items():
            if n > 1 or not item_id:
                raise ValidationError(f"{kind} {item_id}", "id", "empty or duplicate id")
    windows = [(f"room {r.id}", "hours", w) for r in problem.rooms for w in r.hours]
    for f in problem.families:
        windows += [(f"family {f.id}", "parent_times", w) for w in f.parent_times]
        windows += [(f"family {f.id}", "school", w) for w in f.school]
        if f.missed_weeks < 0:
            raise ValidationError(f"family {f.id}", "missed_weeks", "must not be negative")
    windows += [(f"home {h}", "duty_hours", w) for h, ws in problem.duty_hours.items() for w in ws]
    for item, name, w in windows:
        if not (0 <= w.weekday <= 6 and 0 <= w.start < w.end <= 24 * 60):
            raise ValidationError(item, name, f"bad time window {w}")
    for r in problem.rooms:
        if r.capacity < 1:
            raise ValidationError(f"room {r.id}", "capacity", "must be at least 1")
    seen: dict[str, str] = {}
    for f in problem.families:
        for c in f.child_ids:
            if seen.setdefault(c, f.id) != f.id:
                raise ValidationError(f"family {f.id}", "child_ids", f"child {c} also in {seen[c]}")
    families = {f.id for f in problem.families}
    for name, pairs in (("pins", problem.pins), ("forbidden", problem.forbidden)):
        for fid, _ in pairs:
            if fid not in families:
                raise ValidationError(name, "family", f"unknown family {fid!r}")
    weights = dataclasses.astuple(problem.weights)
    if any(w < 0 for w in weights):
        raise ValidationError("weights", "weights", "weights must not be negative")


def pin_conflicts(ctx: Context) -> list[tuple[str, dict[str, object]]]:
    """Pins that cannot all hold, as (key, params); empty: every pin can be kept."""
    out: list[tuple[str, dict[str, object]]] = []
    per_family = Counter(f for f, _ in set(ctx.problem.pins))
    out += [("pin_twice", {"family": f}) for f, n in sorted(per_family.items()) if n > 1]
    allowed = {(f, s.id) for f, ss in ctx.cands.items() for s in ss}
    for f, s in ctx.problem.pins:
        if (f, s) not in allowed:
            out.append(("pin_outside", {"family": f, "slot": s}))
    pinned = Counter(s for _, s in set(ctx.problem.pins))
    for group in ctx.groups:
        n = sum(pinned[s.id] for s in group)
        if n > ctx.capacity[group[0].room_id]:
            out.append(("pins_over_capacity", {"slot": group[-1].id, "pins": n}))
    return out


def build(ctx: Context) -> CallsModel:
    problem, w = ctx.problem, ctx.problem.weights
    m = CallsModel(cp_model.CpModel())
    model, x = m.model, m.x
    for f in problem.families:
        for s in ctx.cands[f.id]:
            x[f.id, s.id] = model.new_bool_var(f"x[{f.id},{s.id}]")
    by_slot: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    placed: dict[str, cp_model.LinearExprT] = {}
    for f in problem.families:
        xs = [x[f.id, s.id] for s in ctx.cands[f.id]]
        if len(xs) > 1:
            model.add_at_most_one(xs)
        placed[f.id] = sum(xs)
        for s in ctx.cands[f.id]:
            by_slot[s.id].append(x[f.id, s.id])
    for group in ctx.groups:
        xs = [v for s in group for v in by_slot[s.id]]
        if len(xs) > ctx.capacity[group[0].room_id]:
            model.add(sum(xs) <= ctx.capacity[group[0].room_id])
    for f, s in set(problem.pins):
        model.add(x[f, s] == 1)
    families = problem.families
    m.exprs["unplaced"] = sum(1 - placed[f.id] for f in families)
    m.exprs["missed_weeks"] = sum(f.missed_weeks * (1 - placed[f.id]) for f in families)
    m.exprs["moved"] = sum(1 - x.get((f.id, f.last_slot), 0) for f in families if f.last_slot)
    m.exprs["late"] = sum(ctx.slots[sid].late * var for (_, sid), var in x.items())
    weight = {"unplaced": w.unplaced, "missed_weeks": w.unplaced, "moved": w.moved, "late": w.late}
    model.minimize(sum(weight[n] * m.exprs[n] for n in TERMS))

    def hint(assignments: Sequence[Assignment]) -> None:
        chosen = {(a.volunteer_id, a.target_id) for a in assignments}
        for key, var in x.items():
            model.add_hint(var, key in chosen)

    m.hint = hint
    return m


def term_values(ctx: Context, assignments: Sequence[Assignment]) -> tuple[TermValue, ...]:
    """The objective's terms of a plan, counted from the plan itself."""
    w = ctx.problem.weights
    at = {a.volunteer_id: a.target_id for a in assignments}
    fams = ctx.problem.families
    values = {
        "unplaced": sum(1 for f in fams if f.id not in at),
        "missed_weeks": sum(f.missed_weeks for f in fams if f.id not in at),
        "moved": sum(1 for f in fams if f.last_slot and at.get(f.id) != f.last_slot),
        "late": sum(ctx.slots[s].late for s in at.values()),
    }
    weight = {"unplaced": w.unplaced, "missed_weeks": w.unplaced, "moved": w.moved, "late": w.late}
    return tuple(TermValue(n, values[n], weight[n]) for n in TERMS)


def greedy_calls(problem: VideoCallProblem, ctx: Context | None = None) -> tuple[Assignment, ...]:
    """A coordinator's rota by hand: pins first; then the longest-waiting and hardest-to-place
    families, each in its last slot when free, else the earliest free slot it can take."""
    ctx = ctx or Context.of(problem)
    load: Counter[str] = Counter()  # calls per slot
    pinned = dict(problem.pins)

    def free(s: CallSlot) -> bool:
        room = ctx.capacity[s.room_id]
        return all(sum(load[t.id] for t in ctx.groups[i]) < room for i in ctx.groups_of[s.id])

    order = sorted(
        problem.families,
        key=lambda f: (f.id not in pinned, -f.missed_weeks, len(ctx.cands[f.id]), f.id),
    )
    out = []
    for f in order:
        options = ctx.cands[f.id]
        if f.id in pinned:
            options = [s for s in options if s.id == pinned[f.id]]
        elif f.last_slot:
            options = sorted(options, key=lambda s: s.id != f.last_slot)  # stable: last first
        choice = next((s for s in options if free(s)), None)
        if choice is not None:
            load[choice.id] += 1
            out.append(Assignment(f.id, choice.id))
    return tuple(sorted(out, key=lambda a: a.volunteer_id))


def _objective(terms: Sequence[TermValue]) -> float:
    return float(sum(t.weighted for t in terms))


def solve_model(
    problem: VideoCallProblem,
    params: SolveParams,
    on_progress: Callable[[Progress], None] | None,
    stop: StopFlag,
) -> Plan:
    from . import calls_explain  # local: calls_explain imports this module
    from .explain import invalid

    try:
        validate_calls(problem)
    except ValidationError as err:
        return Plan("invalid", None, None, None, 0.0, explanations=(invalid(err),))
    started = time.monotonic()
    ctx = Context.of(problem)
    conflicts = pin_conflicts(ctx)
    if conflicts:
        texts = tuple(calls_explain.conflict(ctx, key, p) for key, p in conflicts)
        return Plan("infeasible", None, None, None, time.monotonic() - started, explanations=texts)
    built = build(ctx)
    if params.strategy == "auto":  # one worker repeats its search exactly (module docstring)
        params = dataclasses.replace(params, strategy="lin2")
    hint = params.start if params.start is not None else None
    if hint is None and params.hint:
        hint = greedy_calls(problem, ctx)
    solver, status, _, stopped = run_model(built, params, on_progress, stop, hint)
    name = _STATUS.get(status, "timeout_no_solution")
    bound: float | None = None
    if name in ("optimal", "feasible"):
        assignments = tuple(
            Assignment(f, s) for (f, s), var in sorted(built.x.items()) if solver.value(var)
        )
        bound = float(math.ceil(solver.best_objective_bound - 1e-6))
    elif name == "timeout_no_solution" and not check_calls(
        problem, fallback := greedy_calls(problem, ctx)
    ):
        # Stopped (or out of time) before CP-SAT's first plan: the greedy rota keeps every hard
        # rule, pins included, so the coordinator gets it, marked unproven, rather than nothing.
        name, assignments = "feasible", fallback
    else:
        return Plan(name, None, None, None, time.monotonic() - started, stopped=stopped)
    terms = term_values(ctx, assignments)
    objective = _objective(terms)
    if name == "optimal":
        bound = objective
    explanations: tuple[Explanation, ...] = ()
    if params.explain:
        explanations = calls_explain.unplaced(ctx, assignments)
    return Plan(
        name,
        objective,
        bound,
        relative_gap(objective, bound),
        time.monotonic() - started,
        terms,
        assignments,
        explanations,
        deterministic_time=solver.response_proto.deterministic_time,
        stopped=stopped,
    )
