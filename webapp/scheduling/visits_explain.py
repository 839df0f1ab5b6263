"""Why a household is not visited, in words (zh_CN and en), in the style of explain.py.

The reason is the first that holds, in this order:

* ``visit_no_pair``: no pair that may visit it is free on any campaign day;
* ``visit_unreachable``: no pair can reach its village within the day's travel limit (the
  nearest pair's round trip by the safe estimate, and the limit);
* ``visit_excluded``: the pairs that could reach it are excluded by a coordinator;
* ``visit_full``: the pairs that can reach it are full on their days (red households were
  placed first); when the plan is not proven optimal, the text says so.
"""

from __future__ import annotations

from .plan import Explanation
from .visits import Route
from .visits_context import VisitContext

PRIORITY_TEXT = {
    "red": ("红色", "red"),
    "yellow": ("黄色", "yellow"),
    "blue": ("蓝色", "blue"),
    "green": ("绿色", "green"),
}


def duration(minutes: int) -> tuple[str, str]:
    """ "3 h 10 min" and "3小时10分钟"."""
    h, m = divmod(minutes, 60)
    if h and m:
        return f"{h}小时{m}分钟", f"{h} h {m} min"
    if h:
        return f"{h}小时", f"{h} h"
    return f"{m}分钟", f"{m} min"


def unvisited(
    ctx: VisitContext, routes: tuple[Route, ...], proven: bool
) -> tuple[Explanation, ...]:
    visited = {h for r in routes for h in r.household_ids}
    out = []
    for h in ctx.problem.households:
        if h.id not in visited:
            out.append(_why(ctx, h, proven))
    return tuple(out)


def _why(ctx: VisitContext, h, proven: bool) -> Explanation:
    limit = ctx.limit
    free = [p for p in ctx.pairs if ctx.pair_days[p.id]]
    village = h.village
    name = h.name or h.id
    params: dict[str, object] = {"household": h.id, "village": village, "priority": h.priority}
    if not free:
        zh = f"{name}（{village}）未安排家访：没有在家访期间有空的组"
        en = f"{name} ({village}) is not visited: no pair is free on any campaign day"
        return _explain("visit_no_pair", params, zh, en, h.id)
    trips = sorted((ctx.estimate(p, village, 1), p.id) for p in free)
    nearest = trips[0][0]
    if nearest > limit:
        params |= {"nearest_minutes": nearest, "limit_minutes": limit}
        (nz, ne), (lz, le) = duration(nearest), duration(limit)
        zh = (
            f"{name}（{village}）未安排家访：没有哪一组能在当天出行时间上限内往返{village}"
            f"（最近的一组往返 {nz}，上限 {lz}）"
        )
        en = (
            f"{name} ({village}) is not visited: no pair can reach {village} within the day's "
            f"travel limit (nearest pair {ne} round trip, limit {le})"
        )
        return _explain("visit_unreachable", params, zh, en, h.id)
    reachable = [p for t, p in trips if t <= limit]
    allowed = [p for p in reachable if any(ctx.allowed(h.id, p, d) for d in ctx.pair_days[p])]
    if not allowed:
        zh = f"{name}（{village}）未安排家访：能到达的组都被协调员排除"
        en = f"{name} ({village}) is not visited: a coordinator excluded every pair that can reach it"
        return _explain("visit_excluded", params, zh, en, h.id)
    pz, pe = PRIORITY_TEXT.get(h.priority, (h.priority, h.priority))
    params |= {"pairs": len(allowed)}
    zh = (
        f"{name}（{village}，{pz}）未安排家访：家访已排满，能到达{village}的 {len(allowed)} 个组"
        f"在其可用日都已排满（按出行上限和每日家访数）；红色家庭优先安排"
    )
    en = (
        f"{name} ({village}, {pe}) is not visited: the campaign is full: the {len(allowed)} "
        f"pairs that can reach {village} are full on their days (by the travel limit and the "
        "visits a day); red households were placed first"
    )
    if not proven:
        zh += "（方案未证明最优）"
        en += " (plan not proven optimal)"
    return _explain("visit_full", params, zh, en, h.id)


def _explain(key: str, params: dict, zh: str, en: str, household_id: str) -> Explanation:
    return Explanation("unfilled", key, params, {"zh_CN": zh, "en": en}, household_id)
