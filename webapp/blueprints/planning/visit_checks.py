"""The rules a home-visit plan must keep to be published, in words: checked on its rows (visits
a day, stored travel, a cleared adult per pair, mixed pairs, one pair a day per person) and
against the records as they are now through the engine (both free that day, the real route
within the limit, a village's households on one day)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask_babel import gettext as _

from webapp.blueprints.planning import adapter
from webapp.blueprints.planning.visit_routes import PairDay, pair_days
from webapp.models import Plan


def route_problems(plan: Plan) -> list[str]:
    """What the placements break, in words (empty: publishable as far as the database tells)."""
    programme = plan.programme
    most = int(programme.setting("max_visits_per_day") or 0)
    limit = int(programme.setting("max_travel_minutes") or 0)
    mixed = bool(programme.setting("mixed_pairs"))
    out: list[str] = []
    pds = pair_days(plan)
    pairs_of: dict[tuple[int, date], set] = defaultdict(set)
    for pd in pds:
        a, b = pd.visitors
        names = {"first": a.name, "second": b.name, "day": pd.day.isoformat()}
        for vid in pd.pair:
            pairs_of[(vid, pd.day)].add(pd.pair)
        if most and len(pd.stops) > most:
            out.append(
                _(
                    "%(first)s and %(second)s have %(count)s visits on %(day)s; at most"
                    " %(most)s a day.",
                    count=len(pd.stops),
                    most=most,
                    **names,
                )
            )
        if limit and pd.route_minutes > limit:
            out.append(
                _(
                    "%(first)s and %(second)s travel %(minutes)s minutes on %(day)s; at most"
                    " %(limit)s.",
                    minutes=pd.route_minutes,
                    limit=limit,
                    **names,
                )
            )
        positions = [s.position for s in pd.stops]
        if len(set(positions)) != len(positions):
            out.append(
                _(
                    "%(first)s and %(second)s have two visits in one place of their order on %(day)s.",
                    **names,
                )
            )
        if not (a.is_cleared(pd.day) or b.is_cleared(pd.day)):
            out.append(
                _(
                    "Neither %(first)s nor %(second)s is cleared to work with children on %(day)s.",
                    **names,
                )
            )
        if mixed and (not a.gender or not b.gender or a.gender == b.gender):
            out.append(_("%(first)s and %(second)s are not a mixed pair (%(day)s).", **names))
    people = {v.id: v for pd in pds for v in pd.visitors}
    for (vid, day), pairs in sorted(pairs_of.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if len(pairs) > 1:
            out.append(
                _(
                    "%(name)s is in %(count)s pairs on %(day)s.",
                    name=people[vid].name,
                    count=len(pairs),
                    day=day.isoformat(),
                )
            )
    return out + _against_records(plan, pds)


def _against_records(plan: Plan, pds: list[PairDay]) -> list[str]:
    """The engine's view of the records as they are now: each pair out only on days both are
    free, each day's real route (recomputed from the map points) within the limit, and every
    village's households on one day."""
    try:
        built = adapter.build(plan.programme)
    except adapter.NothingToPlan:
        return [_("Nobody can be planned any more: see the programme page.")]
    free = {(a, b, day) for _target, a, b, day in built.pair_days()}
    limit = int(plan.programme.setting("max_travel_minutes") or 0)
    out = []
    villages: dict[str, set[date]] = defaultdict(set)
    for pd in pds:
        a, b = pd.visitors
        names = {"first": a.name, "second": b.name, "day": pd.day.isoformat()}
        lo, hi = sorted((a.id, b.id))
        if (lo, hi, pd.day) not in free:
            out.append(_("%(first)s and %(second)s are not both free on %(day)s.", **names))
        stops = sorted(pd.stops, key=lambda s: s.position)
        minutes = adapter.travel_in_order(
            built, adapter.visit_pair_id(a.id, b.id), [s.household_id for s in stops]
        )
        if minutes is None or (limit and minutes > limit):
            out.append(
                _(
                    "%(first)s and %(second)s's route on %(day)s no longer keeps within the"
                    " travel limit (a household moved or lost its map point). Solve again.",
                    **names,
                )
            )
        for s in stops:
            villages[s.household.village].add(pd.day)
    out += [
        _("The households of %(village)s are visited on %(count)s days.", village=v, count=len(d))
        for v, d in sorted(villages.items())
        if v and len(d) > 1
    ]
    return out
