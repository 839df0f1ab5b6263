"""Plain-language explanations in Chinese and English.

* ``unfilled``: for each need (or post requirement) still short after the solve, the funnel of
  candidates (all -> cleared -> skill -> available -> within travel -> not excluded -> free at that
  time -> below weekly load) with counts, and the blocking reason: the first stage at which fewer
  candidates remain than the need asks for. The stages are the rules of rules.py, in their order.
* ``conflicts``: when hard rules cannot all hold, rebuild the model with one enforcement literal
  per rule instance, solve under those assumptions and read
  ``sufficient_assumptions_for_infeasibility``; shrink that core by deletion so the coordinator
  sees a small set of named rules that conflict.

Every Explanation carries ``key`` + ``params`` (for the app's own gettext) and ready ``text`` in
zh_CN and en.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from ortools.sat.python import cp_model

from .plan import Assignment, Explanation
from .posts import build_posts_model
from .problem import PostsProblem, TutoringProblem
from .rules import (
    POST_RULES,
    TUTORING_RULES,
    PostsContext,
    TutoringContext,
    Week,
    coverage_requirements,
    post_busy,
    who_counts,
)
from .tutoring import build_tutoring_model
from .validation import ValidationError

STAGE_TEXT = {
    "all": ("全部志愿者", "volunteers in all"),
    "qualified": ("符合该要求", "meet the requirement"),
    "cleared": ("已通过审核", "cleared (background check)"),
    "skill": ("具备该技能", "have the skill"),
    "available": ("该时间有空", "available at that time"),
    "travel": ("在出行时间上限内", "within their travel limit"),
    "allowed": ("未被排除", "not excluded for this place"),
    "size": ("所在团队能整体入住", "whose whole team fits"),
    "free": ("当时未被安排在别处", "not booked elsewhere at that time"),
    "load": ("未超过每周负荷", "below their weekly load"),
}

BLOCK_TEXT = {
    "cleared": ("合格人选未通过审核", "candidates lack a valid background check"),
    "skill": ("具备该技能的人太少", "too few people have the skill"),
    "available": ("该时间有空的人太少", "too few are available at that time"),
    "travel": ("路程超出志愿者的出行上限", "the place is beyond their travel limit"),
    "allowed": ("协调员排除了部分人选", "a coordinator excluded some candidates"),
    "size": ("团队人数超过该点容量", "teams are larger than the post takes"),
    "free": ("人选同一时间已被安排在别处", "candidates are booked elsewhere at that time"),
    "load": ("人选已达每周负荷上限", "candidates have reached their weekly load"),
    "qualified": ("符合该要求的人太少", "too few people meet the requirement"),
    "none": (
        "有人选但未被采用（方案未证明最优）",
        "candidates exist but were not used (plan not proven optimal)",
    ),
}


def _both(zh: str, en: str) -> dict[str, str]:
    return {"zh_CN": zh, "en": en}


def invalid(err: ValidationError) -> Explanation:
    return Explanation(
        "invalid",
        "invalid_input",
        {"item": err.item, "field": err.field, "message": err.message},
        _both(
            f"输入有误：{err.item} 的 {err.field}：{err.message}",
            f"Invalid input: {err.item}, {err.field}: {err.message}",
        ),
    )


def _funnel_text(funnel: list[tuple[str, int]]) -> tuple[str, str]:
    zh = " → ".join(f"{STAGE_TEXT[s][0]} {n}" for s, n in funnel)
    en = " → ".join(f"{n} {STAGE_TEXT[s][1]}" for s, n in funnel)
    return zh, en


def _blocking(funnel: list[tuple[str, int]], needed: int) -> str:
    for stage, n in funnel[1:]:
        if n < needed:
            return stage
    return "none"


# --------------------------------------------------------------------------- unfilled: tutoring


def _count_down(reasons: Counter[str], stages: list[str]) -> list[tuple[str, int]]:
    """The funnel: everyone, then how many remain after each stage in turn (``reasons`` holds
    how many people each stage stops first, and ``pass`` those it does not)."""
    remaining = sum(reasons.values())
    funnel = [("all", remaining)]
    for stage in stages:
        remaining -= reasons[stage]
        funnel.append((stage, remaining))
    return funnel


def tutoring_funnel(
    problem: TutoringProblem,
    assignments: Sequence[Assignment],
    slot_id: str,
    skill: str,
    ctx: TutoringContext | None = None,
    week: Week | None = None,
) -> list[tuple[str, int]]:
    """Counts after each stage for one need, given the rest of the plan."""
    ctx = ctx or TutoringContext(problem)
    need = next(n for n in ctx.slots[slot_id].needs if n.skill == skill)
    found = tutoring_reasons(problem, assignments, slot_id, skill, ctx, week)
    reasons: Counter[str] = Counter(r or "pass" for r in found.values())
    stages = [r.key for r in TUTORING_RULES] + ["free", "load"]
    if not need.vetting_required:
        stages.remove("cleared")
    return _count_down(reasons, stages)


def tutoring_reasons(
    problem: TutoringProblem,
    assignments: Sequence[Assignment],
    slot_id: str,
    skill: str,
    ctx: TutoringContext | None = None,
    week: Week | None = None,
) -> dict[str, str | None]:
    """Per volunteer not already filling this need: the first rule (a funnel stage) that keeps
    them out, given the rest of the plan, or None: they can take the seat. ``week``: the plan's
    ``Week`` when the caller has it (``unfilled`` builds it once for all its needs)."""
    ctx = ctx or TutoringContext(problem)
    s = ctx.slots[slot_id]
    need = next(n for n in s.needs if n.skill == skill)
    week = week or Week(ctx, assignments)
    filling = {a.volunteer_id for a in assignments if (a.target_id, a.skill) == (slot_id, skill)}
    return {
        v.id: ctx.static_block(v, s, need) or week.block(v, s)
        for v in problem.volunteers
        if v.id not in filling  # already filling this need: not a candidate for the missing seat
    }


def unfilled(
    problem: TutoringProblem | PostsProblem, assignments: Sequence[Assignment]
) -> tuple[Explanation, ...]:
    if isinstance(problem, PostsProblem):
        return _unfilled_posts(problem, assignments)
    ctx = TutoringContext(problem)
    week = Week(ctx, assignments)  # once: rebuilding it per need took most of the time
    have = Counter((a.target_id, a.skill) for a in assignments)
    out = []
    for s in problem.slots:
        for need in s.needs:
            n = have[s.id, need.skill]
            goal = need.preferred_count
            if n >= goal:
                continue
            funnel = tutoring_funnel(problem, assignments, s.id, need.skill, ctx, week)
            missing = goal - n
            block = _blocking(funnel, missing)
            fz, fe = _funnel_text(funnel)
            label = s.name or s.id
            kind = "below minimum" if n < need.min else "below preferred"
            kind_zh = "未达最低人数" if n < need.min else "未达理想人数"
            text = _both(
                f"{label}（{need.skill}）{kind_zh}：已安排 {n} 人，需要 {goal} 人。"
                f"候选：{fz}。主要原因：{BLOCK_TEXT[block][0]}。",
                f"{label} ({need.skill}) is {kind}: {n} assigned, {goal} wanted. "
                f"Candidates: {fe}. Main reason: {BLOCK_TEXT[block][1]}.",
            )
            out.append(
                Explanation(
                    "unfilled",
                    "unfilled_need",
                    {
                        "slot": s.id,
                        "skill": need.skill,
                        "have": n,
                        "min": need.min,
                        "wanted": goal,
                        "funnel": funnel,
                        "blocking": block,
                    },
                    text,
                    s.id,
                )
            )
    return tuple(out)


# --------------------------------------------------------------------------- unfilled: posts


def posts_funnel(
    problem: PostsProblem,
    assignments: Sequence[Assignment],
    post_id: str,
    requirement: str,
    ctx: PostsContext | None = None,
) -> list[tuple[str, int]]:
    """People (not units) after each stage, for one coverage requirement of one post."""
    found = posts_reasons(problem, assignments, post_id, requirement, ctx)
    reasons: Counter[str] = Counter(r or "pass" for r in found.values())
    stages = ["qualified"] + [r.key for r in POST_RULES] + ["size", "free"]
    if requirement == "headcount":
        stages.remove("qualified")
    return _count_down(reasons, stages)


def posts_reasons(
    problem: PostsProblem,
    assignments: Sequence[Assignment],
    post_id: str,
    requirement: str = "headcount",
    ctx: PostsContext | None = None,
) -> dict[str, str | None]:
    """Per person not at the post: the first rule (a funnel stage) that keeps them (or their
    team) from counting for ``requirement`` there, given the rest of the plan, or None."""
    ctx = ctx or PostsContext(problem)
    p = ctx.posts[post_id]
    counts = who_counts(requirement)
    where: dict[str, list[str]] = defaultdict(list)
    for a in assignments:
        where[a.volunteer_id].append(a.target_id)
    out: dict[str, str | None] = {}
    for v in problem.volunteers:
        if post_id in where[v.id]:
            continue
        u = ctx.unit_of_volunteer(v.id)
        reason = None if counts(v, p) else "qualified"
        reason = reason or ctx.member_block(v, p)
        if reason is None and u is not None and ctx.static_block(u, p) is not None:
            reason = "size"  # a team-mate (or the team's size) keeps the whole team out
        if reason is None and post_busy(ctx, where[v.id], u.max_posts if u else v.max_posts, p):
            reason = "free"
        out[v.id] = reason
    return out


REQ_TEXT = {
    "headcount": ("人数", "people"),
    "leader": ("领队", "leader"),
    "cleared_adult": ("已通过审核的成年人", "cleared adult"),
}


def _req_text(req: str) -> tuple[str, str]:
    if req.startswith("skill:"):
        return (f"{req[6:]}人员", f"{req[6:]} people")
    return REQ_TEXT[req]


def _unfilled_posts(
    problem: PostsProblem, assignments: Sequence[Assignment]
) -> tuple[Explanation, ...]:
    ctx = PostsContext(problem)
    vols = ctx.volunteers
    people: dict[str, list[str]] = defaultdict(list)
    for a in assignments:
        people[a.target_id].append(a.volunteer_id)
    out = []
    for p in problem.posts:
        for r in coverage_requirements(p):
            req, count = r.name, r.count
            have = r.of_people([vols[x] for x in people[p.id]], p)
            if have >= count:
                continue
            funnel = posts_funnel(problem, assignments, p.id, req, ctx)
            block = _blocking(funnel, count - have)
            fz, fe = _funnel_text(funnel)
            rz, re_ = _req_text(req)
            dates = f"{p.dates.start:%m/%d}–{p.dates.end:%m/%d}"
            label = p.name or p.id
            text = _both(
                f"{label}（{dates}）需要 {count} 名{rz}，目前只有 {have} 名。"
                f"候选：{fz}。主要原因：{BLOCK_TEXT[block][0]}。",
                f"{label} ({dates}) needs {count} {re_} but has {have}. "
                f"Candidates: {fe}. Main reason: {BLOCK_TEXT[block][1]}.",
            )
            out.append(
                Explanation(
                    "unfilled",
                    "unfilled_post",
                    {
                        "post": p.id,
                        "requirement": req,
                        "have": have,
                        "wanted": count,
                        "funnel": funnel,
                        "blocking": block,
                    },
                    text,
                    p.id,
                )
            )
    return tuple(out)


# --------------------------------------------------------------------------- infeasibility


def _rule_text(key: str, prm: dict, problem) -> tuple[str, str]:
    v = prm.get("volunteer") or prm.get("unit", "")
    t = prm.get("slot") or prm.get("post", "")
    sk = prm.get("skill", "")
    n = prm.get("count", prm.get("limit", ""))
    texts = {
        "pin": (f"固定安排：{v} → {t}", f"pinned: {v} at {t}"),
        "cleared": (f"{v} 未通过审核，不能去 {t}", f"{v} is not cleared, which {t} requires"),
        "skill": (f"{v} 不具备 {t} 所需的 {sk}", f"{v} lacks the skill {sk} that {t} needs"),
        "available": (f"{v} 在 {t} 的时间没空", f"{v} is not available at the time of {t}"),
        "travel": (f"{t} 超出 {v} 的出行时间上限", f"{t} is beyond {v}'s travel limit"),
        "allowed": (f"{v} 被排除在 {t} 之外", f"{v} is excluded from {t}"),
        "size": (f"团队 {v} 超过 {t} 的容量", f"team {v} is larger than {t} takes"),
        "schedule": (
            f"{v} 不能同时在两处（含路上时间）",
            f"{v} cannot be in two places at once (travel counted)",
        ),
        "sessions": (f"{v} 每周最多 {n} 次", f"{v} does at most {n} sessions a week"),
        "minutes": (
            f"{v} 每周最多 {n} 分钟（含往返路程）",
            f"{v} gives at most {n} minutes a week (round trips included)",
        ),
        "max": (f"{t} 最多需要 {n} 名 {sk}", f"{t} takes at most {n} {sk}"),
        "capacity": (f"{t} 最多容纳 {n} 人", f"{t} has room for {n} people"),
        "max_posts": (f"{v} 最多去 {n} 个驻点", f"{v} takes at most {n} posts"),
    }
    if key == "min":
        if "requirement" in prm:
            rz, re_ = _req_text(str(prm["requirement"]))
            return (f"{t} 至少需要 {n} 名{rz}", f"{t} needs at least {n} {re_}")
        return (f"{t} 至少需要 {n} 名 {sk}", f"{t} needs at least {n} {sk}")
    return texts.get(key, (f"规则 {key} {prm}", f"rule {key} {prm}"))


def _candidates_note(problem, key: str, prm: dict) -> tuple[str, str] | None:
    """For a minimum in a conflict: how many people could fill it at all (static rules)."""
    if key != "min":
        return None
    if isinstance(problem, TutoringProblem):
        f = tutoring_funnel(problem, (), str(prm["slot"]), str(prm["skill"]))
        n = f[-1][1]
        return (
            f"但只有 {n} 名合格且有空的 {prm['skill']}",
            f"but only {n} eligible {prm['skill']} volunteer(s) are free then",
        )
    f = posts_funnel(problem, (), str(prm["post"]), str(prm["requirement"]))
    p = next(x for x in problem.posts if x.id == prm["post"])
    dates = f"{p.dates.start:%m/%d}–{p.dates.end:%m/%d}"
    rz, re_ = _req_text(str(prm["requirement"]))
    return (
        f"但 {dates} 只有 {f[-1][1]} 名合格且有空的{rz}",
        f"but only {f[-1][1]} eligible {re_} are free {dates}",
    )


def _infeasible_under(built, assumptions: list, time_limit: float) -> tuple[int, list[int]]:
    model = built.model
    model.clear_assumptions()
    model.add_assumptions(assumptions)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.random_seed = 7
    status = solver.solve(model)
    core = []
    if status == cp_model.INFEASIBLE:
        core = list(solver.sufficient_assumptions_for_infeasibility())
    return status, core


def conflicts(
    problem: TutoringProblem | PostsProblem, params=None, time_limit: float = 10.0
) -> tuple[Explanation, ...]:
    """Name a small set of hard rules that cannot all hold (empty if none is found in time)."""
    if isinstance(problem, TutoringProblem):
        built = build_tutoring_model(problem, explain=True)
    else:
        built = build_posts_model(problem, explain=True)
    built.model.clear_objective()  # only feasibility matters here
    lits = built.rules.literals
    index = {lit.index: i for i, lit in enumerate(lits)}
    status, core = _infeasible_under(built, lits, time_limit)
    if status != cp_model.INFEASIBLE:
        return ()
    core_ids = [index[c] for c in core if c in index]
    if not core_ids:  # presolve proved it without assumptions: nothing to name precisely
        core_ids = list(range(len(lits)))
    # Deletion filter: drop each rule in turn; keep it only if the rest becomes feasible.
    if len(core_ids) <= 30:
        i = 0
        while i < len(core_ids):
            trial = core_ids[:i] + core_ids[i + 1 :]
            st, _ = _infeasible_under(built, [lits[j] for j in trial], 2.0)
            if st == cp_model.INFEASIBLE:
                core_ids = trial
            else:
                i += 1
    out = []
    parts_zh, parts_en = [], []
    for j in core_ids:
        inst = built.rules.instances[j]
        zh, en = _rule_text(inst.key, inst.params, problem)
        note = _candidates_note(problem, inst.key, inst.params)
        if note:
            zh, en = f"{zh}，{note[0]}", f"{en}, {note[1]}"
        parts_zh.append(zh)
        parts_en.append(en)
        out.append(Explanation("rule", f"rule_{inst.key}", dict(inst.params), _both(zh, en)))
    summary = Explanation(
        "infeasible",
        "conflict",
        {"rules": [built.rules.instances[j].key for j in core_ids]},
        _both(
            "以下规则无法同时满足：" + "；".join(parts_zh) + "。",
            "These rules cannot all hold: " + "; ".join(parts_en) + ".",
        ),
    )
    return (summary, *out)
