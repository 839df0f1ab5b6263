"""The checker and evaluator for plans.

It reads the same rule definitions as the models, the funnel and the greedy baseline (rules.py),
but not the CP-SAT models themselves, so that tests and benchmarks can confirm that a plan
respects every hard rule and that the objective CP-SAT reports is what the plan really costs.
The greedy baseline is scored with it too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .plan import Assignment
from .problem import PostsProblem, TutoringProblem
from .rules import (
    POST_RULES,
    TUTORING_RULES,
    PostsContext,
    Rule,
    TutoringContext,
    coverage_requirements,
    load_breaches,
    over_capacity,
    over_max,
    unsupervised,
)


@dataclass(frozen=True)
class Violation:
    """One broken hard rule: ``key`` + ``params`` (ids, counts) for the app's own wording, and a
    short English ``message`` (what ``check_tutoring``/``check_posts`` return)."""

    key: str
    params: dict[str, object]
    message: str


class _Found(list):
    """The violations found so far."""

    def add(self, key: str, message: str, **params: object) -> None:
        self.append(Violation(key, params, message))

    def known(self, ctx, targets: dict, assignments: Sequence[Assignment], kind: str) -> Iterator:
        """(assignment, volunteer, target) for each assignment whose volunteer and target the
        problem knows; an ``unknown`` violation for each other one."""
        for a in assignments:
            v, t = ctx.volunteers.get(a.volunteer_id), targets.get(a.target_id)
            if v is None or t is None:
                self.add(
                    "unknown",
                    f"unknown volunteer/{kind} in {a}",
                    volunteer=a.volunteer_id,
                    target=a.target_id,
                    known_volunteer=v is not None,
                )
                continue
            yield a, v, t

    def broken(self, rules: Sequence[Rule], ctx, a: Assignment, where: dict, *target) -> None:
        """A violation for every candidate rule the assignment breaks."""
        v = ctx.volunteers[a.volunteer_id]
        for rule in rules:
            if not rule.holds(ctx, v, *target):
                details = rule.details(ctx, v, *target) if rule.details else {}
                self.add(rule.check_key, f"{a}: {rule.message}", **where, **details)


def check_tutoring(problem: TutoringProblem, assignments: Sequence[Assignment]) -> list[str]:
    """Every hard-rule violation, as short English strings (empty list = plan is valid)."""
    return [v.message for v in tutoring_violations(problem, assignments)]


def tutoring_violations(
    problem: TutoringProblem, assignments: Sequence[Assignment]
) -> list[Violation]:
    """Every hard-rule violation of a tutoring plan, structured (empty list = plan is valid)."""
    ctx = TutoringContext(problem)
    found = _Found()
    per_vol: dict[str, list[Assignment]] = defaultdict(list)
    count: Counter[tuple[str, str]] = Counter()
    for a, v, s in found.known(ctx, ctx.slots, assignments, "slot"):
        need = next((n for n in s.needs if n.skill == a.skill), None)
        where = {"volunteer": v.id, "slot": s.id, "skill": a.skill}
        if need is None:
            found.add("no_need", f"{a}: slot has no such need", **where)
            continue
        found.broken(TUTORING_RULES, ctx, a, where, s, need)
        per_vol[v.id].append(a)
        count[s.id, a.skill] += 1
    for (s_id, skill), n in count.items():
        need = next(x for x in ctx.slots[s_id].needs if x.skill == skill)
        if over_max(need, n):
            found.add(
                "max",
                f"slot {s_id} {skill}: {n} > max {need.max}",
                slot=s_id,
                skill=skill,
                count=n,
                max=need.max,
            )
    if problem.rules.hard_minimums:
        for s in problem.slots:
            for need in s.needs:
                if count[s.id, need.skill] < need.min:
                    found.add(
                        "min",
                        f"slot {s.id} {need.skill}: below hard minimum",
                        slot=s.id,
                        skill=need.skill,
                        count=count[s.id, need.skill],
                        min=need.min,
                    )
    for v_id, items in per_vol.items():
        v = ctx.volunteers[v_id]
        used = [ctx.slots[a.target_id] for a in items]
        if len({s.id for s in used}) < len(used):
            found.add("one_need", f"volunteer {v_id}: two needs in one slot", volunteer=v_id)
        for i, a in enumerate(used):
            for b in used[i + 1 :]:
                if ctx.conflict(v, a, b):
                    found.add(
                        "overlap",
                        f"volunteer {v_id}: slots {a.id} and {b.id} overlap",
                        volunteer=v_id,
                        slot=a.id,
                        other=b.id,
                    )
        minutes = sum(ctx.load(v, s) for s in used)
        for key, params in load_breaches(v, len(items), minutes):
            message = (
                f"volunteer {v_id}: too many sessions"
                if key == "sessions"
                else f"volunteer {v_id}: {minutes} min > weekly budget"
            )
            found.add(key, message, volunteer=v_id, **params)
    chosen = {(a.volunteer_id, a.target_id) for a in assignments}
    chosen3 = {(a.volunteer_id, a.target_id, a.skill) for a in assignments}
    for p in problem.pins:
        key = (p.volunteer_id, p.target_id)
        if (p.skill is None and key not in chosen) or (p.skill and (*key, p.skill) not in chosen3):
            found.add("pin", f"pin {p} not kept", volunteer=p.volunteer_id, slot=p.target_id)
    return list(found)


def evaluate_tutoring(
    problem: TutoringProblem, assignments: Sequence[Assignment]
) -> dict[str, int]:
    """Raw value of every objective term (same definitions as docs/scheduling.md)."""
    ctx = TutoringContext(problem)
    vols, slots = ctx.volunteers, ctx.slots
    count: Counter[tuple[str, str]] = Counter((a.target_id, a.skill) for a in assignments)
    pairs = {(a.volunteer_id, a.target_id) for a in assignments}
    triples = pairs | {(a.volunteer_id, a.target_id, a.skill) for a in assignments}
    terms: Counter[str] = Counter()
    for s in problem.slots:
        for need in s.needs:
            have = count[s.id, need.skill]
            if not problem.rules.hard_minimums:
                terms["unfilled_min"] += max(0, need.min - have)
            if need.preferred_count > need.min:
                terms["unfilled_preferred"] += max(0, need.preferred_count - have)
    terms["change"] = sum(
        (
            (a.volunteer_id, a.target_id, a.skill)
            if a.skill is not None
            else (a.volunteer_id, a.target_id)
        )
        not in triples
        for a in problem.published
    )
    if problem.published:
        before = {(a.volunteer_id, a.target_id, a.skill) for a in problem.published}
        skill_less = {(a.volunteer_id, a.target_id) for a in problem.published if a.skill is None}
        terms["added"] = sum(
            (a.volunteer_id, a.target_id, a.skill) not in before
            and (a.volunteer_id, a.target_id) not in skill_less
            for a in assignments
        )
    terms["continuity"] = sum(
        (v.id, t) not in pairs for v in problem.volunteers for t in v.last_targets if t in slots
    )
    sessions: Counter[str] = Counter()
    for a in assignments:
        v, s = vols[a.volunteer_id], slots[a.target_id]
        terms["pair_cost"] += (problem.pair_cost or {}).get((v.id, s.id), 0)
        terms["travel"] += 2 * ctx.travel(v, s)
        terms["preference"] += int(bool(v.preferred_homes) and s.home_id not in v.preferred_homes)
        terms["preference"] += int(bool(v.preferred_skills) and a.skill not in v.preferred_skills)
        sessions[v.id] += 1
    terms["fairness"] = sum(n * (n - 1) // 2 for n in sessions.values())
    return dict(terms)


def weighted_total(problem: TutoringProblem | PostsProblem, terms: dict[str, int]) -> int:
    w = problem.weights
    return sum(getattr(w, name) * value for name, value in terms.items())


def check_posts(problem: PostsProblem, assignments: Sequence[Assignment]) -> list[str]:
    """Every hard-rule violation of a summer-posts plan (empty list = valid)."""
    return [v.message for v in posts_violations(problem, assignments)]


def posts_violations(problem: PostsProblem, assignments: Sequence[Assignment]) -> list[Violation]:
    """Every hard-rule violation of a summer-posts plan, structured (empty list = valid)."""
    ctx = PostsContext(problem)
    found = _Found()
    by_post: dict[str, list[str]] = defaultdict(list)
    by_vol: dict[str, list[str]] = defaultdict(list)
    for a, v, p in found.known(ctx, ctx.posts, assignments, "post"):
        by_post[p.id].append(v.id)
        by_vol[v.id].append(p.id)
        found.broken(POST_RULES, ctx, a, {"volunteer": v.id, "post": p.id}, p)
    for t in problem.teams:
        placed = [set(by_vol.get(m, [])) for m in t.member_ids]
        if any(x != placed[0] for x in placed):
            found.add("team_split", f"team {t.id} split", team=t.id)
    for p_id, people in by_post.items():
        p = ctx.posts[p_id]
        if over_capacity(p, len(people)):
            found.add(
                "capacity",
                f"post {p_id}: {len(people)} > capacity {p.capacity}",
                post=p_id,
                count=len(people),
                capacity=p.capacity,
            )
        if len(set(people)) < len(people):
            found.add("twice", f"post {p_id}: a person twice", post=p_id)
    for v_id, ps in by_vol.items():
        unit = ctx.unit_of_volunteer(v_id)
        limit = unit.max_posts if unit is not None else ctx.volunteers[v_id].max_posts
        if len(ps) > limit:
            found.add(
                "max_posts",
                f"volunteer {v_id}: more than {limit} posts",
                volunteer=v_id,
                count=len(ps),
                limit=limit,
            )
        for i, a in enumerate(ps):
            for b in ps[i + 1 :]:
                if ctx.posts[a].dates.overlaps(ctx.posts[b].dates):
                    found.add(
                        "overlap",
                        f"volunteer {v_id}: posts {a} and {b} overlap",
                        volunteer=v_id,
                        post=a,
                        other=b,
                    )
    if problem.rules.hard_minimums:
        for p in problem.posts:
            for name, short in _post_shortfalls(ctx, p, by_post.get(p.id, [])).items():
                if short > 0:
                    found.add(
                        "min",
                        f"post {p.id}: {name} below hard minimum",
                        post=p.id,
                        requirement=name,
                    )
    for pin in problem.pins:
        members = [m for t in problem.teams if t.id == pin.volunteer_id for m in t.member_ids]
        for m in members or [pin.volunteer_id]:
            if pin.target_id not in by_vol.get(m, []):
                found.add(
                    "pin", f"pin {pin} not kept", volunteer=pin.volunteer_id, post=pin.target_id
                )
    return list(found)


def supervision_violations(
    problem: TutoringProblem | PostsProblem, assignments: Sequence[Assignment]
) -> list[Violation]:
    """Posts with people but without the leader or cleared adult they ask for (rules.py's
    ``unsupervised``): hard when publishing, not in the model (see rules.py)."""
    if not isinstance(problem, PostsProblem):
        return []
    ctx = PostsContext(problem)
    by_post: dict[str, list] = defaultdict(list)
    for a in assignments:
        if a.volunteer_id in ctx.volunteers and a.target_id in ctx.posts:
            by_post[a.target_id].append(ctx.volunteers[a.volunteer_id])
    found = _Found()
    for p in problem.posts:
        for name in unsupervised(p, by_post.get(p.id, [])):
            found.add("unled", f"post {p.id}: people without a {name}", post=p.id, requirement=name)
    return list(found)


def _post_shortfalls(ctx: PostsContext, p, people: list[str]) -> dict[str, int]:
    """People missing for each coverage requirement of the post."""
    present = [ctx.volunteers[x] for x in people]
    return {r.name: max(0, r.count - r.of_people(present, p)) for r in coverage_requirements(p)}


def evaluate_posts(problem: PostsProblem, assignments: Sequence[Assignment]) -> dict[str, int]:
    """Raw value of every objective term (same definitions as docs/scheduling.md)."""
    ctx = PostsContext(problem)
    vols, posts = ctx.volunteers, ctx.posts
    team_of = {m: t for t in problem.teams for m in t.member_ids}
    by_post: dict[str, list[str]] = defaultdict(list)
    for a in assignments:
        by_post[a.target_id].append(a.volunteer_id)
    pairs = {(a.volunteer_id, a.target_id) for a in assignments}
    terms: Counter[str] = Counter()
    worst = 0
    for p in problem.posts:
        people = by_post.get(p.id, [])
        if not problem.rules.hard_minimums:
            terms["unfilled_min"] += sum(_post_shortfalls(ctx, p, people).values())
        short_pref = max(0, p.preferred_count - len(people))
        if p.preferred_count > p.min_headcount:
            terms["unfilled_preferred"] += short_pref
        worst = max(worst, short_pref)
    terms["balance"] = worst
    terms["change"] = sum((a.volunteer_id, a.target_id) not in pairs for a in problem.published)
    if problem.published:
        before = {(a.volunteer_id, a.target_id) for a in problem.published}
        terms["added"] = sum((a.volunteer_id, a.target_id) not in before for a in assignments)
    terms["continuity"] = sum(
        (v.id, t) not in pairs for v in problem.volunteers for t in v.last_targets if t in posts
    )
    for a in assignments:
        v, p = vols[a.volunteer_id], posts[a.target_id]
        terms["travel"] += ctx.travel(v, p)
        t = team_of.get(v.id)
        prefs = t.preferred_posts if t is not None else v.preferred_posts
        terms["preference"] += int(bool(prefs) and p.id not in prefs)
    # Cohort: a placement with no cohort-mate at the post; a placement without a companion.
    cohort = {
        v.id: v.cohort or (team_of[v.id].college if v.id in team_of else "")
        for v in problem.volunteers
    }
    size = Counter(cohort.values())
    for a in assignments:
        c = cohort[a.volunteer_id]
        if (
            c
            and size[c] > 1
            and not any(cohort[o] == c for o in by_post[a.target_id] if o != a.volunteer_id)
        ):
            terms["cohort"] += 1
        for w in vols[a.volunteer_id].companions:
            terms["cohort"] += (w, a.target_id) not in pairs
    return dict(terms)
