"""An independent checker for home-visit plans: it shares no code with the model or the route
builder but ``travel.travel_minutes`` and the dataclasses, and recomputes every route's travel
from the coordinates. ``check_visits(problem, visit_plan) == []`` means every rule holds.
"""

from __future__ import annotations

from collections import defaultdict

from .travel import travel_minutes
from .visits import HomeVisitProblem, Visitor, VisitPlan


def check_visits(problem: HomeVisitProblem, visit_plan: VisitPlan) -> list[str]:
    out: list[str] = []
    rules = problem.rules
    pairs = {p.id: p for p in visit_plan.pairs}
    homes = {h.id: h for h in problem.households}
    visitors: dict[str, Visitor] = {v.id: v for v in problem.visitors}
    out += _check_pairs(problem, visit_plan, visitors)
    seen: dict[str, str] = {}
    village_days: dict[str, set] = defaultdict(set)
    pair_days: set[tuple[str, object]] = set()
    forbidden = set(problem.forbidden)
    for r in visit_plan.routes:
        where = f"route {r.pair_id} {r.day.isoformat()}"
        pair = pairs.get(r.pair_id)
        if pair is None:
            out.append(f"{where}: unknown pair")
            continue
        if (r.pair_id, r.day) in pair_days:
            out.append(f"{where}: two routes for one pair-day")
        pair_days.add((r.pair_id, r.day))
        if r.day not in pair.days or r.day not in problem.days:
            out.append(f"{where}: the pair is not available that day")
        if len(r.household_ids) > rules.max_visits_per_day:
            out.append(
                f"{where}: {len(r.household_ids)} visits, more than {rules.max_visits_per_day}"
            )
        unknown = [h for h in r.household_ids if h not in homes]
        if unknown:
            out.append(f"{where}: unknown household {unknown[0]}")
            continue
        stops = [homes[h].location for h in r.household_ids]
        legs = list(zip([pair.base, *stops], [*stops, pair.base], strict=True))
        minutes = sum(travel_minutes(a, b, pair.transport) for a, b in legs)
        if minutes != r.travel_minutes:
            out.append(f"{where}: travel is {minutes} min, the route says {r.travel_minutes}")
        if minutes > rules.max_travel_minutes:
            out.append(f"{where}: travel {minutes} min over the limit {rules.max_travel_minutes}")
        for h in r.household_ids:
            if h in seen:
                out.append(f"household {h} visited twice ({seen[h]} and {where})")
            seen[h] = where
            village_days[homes[h].village].add(r.day)
            if (h, r.pair_id) in forbidden:
                out.append(f"household {h}: pair {r.pair_id} is forbidden")
    if rules.village_same_day:
        for village, days in sorted(village_days.items()):
            if len(days) > 1:
                out.append(f"village {village} visited on {len(days)} days")
    for h, target in problem.pins:
        where = seen.get(h)
        if where is None:
            out.append(f"pin {h} -> {target} not kept: not visited")
            continue
        pair_id, _, day = target.partition("@")
        route_pair, route_day = where.split()[1:3]
        if route_pair != pair_id or (day and day != route_day):
            out.append(f"pin {h} -> {target} not kept: {where}")
    assigned = {(a.volunteer_id, a.target_id) for a in visit_plan.plan.assignments}
    routed = {
        (h, f"{r.pair_id}@{r.day.isoformat()}") for r in visit_plan.routes for h in r.household_ids
    }
    if assigned != routed:
        out.append("the plan's assignments differ from its routes")
    return out


def _check_pairs(
    problem: HomeVisitProblem, visit_plan: VisitPlan, visitors: dict[str, Visitor]
) -> list[str]:
    out = []
    member_of: dict[str, str] = {}
    for p in visit_plan.pairs:
        for m in p.member_ids:
            if m in member_of:
                out.append(f"visitor {m} in pairs {member_of[m]} and {p.id}")
            member_of[m] = p.id
        a, b = (visitors.get(m) for m in p.member_ids)
        if a is None or b is None:
            if not problem.pairs:  # coordinator-made pairs may name people not listed
                out.append(f"pair {p.id}: unknown member")
            continue
        if not (a.cleared or b.cleared):
            out.append(f"pair {p.id}: no cleared member")
        if problem.rules.mixed_pairs and {a.sex, b.sex} != {"f", "m"}:
            out.append(f"pair {p.id}: not one woman and one man")
        shared = set(a.days) & set(b.days)
        if not set(p.days) <= shared:
            out.append(f"pair {p.id}: a day one of its members is not free")
    return out
