"""Model 1: weekly tutoring in term time.

Decision: ``assign[v, s, k]`` = volunteer v fills need k (a skill) of slot s. Variables exist only
for candidates that pass the candidate rules of rules.py (vetting, skill, availability, travel
limit, forbidden pairs); a pinned candidate that fails one of them still gets a variable, fixed to 0 by that named
rule, so that an impossible pin is reported as a conflict instead of silently dropped.

Hard rules (one function each): one need per volunteer per slot, no overlapping slots (counting
travel between homes on the same day), weekly load (sessions and minutes incl. round trip), max
headcount, hard minimums (optional), pins.
Terms: unfilled_min, unfilled_preferred, change, continuity, pair_cost, travel, fairness,
preference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .objective import RuleBook, Terms, convex_count_cost, shortfall
from .plan import Assignment
from .problem import TutoringProblem
from .rules import TutoringContext


@dataclass
class BuiltModel:
    model: cp_model.CpModel
    terms: Terms
    rules: RuleBook
    assign: dict[tuple[str, str, str], cp_model.IntVar] = field(default_factory=dict)
    decode: Callable[[Callable[[cp_model.IntVar], int]], tuple[Assignment, ...]] | None = None
    hint: Callable[[Sequence[Assignment]], None] | None = None


def build_tutoring_model(
    problem: TutoringProblem, explain: bool = False, ctx: TutoringContext | None = None
) -> BuiltModel:
    """Build the CP-SAT model. ``explain`` turns every hard rule into a named assumption;
    ``ctx`` shares the candidates (and travel) with greedy (solver.solve)."""
    ctx = ctx or TutoringContext(problem)
    model = cp_model.CpModel()
    built = BuiltModel(model, Terms(), RuleBook(model, explain))
    assign = built.assign
    pinned = _pinned_triples(problem, ctx)

    # Candidates: static rules decide which variables exist (created volunteer by volunteer, in
    # slot and need order, as CP-SAT has always seen them).
    order = {
        (s.id, n.skill): i
        for i, (s, n) in enumerate((s, n) for s in problem.slots for n in s.needs)
    }
    mine: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, vols in ctx.candidates().items():
        for v in vols:
            mine[v.id].append(key)
    for v_id, s_id, k in pinned:  # a pinned non-candidate too (fixed to 0 by its rule)
        if (s_id, k) in order and (s_id, k) not in mine[v_id]:
            mine[v_id].append((s_id, k))
    for v in problem.volunteers:
        for s_id, k in sorted(mine.get(v.id, ()), key=order.__getitem__):
            assign[v.id, s_id, k] = model.new_bool_var(f"assign[{v.id},{s_id},{k}]")

    by_vol: dict[str, list[tuple[str, str]]] = defaultdict(list)  # v -> [(slot, skill)]
    by_need: dict[tuple[str, str], list[str]] = defaultdict(list)  # (slot, skill) -> [v]
    for v_id, s_id, k in assign:
        by_vol[v_id].append((s_id, k))
        by_need[s_id, k].append(v_id)

    add_pinned_ineligible(built, ctx, pinned)
    add_one_need_per_slot(built, by_vol)
    add_no_overlap(built, ctx, by_vol)
    add_weekly_load(built, ctx, by_vol)
    add_headcount(built, ctx, by_need)
    add_pins(built, ctx, pinned)
    add_objective_terms(built, ctx, by_vol)
    built.terms.minimize(model)

    def decode(value: Callable[[cp_model.IntVar], int]) -> tuple[Assignment, ...]:
        return tuple(Assignment(v, s, k) for (v, s, k), x in sorted(assign.items()) if value(x))

    def hint(assignments: Sequence[Assignment]) -> None:
        chosen = {(a.volunteer_id, a.target_id, a.skill) for a in assignments}
        for key, x in assign.items():
            model.add_hint(x, key in chosen)

    built.decode, built.hint = decode, hint
    return built


def _pinned_triples(problem: TutoringProblem, ctx: TutoringContext) -> set[tuple[str, str, str]]:
    """Pins name (volunteer, slot, skill?); without a skill, pick the first need v can fill."""
    out = set()
    for p in problem.pins:
        v, s = ctx.volunteers[p.volunteer_id], ctx.slots[p.target_id]
        skill = p.skill
        if skill is None:
            fits = [n.skill for n in s.needs if ctx.static_block(v, s, n) is None]
            skill = fits[0] if fits else s.needs[0].skill
        out.add((v.id, s.id, skill))
    return out


# --------------------------------------------------------------------------- hard rules


def add_pinned_ineligible(
    built: BuiltModel, ctx: TutoringContext, pinned: set[tuple[str, str, str]]
) -> None:
    """A pinned candidate that breaks a static rule: the rule (named) forbids it."""
    for v_id, s_id, k in pinned:
        v, s = ctx.volunteers[v_id], ctx.slots[s_id]
        need = next(n for n in s.needs if n.skill == k)
        reason = ctx.static_block(v, s, need)
        if reason is not None:
            ct = built.model.add(built.assign[v_id, s_id, k] == 0)
            built.rules.enforce(ct, reason, volunteer=v_id, slot=s_id, skill=k)


def add_one_need_per_slot(built: BuiltModel, by_vol: dict[str, list[tuple[str, str]]]) -> None:
    """A person fills at most one need of a slot (one cannot teach maths and English at once)."""
    for v_id, pairs in by_vol.items():
        per_slot: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for s_id, k in pairs:
            per_slot[s_id].append(built.assign[v_id, s_id, k])
        for lits in per_slot.values():
            if len(lits) > 1:
                built.model.add_at_most_one(lits)


def add_no_overlap(
    built: BuiltModel, ctx: TutoringContext, by_vol: dict[str, list[tuple[str, str]]]
) -> None:
    """No two slots that overlap once travel between homes is counted.

    Conflicts are covered by greedy cliques (an interval-like graph), which gives CP-SAT's LP a
    much tighter relaxation than one constraint per conflicting pair.
    """
    for v_id, pairs in by_vol.items():
        v = ctx.volunteers[v_id]
        slot_ids = sorted(
            {s for s, _ in pairs}, key=lambda s: (ctx.slots[s].weekday, ctx.slots[s].start, s)
        )
        lits: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for s_id, k in pairs:
            lits[s_id].append(built.assign[v_id, s_id, k])
        rank = {s: i for i, s in enumerate(slot_ids)}
        # Conflicting pairs, tested once: only slots of the same day can clash (sorted by day).
        clash: set[tuple[str, str]] = set()
        for i, a in enumerate(slot_ids):
            sa = ctx.slots[a]
            for b in slot_ids[i + 1 :]:
                sb = ctx.slots[b]
                if sb.weekday != sa.weekday:
                    break
                if ctx.conflict(v, sa, sb):
                    clash |= {(a, b), (b, a)}
        covered: set[tuple[str, str]] = set()
        constraints = []
        for i, a in enumerate(slot_ids):
            clique = [a]
            for b in slot_ids[i + 1 :]:
                if ctx.slots[b].weekday != ctx.slots[a].weekday:
                    break
                if all((c, b) in clash for c in clique):
                    clique.append(b)
            new = {(x, y) for x in clique for y in clique if x < y} - covered
            if len(clique) > 1 and new:
                covered |= new
                constraints.append(built.model.add(sum(x for c in clique for x in lits[c]) <= 1))
        # Pairs the greedy cliques missed (possible when travel breaks the interval structure).
        for a, b in sorted(clash, key=lambda ab: (rank[ab[0]], rank[ab[1]])):
            if rank[a] < rank[b] and (min(a, b), max(a, b)) not in covered:
                constraints.append(built.model.add(sum(lits[a]) + sum(lits[b]) <= 1))
        built.rules.enforce_all(constraints, "schedule", volunteer=v_id)


def add_weekly_load(
    built: BuiltModel, ctx: TutoringContext, by_vol: dict[str, list[tuple[str, str]]]
) -> None:
    """Sessions per week, and minutes per week counting the round trip."""
    for v_id, pairs in by_vol.items():
        v = ctx.volunteers[v_id]
        xs = [built.assign[v_id, s, k] for s, k in pairs]
        loads = [ctx.load(v, ctx.slots[s]) for s, _ in pairs]
        distinct = len({s for s, _ in pairs})
        if distinct > v.max_sessions_per_week:
            ct = built.model.add(sum(xs) <= v.max_sessions_per_week)
            built.rules.enforce(ct, "sessions", volunteer=v_id, limit=v.max_sessions_per_week)
        if sum(loads) > v.max_minutes_per_week:
            ct = built.model.add(
                sum(w * x for w, x in zip(loads, xs, strict=True)) <= v.max_minutes_per_week
            )
            built.rules.enforce(ct, "minutes", volunteer=v_id, limit=v.max_minutes_per_week)


def add_headcount(
    built: BuiltModel, ctx: TutoringContext, by_need: dict[tuple[str, str], list[str]]
) -> None:
    """Max headcount is hard; the minimum is hard only with rules.hard_minimums."""
    problem, model, w = ctx.problem, built.model, ctx.problem.weights
    for s in problem.slots:
        for need in s.needs:
            xs = [built.assign[v, s.id, need.skill] for v in by_need.get((s.id, need.skill), [])]
            have = sum(xs)
            if len(xs) > need.max:
                ct = model.add(have <= need.max)
                built.rules.enforce(ct, "max", slot=s.id, skill=need.skill, count=need.max)
            if problem.rules.hard_minimums and need.min > 0:
                ct = model.add(have >= need.min)
                built.rules.enforce(ct, "min", slot=s.id, skill=need.skill, count=need.min)
            elif need.min > 0 and built.terms.wanted(w.unfilled_min):
                built.terms.add(
                    "unfilled_min",
                    shortfall(model, have, need.min, f"short_min[{s.id},{need.skill}]"),
                    w.unfilled_min,
                )
            if need.preferred_count > need.min and built.terms.wanted(w.unfilled_preferred):
                short = shortfall(
                    model, have, need.preferred_count, f"short_pref[{s.id},{need.skill}]"
                )
                built.terms.add("unfilled_preferred", short, w.unfilled_preferred)


def add_pins(built: BuiltModel, ctx: TutoringContext, pinned: set[tuple[str, str, str]]) -> None:
    for v_id, s_id, k in sorted(pinned):
        ct = built.model.add(built.assign[v_id, s_id, k] == 1)
        built.rules.enforce(ct, "pin", volunteer=v_id, slot=s_id, skill=k)


# --------------------------------------------------------------------------- objective


def add_objective_terms(
    built: BuiltModel, ctx: TutoringContext, by_vol: dict[str, list[tuple[str, str]]]
) -> None:
    problem, w, terms, assign = ctx.problem, ctx.problem.weights, built.terms, built.assign

    def uses(v_id: str, s_id: str, skill: str | None = None) -> cp_model.LinearExprT:
        return sum(
            assign[v_id, s_id, k]
            for s, k in by_vol.get(v_id, [])
            if s == s_id and skill in (None, k)
        )

    # Re-plan: every published assignment that is dropped (or switched to another need of the
    # same slot, which the volunteer must be told about) costs `change`.
    if problem.published and terms.wanted(w.change):
        kept = [uses(a.volunteer_id, a.target_id, a.skill) for a in problem.published]
        terms.add("change", len(kept) - sum(kept), w.change)
    # Re-plan: every assignment the published plan does not have is a person to tell; a small
    # cost, so that a re-plan fills what it must (minimums, preferred headcounts) and no more.
    if problem.published and terms.wanted(w.added):
        triples = {(a.volunteer_id, a.target_id, a.skill) for a in problem.published}
        pairs = {(a.volunteer_id, a.target_id) for a in problem.published if a.skill is None}
        new = [
            x
            for (v_id, s_id, k), x in assign.items()
            if (v_id, s_id, k) not in triples and (v_id, s_id) not in pairs
        ]
        if new:
            terms.add("added", sum(new), w.added)
    # Continuity with last term / last plan.
    last = [(v.id, t) for v in problem.volunteers for t in sorted(v.last_targets) if t in ctx.slots]
    if last and terms.wanted(w.continuity):
        terms.add("continuity", len(last) - sum(uses(v, s) for v, s in last), w.continuity)
    pair_cost, travel, pref = [], [], []
    for (v_id, s_id, k), x in assign.items():
        v, s = ctx.volunteers[v_id], ctx.slots[s_id]
        if (c := ctx.pair_cost(v, s)) != 0:
            pair_cost.append(c * x)
        if (t := 2 * ctx.travel(v, s)) != 0:
            travel.append(t * x)
        misses = int(bool(v.preferred_homes) and s.home_id not in v.preferred_homes)
        misses += int(bool(v.preferred_skills) and k not in v.preferred_skills)
        if misses:
            pref.append(misses * x)
    if pair_cost:
        terms.add("pair_cost", sum(pair_cost), w.pair_cost)
    if travel:
        terms.add("travel", sum(travel), w.travel)
    if pref:
        terms.add("preference", sum(pref), w.preference)
    if terms.wanted(w.fairness):
        fair = []
        for v_id, pairs in by_vol.items():
            v = ctx.volunteers[v_id]
            xs = [assign[v_id, s, k] for s, k in pairs]
            cap = min(v.max_sessions_per_week, len({s for s, _ in pairs}))
            cost = convex_count_cost(built.model, xs, cap, f"load[{v_id}]")
            if not isinstance(cost, int):
                fair.append(cost)
        if fair:
            terms.add("fairness", sum(fair), w.fairness)
