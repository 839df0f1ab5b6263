"""An independent checker and evaluator for plans.

Written separately from the CP-SAT models (it reads only the domain objects and travel.py), so
that tests and benchmarks can confirm that a plan respects every hard rule and that the objective
CP-SAT reports is what the plan really costs. The greedy baseline is scored with it too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .domain import Assignment, PostsProblem, TutoringProblem
from .travel import travel_minutes


def _tutoring_travel(problem: TutoringProblem, v, s) -> int:
    m = problem.travel_minutes or {}
    if (v.id, s.id) in m:
        return m[v.id, s.id]
    if (v.id, s.home_id) in m:
        return m[v.id, s.home_id]
    return travel_minutes(v.home, s.location, v.transport)


@dataclass(frozen=True)
class Violation:
    """One broken hard rule: ``key`` + ``params`` (ids, counts) for the app's own wording, and a
    short English ``message`` (what ``check_tutoring``/``check_posts`` return)."""

    key: str
    params: dict[str, object]
    message: str


def check_tutoring(problem: TutoringProblem, assignments: Sequence[Assignment]) -> list[str]:
    """Every hard-rule violation, as short English strings (empty list = plan is valid)."""
    return [v.message for v in tutoring_violations(problem, assignments)]


def tutoring_violations(
    problem: TutoringProblem, assignments: Sequence[Assignment]
) -> list[Violation]:
    """Every hard-rule violation of a tutoring plan, structured (empty list = plan is valid)."""
    vols = {v.id: v for v in problem.volunteers}
    slots = {s.id: s for s in problem.slots}
    forbidden = {(f.volunteer_id, f.target_id) for f in problem.forbidden}
    bad: list[Violation] = []

    def add(key: str, message: str, **params: object) -> None:
        bad.append(Violation(key, params, message))

    per_vol: dict[str, list[Assignment]] = defaultdict(list)
    count: Counter[tuple[str, str]] = Counter()
    for a in assignments:
        v, s = vols.get(a.volunteer_id), slots.get(a.target_id)
        if v is None or s is None:
            add(
                "unknown",
                f"unknown volunteer/slot in {a}",
                volunteer=a.volunteer_id,
                target=a.target_id,
                known_volunteer=v is not None,
            )
            continue
        need = next((n for n in s.needs if n.skill == a.skill), None)
        where = {"volunteer": v.id, "slot": s.id, "skill": a.skill}
        if need is None:
            add("no_need", f"{a}: slot has no such need", **where)
            continue
        if need.vetting_required and not v.cleared_through(s.last_date):
            add("cleared", f"{a}: not cleared", **where)
        if a.skill not in v.skills:
            add("skill", f"{a}: lacks skill", **where)
        if s.id in v.unavailable_targets or (
            v.availability is not None
            and not any(
                w.weekday == s.weekday and w.start <= s.start and s.end <= w.end
                for w in v.availability
            )
        ):
            add("available", f"{a}: not available", **where)
        minutes = _tutoring_travel(problem, v, s)
        if minutes > v.max_travel_minutes:
            add("travel", f"{a}: too far", **where, minutes=minutes, limit=v.max_travel_minutes)
        if (v.id, s.id) in forbidden or (v.id, s.home_id) in forbidden:
            add("forbidden", f"{a}: forbidden pair", **where)
        per_vol[v.id].append(a)
        count[s.id, a.skill] += 1
    for (s_id, skill), n in count.items():
        need = next(x for x in slots[s_id].needs if x.skill == skill)
        if n > need.max:
            add(
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
                    add(
                        "min",
                        f"slot {s.id} {need.skill}: below hard minimum",
                        slot=s.id,
                        skill=need.skill,
                        count=count[s.id, need.skill],
                        min=need.min,
                    )
    for v_id, items in per_vol.items():
        v = vols[v_id]
        used = [slots[a.target_id] for a in items]
        if len({s.id for s in used}) < len(used):
            add("one_need", f"volunteer {v_id}: two needs in one slot", volunteer=v_id)
        for i, a in enumerate(used):
            for b in used[i + 1 :]:
                if a.weekday != b.weekday or a.id == b.id:
                    continue
                gap = 0
                if problem.rules.travel_between_slots and a.home_id != b.home_id:
                    gap = travel_minutes(a.location, b.location, v.transport)
                if a.start < b.end + gap and b.start < a.end + gap:
                    add(
                        "overlap",
                        f"volunteer {v_id}: slots {a.id} and {b.id} overlap",
                        volunteer=v_id,
                        slot=a.id,
                        other=b.id,
                    )
        if len(items) > v.max_sessions_per_week:
            add(
                "sessions",
                f"volunteer {v_id}: too many sessions",
                volunteer=v_id,
                count=len(items),
                limit=v.max_sessions_per_week,
            )
        minutes = 0
        for s in used:
            pl = problem.pair_load or {}
            minutes += (
                pl[v_id, s.id]
                if (v_id, s.id) in pl
                else (s.end - s.start + 2 * _tutoring_travel(problem, v, s))
            )
        if minutes > v.max_minutes_per_week:
            add(
                "minutes",
                f"volunteer {v_id}: {minutes} min > weekly budget",
                volunteer=v_id,
                minutes=minutes,
                limit=v.max_minutes_per_week,
            )
    chosen = {(a.volunteer_id, a.target_id) for a in assignments}
    chosen3 = {(a.volunteer_id, a.target_id, a.skill) for a in assignments}
    for p in problem.pins:
        key = (p.volunteer_id, p.target_id)
        if (p.skill is None and key not in chosen) or (p.skill and (*key, p.skill) not in chosen3):
            add("pin", f"pin {p} not kept", volunteer=p.volunteer_id, slot=p.target_id)
    return bad


def evaluate_tutoring(
    problem: TutoringProblem, assignments: Sequence[Assignment]
) -> dict[str, int]:
    """Raw value of every objective term (same definitions as docs/scheduling.md)."""
    vols = {v.id: v for v in problem.volunteers}
    slots = {s.id: s for s in problem.slots}
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
        terms["travel"] += 2 * _tutoring_travel(problem, v, s)
        terms["preference"] += int(bool(v.preferred_homes) and s.home_id not in v.preferred_homes)
        terms["preference"] += int(bool(v.preferred_skills) and a.skill not in v.preferred_skills)
        sessions[v.id] += 1
    terms["fairness"] = sum(n * (n - 1) // 2 for n in sessions.values())
    return dict(terms)


def weighted_total(problem: TutoringProblem | PostsProblem, terms: dict[str, int]) -> int:
    w = problem.weights
    return sum(getattr(w, name) * value for name, value in terms.items())


def _post_travel(problem: PostsProblem, v, p) -> int:
    m = problem.travel_minutes or {}
    if (v.id, p.id) in m:
        return m[v.id, p.id]
    return travel_minutes(v.home, p.location, v.transport)


def check_posts(problem: PostsProblem, assignments: Sequence[Assignment]) -> list[str]:
    """Every hard-rule violation of a summer-posts plan (empty list = valid)."""
    return [v.message for v in posts_violations(problem, assignments)]


def posts_violations(problem: PostsProblem, assignments: Sequence[Assignment]) -> list[Violation]:
    """Every hard-rule violation of a summer-posts plan, structured (empty list = valid)."""
    vols = {v.id: v for v in problem.volunteers}
    posts = {p.id: p for p in problem.posts}
    team_of = {m: t for t in problem.teams for m in t.member_ids}
    forbidden = {(f.volunteer_id, f.target_id) for f in problem.forbidden}
    bad: list[Violation] = []

    def add(key: str, message: str, **params: object) -> None:
        bad.append(Violation(key, params, message))

    by_post: dict[str, list[str]] = defaultdict(list)
    by_vol: dict[str, list[str]] = defaultdict(list)
    for a in assignments:
        v, p = vols.get(a.volunteer_id), posts.get(a.target_id)
        if v is None or p is None:
            add(
                "unknown",
                f"unknown volunteer/post in {a}",
                volunteer=a.volunteer_id,
                target=a.target_id,
                known_volunteer=v is not None,
            )
            continue
        by_post[p.id].append(v.id)
        by_vol[v.id].append(p.id)
        where = {"volunteer": v.id, "post": p.id}
        if p.vetting_required and not v.cleared_through(p.dates.end):
            add("cleared", f"{a}: not cleared", **where)
        if p.id in v.unavailable_targets or (
            v.available_dates is not None
            and not any(
                d.start <= p.dates.start and p.dates.end <= d.end for d in v.available_dates
            )
        ):
            add("available", f"{a}: not available", **where)
        limit = (
            v.max_travel_minutes
            if p.max_travel_minutes is None
            else min(v.max_travel_minutes, p.max_travel_minutes)
        )
        minutes = _post_travel(problem, v, p)
        if minutes > limit:
            add("travel", f"{a}: too far", **where, minutes=minutes, limit=limit)
        t = team_of.get(v.id)
        if (v.id, p.id) in forbidden or (t is not None and (t.id, p.id) in forbidden):
            add("forbidden", f"{a}: forbidden pair", **where)
    for t in problem.teams:
        placed = [set(by_vol.get(m, [])) for m in t.member_ids]
        if any(x != placed[0] for x in placed):
            add("team_split", f"team {t.id} split", team=t.id)
    for p_id, people in by_post.items():
        p = posts[p_id]
        if len(people) > p.capacity:
            add(
                "capacity",
                f"post {p_id}: {len(people)} > capacity {p.capacity}",
                post=p_id,
                count=len(people),
                capacity=p.capacity,
            )
        if len(set(people)) < len(people):
            add("twice", f"post {p_id}: a person twice", post=p_id)
    for v_id, ps in by_vol.items():
        v = vols[v_id]
        limit = v.max_posts
        t = team_of.get(v_id)
        if t is not None:
            limit = min(vols[m].max_posts for m in t.member_ids)
        if len(ps) > limit:
            add(
                "max_posts",
                f"volunteer {v_id}: more than {limit} posts",
                volunteer=v_id,
                count=len(ps),
                limit=limit,
            )
        for i, a in enumerate(ps):
            for b in ps[i + 1 :]:
                if posts[a].dates.overlaps(posts[b].dates):
                    add(
                        "overlap",
                        f"volunteer {v_id}: posts {a} and {b} overlap",
                        volunteer=v_id,
                        post=a,
                        other=b,
                    )
    if problem.rules.hard_minimums:
        for p in problem.posts:
            for name, short in _post_shortfalls(problem, p, by_post.get(p.id, []), vols).items():
                if short > 0:
                    add(
                        "min",
                        f"post {p.id}: {name} below hard minimum",
                        post=p.id,
                        requirement=name,
                    )
    for pin in problem.pins:
        members = [m for t in problem.teams if t.id == pin.volunteer_id for m in t.member_ids]
        for m in members or [pin.volunteer_id]:
            if pin.target_id not in by_vol.get(m, []):
                add("pin", f"pin {pin} not kept", volunteer=pin.volunteer_id, post=pin.target_id)
    return bad


def _post_shortfalls(problem: PostsProblem, p, people: list[str], vols) -> dict[str, int]:
    out = {"headcount": max(0, p.min_headcount - len(people))}
    for skill, n in p.skill_counts:
        out[f"skill:{skill}"] = max(0, n - sum(skill in vols[x].skills for x in people))
    if p.need_leader:
        out["leader"] = max(0, 1 - sum(vols[x].is_leader for x in people))
    if p.need_cleared_adult:
        out["cleared_adult"] = max(
            0, 1 - sum(vols[x].cleared_through(p.dates.end) and vols[x].is_adult for x in people)
        )
    return out


def evaluate_posts(problem: PostsProblem, assignments: Sequence[Assignment]) -> dict[str, int]:
    vols = {v.id: v for v in problem.volunteers}
    posts = {p.id: p for p in problem.posts}
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
            terms["unfilled_min"] += sum(_post_shortfalls(problem, p, people, vols).values())
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
        terms["travel"] += _post_travel(problem, v, p)
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
