"""Greedy baseline: most constrained need first, nearest feasible volunteer.

Used three ways: as the benchmark baseline CP-SAT must beat, as a solution hint for CP-SAT, and as
a fallback a coordinator can use if the solver is unavailable. It places someone only where every
rule of rules.py still holds (the rules checks.py checks) but optimises nothing beyond its greedy
order.
"""

from __future__ import annotations

import time
from collections import defaultdict

from .checks import evaluate_posts, evaluate_tutoring, weighted_total
from .plan import Assignment, Plan, TermValue
from .problem import PostsProblem, TutoringProblem
from .rules import (
    PostsContext,
    TutoringContext,
    Week,
    coverage_requirements,
    over_capacity,
    over_max,
    post_busy,
)


def _plan(problem, assignments: list[Assignment], terms: dict[str, int], started: float) -> Plan:
    w = problem.weights
    values = tuple(
        TermValue(n, v, getattr(w, n)) for n, v in sorted(terms.items()) if getattr(w, n) != 0
    )
    return Plan(
        "feasible",
        float(weighted_total(problem, terms)),
        None,
        None,
        time.monotonic() - started,
        values,
        tuple(assignments),
    )


def greedy_tutoring(problem: TutoringProblem, ctx: TutoringContext | None = None) -> Plan:
    """Most constrained needs first, cheapest candidates first. ``ctx``: the solve's context
    (its candidates are computed once for the model and this plan)."""
    started = time.monotonic()
    ctx = ctx or TutoringContext(problem)
    week = Week(ctx)
    filled: dict[tuple[str, str], int] = defaultdict(int)
    out: list[Assignment] = []

    def fits(v, s, need) -> bool:
        return not over_max(need, filled[s.id, need.skill] + 1) and week.block(v, s) is None

    def take(v, s, need) -> None:
        week.add(v, s)
        filled[s.id, need.skill] += 1
        out.append(Assignment(v.id, s.id, need.skill))

    for pin in problem.pins:  # pins first, where they are possible at all
        v, s = ctx.volunteers[pin.volunteer_id], ctx.slots[pin.target_id]
        for need in s.needs:
            if (
                pin.skill in (None, need.skill)
                and ctx.static_block(v, s, need) is None
                and fits(v, s, need)
            ):
                take(v, s, need)
                break

    candidates = ctx.candidates()
    pinned = set(out)  # what the pins placed: never moved
    needs = [(s, n) for s in problem.slots for n in s.needs]
    # Most constrained first: fewest candidates per person needed.
    for target in ("min", "preferred"):
        needs.sort(
            key=lambda sn: (
                len(candidates[sn[0].id, sn[1].skill]) / max(1, sn[1].min),
                sn[0].id,
                sn[1].skill,
            )
        )
        for s, need in needs:
            goal = need.min if target == "min" else need.preferred_count
            ranked = sorted(
                candidates[s.id, need.skill],
                key=lambda v: (ctx.pair_cost(v, s) + 2 * ctx.travel(v, s), v.id),
            )
            for v in ranked:
                if filled[s.id, need.skill] >= goal:
                    break
                if fits(v, s, need):
                    take(v, s, need)
        _fill_by_moves(ctx, week, needs, candidates, filled, out, pinned, target)
    return _plan(problem, out, evaluate_tutoring(problem, out), started)


def _fill_by_moves(ctx, week, needs, candidates, filled, out, pinned, target: str) -> None:
    """A need still below its ``target`` headcount (min or preferred) after the direct pass: hand
    one of a candidate's sessions to someone else who can take it, so that the candidate is free
    for the short need; where nobody can take it directly, someone who can once they hand one of
    their own sessions on (two moves; headcounts of the moved sessions do not change).

    The direct pass left 23-72 minimums short on generated counties where CP-SAT proves 0-6
    (issue 26), and the plan is CP-SAT's first hint. Every move keeps every rule (``Week.block``
    on both sides) and never moves a pin.
    """
    held: dict[str, list[int]] = defaultdict(list)  # volunteer -> positions in out

    for i, a in enumerate(out):
        held[a.volunteer_id].append(i)

    def move(i: int, w) -> None:
        a = out[i]
        held[a.volunteer_id].remove(i)
        out[i] = Assignment(w.id, a.target_id, a.skill)
        held[w.id].append(i)

    def take_over(i: int, exclude: set[str], depth: int) -> bool:
        """Someone not in ``exclude`` takes out[i]'s session (its holder is off it in ``week``)."""
        a = out[i]
        other = ctx.slots[a.target_id]
        takers = [w for w in candidates[a.target_id, a.skill] if w.id not in exclude]
        for w in takers:
            if week.block(w, other) is None:
                week.add(w, other)
                move(i, w)
                return True
        if depth < 2:
            return False
        for w in takers[:_CHAIN_WIDTH]:  # bounded: most short needs cannot be filled at all
            if other.id in week.slots[w.id]:
                continue
            for j in list(held[w.id]):
                b = out[j]
                if b in pinned:
                    continue
                theirs = ctx.slots[b.target_id]
                week.remove(w, theirs)
                if week.block(w, other) is None:
                    week.add(w, other)
                    if take_over(j, exclude | {w.id}, depth - 1):
                        move(i, w)
                        return True
                    week.remove(w, other)
                week.add(w, theirs)
        return False

    for depth in (1, 2):
        for s, need in needs:
            goal = need.min if target == "min" else need.preferred_count
            if filled[s.id, need.skill] >= goal:
                continue
            ranked = sorted(
                candidates[s.id, need.skill],
                key=lambda v: (ctx.pair_cost(v, s) + 2 * ctx.travel(v, s), v.id),
            )
            for v in ranked if depth == 1 else ranked[:_CHAIN_WIDTH]:
                if filled[s.id, need.skill] >= goal:
                    break
                if s.id in week.slots[v.id]:
                    continue
                for i in list(held[v.id]):
                    a = out[i]
                    if a in pinned:
                        continue
                    other = ctx.slots[a.target_id]
                    week.remove(v, other)
                    if week.block(v, s) is None and take_over(i, {v.id}, depth):
                        week.add(v, s)
                        filled[s.id, need.skill] += 1
                        held[v.id].append(len(out))
                        out.append(Assignment(v.id, s.id, need.skill))
                        break
                    week.add(v, other)


# How many candidates a two-move chain tries at each end (the search is width^2 x sessions).
_CHAIN_WIDTH = 8


def greedy_posts(problem: PostsProblem) -> Plan:
    started = time.monotonic()
    ctx = PostsContext(problem)
    placed: dict[str, list[str]] = defaultdict(list)  # unit -> post ids
    heads: dict[str, int] = defaultdict(int)
    chosen: dict[str, list[str]] = defaultdict(list)  # post -> units

    def fits(u, p) -> bool:
        return not over_capacity(p, heads[p.id] + u.size) and not post_busy(
            ctx, placed[u.id], u.max_posts, p
        )

    def take(u, p) -> None:
        placed[u.id].append(p.id)
        heads[p.id] += u.size
        chosen[p.id].append(u.id)

    for pin in problem.pins:
        u, p = (
            ctx.units.get(pin.volunteer_id) or ctx.unit_of_volunteer(pin.volunteer_id),
            ctx.posts[pin.target_id],
        )
        if u is not None and ctx.static_block(u, p) is None and fits(u, p):
            take(u, p)

    candidates = {
        p.id: [u for u in ctx.units.values() if ctx.static_block(u, p) is None]
        for p in problem.posts
    }

    def missing(p) -> list:
        units = [ctx.units[x] for x in chosen[p.id]]
        return [
            r for r in coverage_requirements(p) if sum(r.of_unit(u, p) for u in units) < r.count
        ]

    def helps(u, p, gaps: list) -> int:
        # A body counts once; someone who brings a skill, a leader or a cleared adult, thrice.
        return sum(1 if r.name == "headcount" else 3 * (r.of_unit(u, p) > 0) for r in gaps)

    order = sorted(
        problem.posts, key=lambda p: (len(candidates[p.id]) / max(1, p.min_headcount), p.id)
    )
    for p in order:  # coverage first: units that close the most gaps, then the nearest
        while gaps := missing(p):
            best = [u for u in candidates[p.id] if helps(u, p, gaps) and fits(u, p)]
            if not best:
                break
            u = min(best, key=lambda u: (-helps(u, p, gaps), ctx.unit_travel(u, p) / u.size, u.id))
            take(u, p)
    for p in order:  # then fill to the preferred headcount with the nearest units
        for u in sorted(candidates[p.id], key=lambda u: (ctx.unit_travel(u, p) / u.size, u.id)):
            if heads[p.id] >= p.preferred_count:
                break
            if heads[p.id] + u.size <= p.preferred_count and fits(u, p):
                take(u, p)
    out = [
        Assignment(m, p_id, None, u.team_id)
        for p_id, units in chosen.items()
        for u in (ctx.units[x] for x in units)
        for m in u.member_ids
    ]
    return _plan(problem, out, evaluate_posts(problem, out), started)
