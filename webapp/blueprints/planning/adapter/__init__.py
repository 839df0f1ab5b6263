"""The one package that knows both the database and the scheduling engine.

Rows in, a ``TutoringProblem`` or ``PostsProblem`` out; the engine's ``Plan`` back into rows. What
it must get right (the two sides differ):

* transport: the app stores ``bicycle``, the engine expects ``bike``;
* a need without a skill in the app still needs an engine skill: ``ids.ANY_SKILL``, which every
  volunteer has;
* an app series can repeat on several weekdays, an engine slot has one: one slot per need and
  weekday ("n5w1"), built from the confirmed occurrences inside the programme's dates at the
  programme's homes (its times span those occurrences; its last date is the last of them);
* vetting is dated in the app (``Volunteer.is_cleared(on)``) and per target in the engine
  (``cleared_until`` against the slot's or post's last date): a clearance that ends before a
  target's last date does not count for it;
* availability: weekly windows (no windows: not available for weekly tutoring); date ranges
  (``available`` limits, ``away`` removes): a tutoring slot is out of reach when the volunteer is
  absent on more than half of its dates (on its one date, for a one-off), a post when any of its
  dates falls outside the volunteer's available dates;
* teams are placed whole (their leader is the engine's leader; ``can_lead`` for single
  volunteers), cohorts and companions, preferred homes/skills/posts, last term's published plan
  (continuity), pins and forbidden pairs, and for a re-plan the published plan: withdrawn
  assignments are gone and keep that volunteer off that target (a withdrawn team member leaves
  the team's placement);
* needs and posts open for sign-up are filled by volunteers themselves: left out.

Engine ids are the reversible strings of ``ids.py``. Nothing here commits; ``store`` flushes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.blueprints.planning import ids
from webapp.blueprints.planning.adapter.calls import (
    CallsBuilt,
    build_calls,
    solve_calls_built,
    store_calls,
)
from webapp.blueprints.planning.adapter.calls import family_id as call_family_id
from webapp.blueprints.planning.adapter.calls import parse_slot as parse_call_slot
from webapp.blueprints.planning.adapter.calls import unsuited as unsuited_calls
from webapp.blueprints.planning.adapter.outcome import (
    Outcome,
    Progress,
    Summary,
    Violation,
    candidates,
    explanations,
    new_violations,
    summarise,
    violations,
)
from webapp.blueprints.planning.adapter.outcome import save_proposal as _save_proposal
from webapp.blueprints.planning.adapter.outcome import (
    solve_programme as _solve_programme,
)
from webapp.blueprints.planning.adapter.posts import build_posts
from webapp.blueprints.planning.adapter.results import travel
from webapp.blueprints.planning.adapter.shared import (
    Built,
    NothingToPlan,
    Target,
    engine_assignment,
    minutes_between_places,
)
from webapp.blueprints.planning.adapter.tutoring import build_tutoring
from webapp.blueprints.planning.adapter.visits import (
    VisitsBuilt,
    build_visits,
    solve_visits_built,
    store_visits,
    travel_in_order,
    visiting_order,
)
from webapp.blueprints.planning.adapter.visits import pair_id as visit_pair_id
from webapp.blueprints.planning.adapter.visits import pair_members as visit_pair_members
from webapp.blueprints.planning.adapter.visits import parse_target as parse_visit_target
from webapp.blueprints.planning.adapter.visits import route_problems as visit_route_problems
from webapp.extensions import db
from webapp.models import Assignment, Need, Plan, Programme
from webapp.scheduling import (
    Pin,
    PostsProblem,
    TutoringProblem,
    ValidationError,
    validate_posts,
    validate_tutoring,
)

# The planning side: what the rest of the app may use. The engine-side helpers (solve_built,
# store, check, engine_assignment, planned) live in the submodules, for the adapter and its tests.
__all__ = [
    "Built",
    "CallsBuilt",
    "call_family_id",
    "parse_call_slot",
    "parse_visit_target",
    "unsuited_calls",
    "visit_pair_id",
    "visit_pair_members",
    "visit_route_problems",
    "travel_in_order",
    "visiting_order",
    "VisitsBuilt",
    "NothingToPlan",
    "Outcome",
    "Progress",
    "Summary",
    "Target",
    "Violation",
    "build",
    "candidates",
    "explanations",
    "minutes_between_places",
    "new_violations",
    "save_proposal",
    "solve_programme",
    "summarise",
    "travel",
    "violations",
]


def build(
    programme: Programme,
    *,
    pins_from: Plan | None = None,
    base: Plan | None = None,
    with_pins: bool = True,
) -> Built:
    """The engine's problem for a programme, from the database as it is now.

    ``pins_from``: the proposal whose pinned assignments must stay. ``base``: the published plan
    of a re-plan (kept where possible; its withdrawals keep people off their targets).
    A video-call rota or a home-visit campaign gets its own handle (``CallsBuilt``,
    ``VisitsBuilt``), which ``solve_programme`` and ``save_proposal`` take as well.
    """
    if programme.kind == "video_calls":
        return build_calls(programme, pins_from if with_pins else None, base)
    if programme.kind == "home_visits":
        return build_visits(programme, pins_from if with_pins else None, base)
    withdrawn_rows, kept_rows = _base_rows(base)
    withdrawn = tuple((a.volunteer_id, ids.target_of(a)) for a in withdrawn_rows)
    if programme.kind == "tutoring":
        built = build_tutoring(programme, withdrawn)
    else:
        built = build_posts(programme, withdrawn)
    built.base_plan_id = base.id if base is not None else None
    built.withdrawn = withdrawn
    vids = {v.id for v in built.problem.volunteers}
    if base is not None:
        built.published = tuple(
            a
            for a in (engine_assignment(r) for r in kept_rows)
            if a.volunteer_id in vids and a.target_id in built.targets
        )
    if with_pins and pins_from is not None:
        _add_pins(built, pins_from)
    _validate(built)
    return built


def solve_programme(
    built: Built | CallsBuilt | VisitsBuilt,
    parameters: dict,
    on_progress: Callable[[Progress], None] | None = None,
    stop: Callable[[], bool] | None = None,
    start: Sequence[Assignment] = (),
) -> Outcome:
    """Solve (a re-plan when built with a base plan); ``save_proposal`` then writes the plan.
    ``start``: the rows of a plan to continue from (keep searching; volunteer plans only)."""
    if isinstance(built, CallsBuilt):
        return solve_calls_built(built, parameters, on_progress, stop)
    if isinstance(built, VisitsBuilt):
        return solve_visits_built(built, parameters, on_progress, stop)
    return _solve_programme(built, parameters, on_progress, stop, start)


def save_proposal(built: Built | CallsBuilt | VisitsBuilt, programme: Programme) -> Plan:
    """The plan the last ``solve_programme`` found, as a proposed Plan with its rows (flushed)."""
    if isinstance(built, CallsBuilt):
        return store_calls(built, programme)
    if isinstance(built, VisitsBuilt):
        return store_visits(built, programme)
    return _save_proposal(built, programme)


def _base_rows(base: Plan | None) -> tuple[list[Assignment], list[Assignment]]:
    if base is None:
        return [], []
    rows = list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.plan_id == base.id, Assignment.status.in_(("confirmed", "withdrawn")))
            .options(selectinload(Assignment.need).selectinload(Need.skill))
        )
    )
    return [a for a in rows if a.is_withdrawn], [a for a in rows if not a.is_withdrawn]


def _validate(built: Built) -> None:
    if not built.targets:
        raise NothingToPlan("no_targets")
    if not built.problem.volunteers:
        raise NothingToPlan("no_volunteers")
    try:
        if isinstance(built.problem, TutoringProblem):
            validate_tutoring(built.problem)
        else:
            validate_posts(built.problem)
    except ValidationError as err:
        raise NothingToPlan("invalid", err.item, err.field, err.message) from None


def _add_pins(built: Built, plan: Plan) -> None:
    vids = {v.id for v in built.problem.volunteers}
    team_of = (
        {m: t.id for t in built.problem.teams for m in t.member_ids}
        if isinstance(built.problem, PostsProblem)
        else {}
    )
    pins: dict[tuple[str, str], Pin] = {}
    for row in db.session.scalars(
        select(Assignment)
        .where(Assignment.plan_id == plan.id, Assignment.pinned.is_(True))
        .options(selectinload(Assignment.need).selectinload(Need.skill))
    ):
        a = engine_assignment(row)
        if a.volunteer_id not in vids or a.target_id not in built.targets:
            built.notes.append(
                ("pin_dropped", {"volunteer": a.volunteer_id, "target": a.target_id})
            )
            continue
        owner = team_of.get(a.volunteer_id, a.volunteer_id)
        pins[owner, a.target_id] = Pin(owner, a.target_id, a.skill)
        built.pinned[row.volunteer_id, a.target_id] = row.source
    built.problem = dataclasses.replace(built.problem, pins=tuple(pins.values()))
