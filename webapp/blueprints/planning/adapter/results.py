"""Solving a built problem, the engine's plan back into rows, and checking a plan."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from webapp.blueprints.planning import ids
from webapp.blueprints.planning.adapter.shared import (
    Built,
)
from webapp.extensions import db
from webapp.models import (
    Assignment,
    Plan,
    Programme,
)
from webapp.scheduling import Assignment as EngineAssignment
from webapp.scheduling import Plan as EnginePlan
from webapp.scheduling import Progress as EngineProgress
from webapp.scheduling import (
    SolveParams,
    TutoringProblem,
    solve,
)
from webapp.scheduling.checks import (
    Violation,
    posts_violations,
    supervision_violations,
    tutoring_violations,
)
from webapp.scheduling.replan import replan
from webapp.scheduling.travel import travel_minutes


def engine_params(parameters: dict, start: Sequence[EngineAssignment] | None = None) -> SolveParams:
    """A run's stored parameters as the engine's (every kind of programme alike)."""
    return SolveParams(
        start=tuple(start) if start is not None else None,
        time_limit=float(parameters.get("time_limit", 30)),
        deterministic_time=parameters.get("deterministic_time"),
        seed=int(parameters.get("seed", 7)),
        workers=int(parameters.get("workers", 2)),
    )


def proposed_plan(
    programme: Programme, base_plan_id: int | None, result: EnginePlan, **rows
) -> Plan:
    """The Plan row of an engine result (status, figures; ``rows``: its terms, targets,
    explanations, diff as the kind stores them), added to the session."""
    plan = Plan(
        programme_id=programme.id,
        base_plan_id=base_plan_id,
        state="proposed",
        engine_status=result.status,
        objective=result.objective,
        bound=result.best_bound,
        gap=result.gap,
        **rows,
    )
    db.session.add(plan)
    return plan


def explanation_rows(explanations) -> list[dict]:
    """The engine's explanations as a Plan stores them: key and params for the app's own
    words, and the engine's ready texts in both languages."""
    return [
        {
            "kind": e.kind,
            "key": e.key,
            "params": plain(e.params),
            "target": e.target_id,
            "text": dict(e.text),
        }
        for e in explanations
    ]


def solve_built(
    built: Built,
    parameters: dict,
    on_progress: Callable[[EngineProgress], None] | None = None,
    stop: Callable[[], bool] | None = None,
    start: Sequence[EngineAssignment] | None = None,
) -> EnginePlan:
    """Solve (or, with a base plan, re-plan with as few changes as possible); ``start``: the
    plan to continue from (keep searching), given to the engine as its starting point."""
    params = engine_params(parameters, start)
    if built.base_plan_id is not None:
        return replan(built.problem, built.published, params, on_progress, stop)
    return solve(built.problem, params, on_progress, stop)


def store(built: Built, result: EnginePlan, programme: Programme) -> Plan:
    """The engine's plan as a proposed Plan with its assignments (flushed, not committed)."""
    plan = proposed_plan(
        programme,
        built.base_plan_id,
        result,
        terms=[_term(t, result) for t in result.terms],
        targets=[
            {
                "id": t.id,
                "home": t.home_id,
                "min": t.minimum,
                "max": t.maximum,
                "preferred": t.preferred,
                "first": t.first.isoformat(),
                "last": t.last.isoformat(),
                "dates": len(t.dates) if t.dates else (t.last - t.first).days + 1,
            }
            for t in built.targets.values()
        ],
        explanations=[
            {"kind": e.kind, "key": e.key, "params": plain(e.params), "target": e.target_id}
            for e in result.explanations
        ]
        # A post the model staffed without its leader: said on its card from the start (the
        # model does not forbid it; publishing does, see rules.unsupervised).
        + [
            {
                "kind": "violation",
                "key": v.key,
                "params": plain(v.params),
                "target": v.params["post"],
            }
            for v in supervision_violations(built.problem, result.assignments)
        ],
        diff=_diff(built, result),
    )
    volunteers = built.volunteers
    rows = []
    for a in result.assignments:
        target = built.targets[a.target_id]
        volunteer = ids.db_id(a.volunteer_id, "volunteer")
        source = built.pinned.get((volunteer, a.target_id))
        v = volunteers[a.volunteer_id]
        rows.append(
            Assignment(
                plan=plan,
                programme_id=programme.id,
                volunteer_id=volunteer,
                team_id=ids.db_id(a.team_id, "team") if a.team_id else None,
                post_id=target.post_id,
                need_id=target.need_id,
                weekday=target.weekday,
                status="proposed",
                pinned=source is not None,
                source=source or "solver",
                travel_minutes=travel_minutes(v.home, target.location, v.transport),
            )
        )
    db.session.add_all(rows)
    db.session.flush()
    return plan


def _term(term, result: EnginePlan) -> dict:
    """A term as stored; unfilled minimums carry their proven lower bound (proof.py reads it)."""
    row = {"name": term.name, "value": term.value, "weight": term.weight}
    if term.name == "unfilled_min" and result.unfilled_min_bound is not None:
        row["bound"] = result.unfilled_min_bound
    return row


def plain(value):
    """JSON-safe: tuples become lists, dates ISO strings."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _diff(built: Built, result: EnginePlan) -> dict | None:
    if built.base_plan_id is None or result.diff is None:
        return None

    def pair(a: EngineAssignment) -> list:
        return [ids.db_id(a.volunteer_id, "volunteer"), a.target_id]

    d = result.diff
    return {
        "added": [pair(a) for a in d.added],
        "removed": [pair(a) for a in d.removed],
        "moved": [[*pair(old), new.target_id] for old, new in d.moved],
        "withdrawn": [[v, t] for v, t in built.withdrawn],
    }


def travel(built: Built, volunteer: int, target: str) -> int | None:
    """One-way minutes from the volunteer's base to the target (None: unknown here)."""
    v, t = built.volunteers.get(ids.volunteer_id(volunteer)), built.targets.get(target)
    if v is None or t is None:
        return None
    return travel_minutes(v.home, t.location, v.transport)


def check(built: Built, assignments: Sequence[EngineAssignment]) -> list[Violation]:
    """Hard-rule violations of a plan against the data as it is now (the engine's checker)."""
    if isinstance(built.problem, TutoringProblem):
        return tutoring_violations(built.problem, assignments)
    return posts_violations(built.problem, assignments)
