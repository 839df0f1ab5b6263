"""The greedy baseline for home visits (and the solver's starting hint).

Pinned households first, on their pair-day. Then villages, most red households first: each
village goes to the day on which the pairs free that day can take the most of its households
(ties: the least added travel, then the earliest day); on that day pairs are filled nearest
first, each taking as many households as its visit cap and its day's safe travel estimate
allow, red households before yellow. Households with a forbidden pair follow, one by one.
Every rule the solver keeps, the baseline keeps too (tests hold it to check_visits).
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import date

from .visits import PRIORITIES, HomeVisitProblem, VisitPlan
from .visits_context import Placement, VisitContext


class _Days:
    """Each pair-day's visits per village, and the day's estimated travel."""

    def __init__(self, ctx: VisitContext):
        self.ctx = ctx
        self.visits: dict[tuple[str, date], dict[str, int]] = defaultdict(dict)

    def count(self, p: str, d: date) -> int:
        return sum(self.visits[p, d].values())

    def minutes(self, p: str, d: date) -> int:
        pair = self.ctx.pair[p]
        return sum(self.ctx.estimate(pair, v, n) for v, n in self.visits[p, d].items())

    def extra(self, p: str, d: date, village: str, k: int) -> int:
        pair, n = self.ctx.pair[p], self.visits[p, d].get(village, 0)
        return self.ctx.estimate(pair, village, n + k) - self.ctx.estimate(pair, village, n)

    def room(self, p: str, d: date, village: str, want: int) -> int:
        """How many more households of ``village`` the pair can take that day (at most want)."""
        k = min(want, self.ctx.cap - self.count(p, d))
        base = self.minutes(p, d)
        while k > 0 and base + self.extra(p, d, village, k) > self.ctx.limit:
            k -= 1
        return k

    def add(self, p: str, d: date, village: str, k: int) -> None:
        self.visits[p, d][village] = self.visits[p, d].get(village, 0) + k


def _fill(ctx: VisitContext, days: _Days, village: str, d: date, want: int, commit: bool):
    """Pairs free on ``d``, nearest first, take households of the village; returns the takes."""
    pairs = [p for p in ctx.pairs if d in ctx.pair_days[p.id]]
    pairs.sort(key=lambda p: (ctx.estimate(p, village, 1), p.id))
    takes, left, minutes = [], want, 0
    for p in pairs:
        if left == 0:
            break
        k = days.room(p.id, d, village, left)
        if k > 0:
            minutes += days.extra(p.id, d, village, k)
            takes.append((p.id, k))
            left -= k
            if commit:
                days.add(p.id, d, village, k)
    return takes, want - left, minutes


def greedy_placement(ctx: VisitContext) -> Placement:
    problem = ctx.problem
    placement, days = Placement(), _Days(ctx)
    village_day: dict[str, date] = {}
    for h_id, (p, d) in sorted(ctx.pins.items()):
        h = ctx.household.get(h_id)
        if h is None or p not in ctx.pair:
            continue
        options = [d] if d is not None else list(ctx.pair_days[p])
        if problem.rules.village_same_day and h.village in village_day:
            options = [x for x in options if x == village_day[h.village]]
        if not options:
            continue
        day = options[0]
        placement.special[h_id] = (p, day)
        days.add(p, day, h.village, 1)
        village_day.setdefault(h.village, day)

    def urgency(v: str):
        homes = ctx.villages[v]
        return (-sum(1 for h in homes if h.priority == "red"), -len(homes), v)

    for v in sorted(ctx.villages, key=urgency):
        homes = sorted(
            ctx.ordinary(v),
            key=lambda h: (PRIORITIES.index(h.priority), h.location.lat, h.location.lon, h.id),
        )
        want = len(homes)
        placed = 0
        if problem.rules.village_same_day:
            options = [village_day[v]] if v in village_day else list(problem.days)
            scored = []
            for d in options:
                _, n, minutes = _fill(ctx, days, v, d, want, commit=False)
                scored.append((-n, minutes, d))
            if scored and want:
                n_neg, _, d = min(scored)
                if n_neg < 0:
                    takes, placed, _ = _fill(ctx, days, v, d, want, commit=True)
                    for p, k in takes:
                        placement.counts[v, p, d] = placement.counts.get((v, p, d), 0) + k
                    village_day.setdefault(v, d)
        else:
            for d in problem.days:
                if placed == want:
                    break
                takes, n, _ = _fill(ctx, days, v, d, want - placed, commit=True)
                for p, k in takes:
                    placement.counts[v, p, d] = placement.counts.get((v, p, d), 0) + k
                placed += n
        placement.chosen[v] = [h.id for h in homes[:placed]]
    _place_forbidden_households(ctx, placement, days, village_day)
    return placement


def _place_forbidden_households(ctx, placement, days, village_day) -> None:
    special = [h for h in ctx.problem.households if h.id in ctx.special and h.id not in ctx.pins]
    special.sort(key=lambda h: (PRIORITIES.index(h.priority), h.id))
    for h in special:
        options = list(ctx.problem.days)
        if ctx.problem.rules.village_same_day and h.village in village_day:
            options = [village_day[h.village]]
        best = None
        for d in options:
            for p in ctx.pairs:
                if d not in ctx.pair_days[p.id] or not ctx.allowed(h.id, p.id, d):
                    continue
                if days.room(p.id, d, h.village, 1) == 1:
                    key = (days.extra(p.id, d, h.village, 1), d, p.id)
                    best = key if best is None or key < best else best
        if best is not None:
            _, d, p = best
            placement.special[h.id] = (p, d)
            days.add(p, d, h.village, 1)
            village_day.setdefault(h.village, d)


def greedy_visits(problem: HomeVisitProblem) -> VisitPlan:
    from .visits_explain import unvisited

    started = time.monotonic()
    ctx = VisitContext(problem)
    routes = ctx.realise(ctx.layout(greedy_placement(ctx)))
    why = unvisited(ctx, routes, proven=False)
    return ctx.visit_plan(routes, "feasible", None, time.monotonic() - started, why)
