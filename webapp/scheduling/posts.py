"""Model 2: summer village posts (暑期驻点) with atomic teams.

A *unit* is a team (placed whole) or a volunteer who is in no team. Decision: ``place[u, p]`` = unit
u is stationed at post p. Because the decision is per unit, a team can never be split: that is the
formulation, not a constraint that could be violated.

Hard rules: the candidate rules of rules.py (vetting, dates, travel limit, forbidden, team fits
the post), capacity (min(max headcount, beds)), one post at a time (date overlap), a cap on posts
per unit, pins; coverage (min headcount, skill counts, a leader, a cleared adult) is hard only with
``rules.hard_minimums``, otherwise the most expensive objective term.
Terms: unfilled_min, unfilled_preferred, change, continuity, travel, preference, cohort,
balance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from ortools.sat.python import cp_model

from .objective import RuleBook, Terms, shortfall
from .plan import Assignment
from .problem import PostsProblem
from .rules import PostsContext, coverage_requirements, over_capacity
from .tutoring import BuiltModel


def build_posts_model(problem: PostsProblem, explain: bool = False) -> BuiltModel:
    ctx = PostsContext(problem)
    model = cp_model.CpModel()
    built = BuiltModel(model, Terms(), RuleBook(model, explain))
    place = built.assign  # keyed (unit, post, "") to share BuiltModel with tutoring
    pinned = _pinned_pairs(problem, ctx)
    for u in ctx.units.values():
        for p in problem.posts:
            if ctx.static_block(u, p) is None or (u.id, p.id) in pinned:
                place[u.id, p.id, ""] = model.new_bool_var(f"place[{u.id},{p.id}]")
    by_unit: dict[str, list[str]] = defaultdict(list)
    by_post: dict[str, list[str]] = defaultdict(list)
    for u_id, p_id, _ in place:
        by_unit[u_id].append(p_id)
        by_post[p_id].append(u_id)

    add_pinned_ineligible(built, ctx, pinned)
    add_capacity(built, ctx, by_post)
    add_one_post_at_a_time(built, ctx, by_unit)
    add_max_posts(built, ctx, by_unit)
    add_coverage(built, ctx, by_post)
    add_pins(built, pinned)
    add_objective_terms(built, ctx, by_unit, by_post)
    built.terms.minimize(model)

    def decode(value: Callable[[cp_model.IntVar], int]) -> tuple[Assignment, ...]:
        out = []
        for (u_id, p_id, _), x in sorted(place.items()):
            if value(x):
                u = ctx.units[u_id]
                out.extend(Assignment(m, p_id, None, u.team_id) for m in u.member_ids)
        return tuple(out)

    def hint(assignments: Sequence[Assignment]) -> None:
        chosen = set()
        for a in assignments:
            u = ctx.unit_of_volunteer(a.volunteer_id)
            if u is not None:
                chosen.add((u.id, a.target_id))
        for (u_id, p_id, _), x in place.items():
            model.add_hint(x, (u_id, p_id) in chosen)

    built.decode, built.hint = decode, hint
    return built


def _pinned_pairs(problem: PostsProblem, ctx: PostsContext) -> set[tuple[str, str]]:
    out = set()
    for pin in problem.pins:
        u = ctx.units.get(pin.volunteer_id) or ctx.unit_of_volunteer(pin.volunteer_id)
        if u is not None:
            out.add((u.id, pin.target_id))
    return out


# --------------------------------------------------------------------------- hard rules


def add_pinned_ineligible(
    built: BuiltModel, ctx: PostsContext, pinned: set[tuple[str, str]]
) -> None:
    for u_id, p_id in pinned:
        reason = ctx.static_block(ctx.units[u_id], ctx.posts[p_id])
        if reason is not None:
            ct = built.model.add(built.assign[u_id, p_id, ""] == 0)
            built.rules.enforce(ct, reason, unit=u_id, post=p_id)


def add_capacity(built: BuiltModel, ctx: PostsContext, by_post: dict[str, list[str]]) -> None:
    """Headcount within min(max headcount, beds); counted in people, so a team counts fully."""
    for p_id, units in by_post.items():
        p = ctx.posts[p_id]
        sizes = [ctx.units[u].size for u in units]
        if over_capacity(p, sum(sizes)):
            ct = built.model.add(
                sum(s * built.assign[u, p_id, ""] for s, u in zip(sizes, units, strict=True))
                <= p.capacity
            )
            built.rules.enforce(ct, "capacity", post=p_id, count=p.capacity)


def add_one_post_at_a_time(
    built: BuiltModel, ctx: PostsContext, by_unit: dict[str, list[str]]
) -> None:
    """Posts with overlapping dates form an interval graph: one clique per start date."""
    for u_id, post_ids in by_unit.items():
        posts = [ctx.posts[p] for p in post_ids]
        seen: set[frozenset[str]] = set()
        cts = []
        for p in posts:
            clique = frozenset(q.id for q in posts if q.dates.start <= p.dates.start <= q.dates.end)
            if len(clique) > 1 and clique not in seen:
                seen.add(clique)
                cts.append(
                    built.model.add(sum(built.assign[u_id, q, ""] for q in sorted(clique)) <= 1)
                )
        built.rules.enforce_all(cts, "schedule", unit=u_id)


def add_max_posts(built: BuiltModel, ctx: PostsContext, by_unit: dict[str, list[str]]) -> None:
    for u_id, post_ids in by_unit.items():
        cap = ctx.units[u_id].max_posts
        if len(post_ids) > cap:
            ct = built.model.add(sum(built.assign[u_id, p, ""] for p in post_ids) <= cap)
            built.rules.enforce(ct, "max_posts", unit=u_id, count=cap)


def add_coverage(built: BuiltModel, ctx: PostsContext, by_post: dict[str, list[str]]) -> None:
    problem, model, w = ctx.problem, built.model, ctx.problem.weights
    for p in problem.posts:
        units = by_post.get(p.id, [])
        for req in coverage_requirements(p):
            name, count = req.name, req.count
            have = sum(
                req.of_unit(ctx.units[u], p) * built.assign[u, p.id, ""]
                for u in units
                if req.of_unit(ctx.units[u], p)
            )
            if problem.rules.hard_minimums:
                ct = model.add(have >= count)
                built.rules.enforce(ct, "min", post=p.id, requirement=name, count=count)
            elif built.terms.wanted(w.unfilled_min):
                built.terms.add(
                    "unfilled_min",
                    shortfall(model, have, count, f"short[{p.id},{name}]"),
                    w.unfilled_min,
                )


def add_pins(built: BuiltModel, pinned: set[tuple[str, str]]) -> None:
    for u_id, p_id in sorted(pinned):
        ct = built.model.add(built.assign[u_id, p_id, ""] == 1)
        built.rules.enforce(ct, "pin", unit=u_id, post=p_id)


# --------------------------------------------------------------------------- objective


def add_objective_terms(
    built: BuiltModel,
    ctx: PostsContext,
    by_unit: dict[str, list[str]],
    by_post: dict[str, list[str]],
) -> None:
    problem, w, terms, place, model = (
        ctx.problem,
        ctx.problem.weights,
        built.terms,
        built.assign,
        built.model,
    )

    def heads(p_id: str) -> cp_model.LinearExprT:
        return sum(ctx.units[u].size * place[u, p_id, ""] for u in by_post.get(p_id, []))

    def placed(v_id: str, p_id: str) -> cp_model.LinearExprT:
        u = ctx.unit_of_volunteer(v_id)
        return place.get((u.id, p_id, ""), 0) if u is not None else 0

    if terms.wanted(w.unfilled_preferred) or terms.wanted(w.balance):
        worst = model.new_int_var(0, max(p.preferred_count for p in problem.posts), "worst")
        for p in problem.posts:
            if p.preferred_count > p.min_headcount:
                terms.add(
                    "unfilled_preferred",
                    shortfall(model, heads(p.id), p.preferred_count, f"short_pref[{p.id}]"),
                    w.unfilled_preferred,
                )
            if p.preferred_count > 0:
                model.add(worst >= p.preferred_count - heads(p.id))
        terms.add("balance", worst, w.balance)
    if problem.published and terms.wanted(w.change):
        kept = [placed(a.volunteer_id, a.target_id) for a in problem.published]
        terms.add("change", len(kept) - sum(kept), w.change)
    # Re-plan: each person placed where the published plan did not have them is one more person
    # to tell; a small cost keeps a re-plan from adding people it does not need.
    if problem.published and terms.wanted(w.added):
        before = {(a.volunteer_id, a.target_id) for a in problem.published}
        new = []
        for (u_id, p_id, _), x in place.items():
            count = sum((m, p_id) not in before for m in ctx.units[u_id].member_ids)
            if count:
                new.append(count * x)
        if new:
            terms.add("added", sum(new), w.added)
    last = [(v.id, t) for v in problem.volunteers for t in sorted(v.last_targets) if t in ctx.posts]
    if last and terms.wanted(w.continuity):
        terms.add("continuity", len(last) - sum(placed(v, t) for v, t in last), w.continuity)
    travel, pref = [], []
    for (u_id, p_id, _), x in place.items():
        u = ctx.units[u_id]
        if (t := ctx.unit_travel(u, ctx.posts[p_id])) != 0:
            travel.append(t * x)
        if u.preferred_posts and p_id not in u.preferred_posts:
            pref.append(u.size * x)
    if travel:
        terms.add("travel", sum(travel), w.travel)
    if pref:
        terms.add("preference", sum(pref), w.preference)
    if terms.wanted(w.cohort):
        add_cohort_term(built, ctx, by_post)


def cohort_of(problem: PostsProblem) -> dict[str, str]:
    """Each volunteer's cohort: their own, else their team's college; '' for none."""
    college = {m: t.college for t in problem.teams for m in t.member_ids}
    return {v.id: v.cohort or college.get(v.id, "") for v in problem.volunteers}


def add_cohort_term(built: BuiltModel, ctx: PostsContext, by_post: dict[str, list[str]]) -> None:
    """Cohort preferences (issue: "then team and cohort preferences"), one soft term:

    * a person placed at a post where nobody else from their cohort (college/class) is: +1;
      people of a team share their team's college, so a team is its own company; a cohort of
      one person is ignored;
    * a person placed at a post without a companion they asked for: +1 per such companion.

    Counted per placement, so a volunteer who does two posts in sequence is counted at each.
    ``alone >= place[u, p] - sum(place[others with the cohort, p])``: LP-tight, one boolean per
    (unit, post, cohort) and (request, post) where the answer is not already known.
    """
    problem, model, place = ctx.problem, built.model, built.assign
    cohorts = cohort_of(problem)
    size = defaultdict(int)
    for c in cohorts.values():
        size[c] += 1
    raw: list[cp_model.LinearExprT] = []
    for p_id, unit_ids in sorted(by_post.items()):
        # cohort -> {unit id: members of that cohort in the unit}
        present: dict[str, dict[str, int]] = defaultdict(dict)
        for u_id in unit_ids:
            for m in ctx.units[u_id].members:
                c = cohorts[m.id]
                if c and size[c] > 1:
                    present[c][u_id] = present[c].get(u_id, 0) + 1
        for c, counts in sorted(present.items()):
            for u_id, n in sorted(counts.items()):
                if n > 1:
                    continue  # teammates from the same cohort keep each other company
                x = place[u_id, p_id, ""]
                others = [place[o, p_id, ""] for o in counts if o != u_id]
                if not others:
                    raw.append(x)
                    continue
                alone = model.new_bool_var(f"alone[{u_id},{p_id},{c}]")
                model.add(alone >= x - sum(others))
                raw.append(alone)
    posts_of: dict[str, list[str]] = defaultdict(list)
    for u_id, p_id, _ in place:
        posts_of[u_id].append(p_id)
    for v in problem.volunteers:
        u = ctx.unit_of_volunteer(v.id)
        for c_id in sorted(v.companions):
            cu = ctx.unit_of_volunteer(c_id)
            if u is None or cu is None or cu.id == u.id:
                continue  # same team: always together
            for p_id in sorted(posts_of[u.id]):
                x, y = place[u.id, p_id, ""], place.get((cu.id, p_id, ""))
                if y is None:
                    raw.append(x)
                    continue
                apart = model.new_bool_var(f"apart[{v.id},{c_id},{p_id}]")
                model.add(apart >= x - y)
                raw.append(apart)
    if raw:
        built.terms.add("cohort", sum(raw), problem.weights.cohort)
