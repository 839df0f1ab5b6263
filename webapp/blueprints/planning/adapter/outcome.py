"""What the rest of the planning blueprint reads from the engine, in planning terms.

Engine objects never travel past the adapter: runs, editing, publishing, the demo and the pages
get an ``Outcome`` (status, objective, bound, gap, seconds, people placed, the seat
``Summary``, why there is no plan), ``Progress`` samples, and ``Violation`` (key + params) of
plans given as database rows. The engine's own plan stays on the ``Built`` handle until
``save_proposal`` writes it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from webapp.blueprints.planning import ids
from webapp.blueprints.planning.adapter.results import check, plain, solve_built, store
from webapp.blueprints.planning.adapter.shared import Built, engine_assignment, planned
from webapp.models import Assignment, Plan, Programme
from webapp.scheduling import Plan as EnginePlan
from webapp.scheduling import PostsProblem
from webapp.scheduling import Progress as EngineProgress
from webapp.scheduling.checks import supervision_violations
from webapp.scheduling.explain import posts_reasons, tutoring_reasons, unfilled


@dataclass(frozen=True)
class Progress:
    """One progress sample of a running solve."""

    seconds: float
    objective: float | None
    bound: float | None


@dataclass(frozen=True)
class Summary:
    """The seats of a plan: ``needed`` (sum of minimum headcounts), ``filled`` (of those),
    targets below their minimum or only below their preferred headcount, people placed."""

    targets: int = 0
    assignments: int = 0
    needed: int = 0
    filled: int = 0
    below_minimum: int = 0
    below_preferred: int = 0

    @property
    def unfilled(self) -> int:
        return self.needed - self.filled


def summarise(targets: Iterable[tuple[str, int, int]], have: Mapping[str, int]) -> Summary:
    """The summary of targets given as (id, minimum, preferred) with ``have`` people each."""
    s = Counter()
    for tid, minimum, preferred in targets:
        n = have.get(tid, 0)
        s["targets"] += 1
        s["needed"] += minimum
        s["filled"] += min(n, minimum)
        s["below_minimum"] += n < minimum
        s["below_preferred"] += minimum <= n < preferred
    return Summary(assignments=sum(have.values()), **s)


@dataclass(frozen=True)
class Outcome:
    """A finished solve in planning terms."""

    status: str  # optimal | feasible | infeasible | timeout_no_solution | invalid
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    summary: Summary
    failure: str = ""  # why there is no plan (the engine's words, English), "" when there is
    # Proven: at least this many people stay missing below the minimums in every plan.
    unfilled_bound: int | None = None

    @property
    def has_plan(self) -> bool:
        return self.status in ("optimal", "feasible")


@dataclass(frozen=True)
class Violation:
    """A hard rule a plan breaks: ``key`` + ``params`` (engine ids, counts) for explaining.py."""

    key: str
    params: dict[str, object]

    @property
    def target(self) -> str:
        """The slot or post it is about ("" when it is about a person only)."""
        p = self.params
        return str(p.get("slot") or p.get("post") or p.get("target") or "")


def progress_relay(
    on_progress: Callable[[Progress], None] | None,
) -> Callable[[EngineProgress], None]:
    """The engine's progress samples handed on in planning terms."""

    def relay(p: EngineProgress) -> None:
        if on_progress is not None:
            on_progress(Progress(p.seconds, p.objective, p.bound))

    return relay


def outcome_of(result: EnginePlan, summary: Summary, unfilled_bound: int | None = None) -> Outcome:
    """A finished solve in planning terms; without a plan, why (the engine's words)."""
    failure = ""
    if result.status not in ("optimal", "feasible"):
        failure = "; ".join(e.text.get("en", e.key) for e in result.explanations)
    return Outcome(
        result.status,
        result.objective,
        result.best_bound,
        result.gap,
        result.wall_seconds,
        summary,
        failure,
        unfilled_bound,
    )


def solve_programme(
    built: Built,
    parameters: dict,
    on_progress: Callable[[Progress], None] | None = None,
    stop: Callable[[], bool] | None = None,
    start: Sequence[Assignment] = (),
) -> Outcome:
    """Solve (a re-plan when built with a base plan); ``save_proposal`` then writes the plan.
    ``start``: the rows of a plan to continue from (keep searching)."""

    begin = [engine_assignment(r) for r in start] if start else None
    result = solve_built(built, parameters, progress_relay(on_progress), stop, begin)
    built.result = result
    have = Counter(a.target_id for a in result.assignments)
    summary = summarise(((t.id, t.minimum, t.preferred) for t in built.targets.values()), have)
    return outcome_of(result, summary, result.unfilled_min_bound)


def save_proposal(built: Built, programme: Programme) -> Plan:
    """The plan the last ``solve_programme`` found, as a proposed Plan with its rows (flushed)."""
    if built.result is None:
        raise RuntimeError("save_proposal before solve_programme")
    return store(built, built.result, programme)


def violations(
    built: Built, rows: Sequence[Assignment], *, publishing: bool = False
) -> list[Violation]:
    """The hard rules the plan in ``rows`` breaks, against the data as it is now; with
    ``publishing``, also the rules checked before publishing (a post without its leader)."""
    plan = [engine_assignment(r) for r in rows if r.status != "withdrawn"]
    found = check(built, plan)
    if publishing:
        found += supervision_violations(built.problem, plan)
    return [Violation(v.key, dict(v.params)) for v in found]


def explanations(built: Built, rows: Sequence[Assignment]) -> list[dict]:
    """Why each target of the plan in ``rows`` is short, as a Plan stores its explanations
    (the engine's funnel, against the data as it is now)."""
    plan = [engine_assignment(r) for r in rows if r.status != "withdrawn"]
    return [
        {"kind": e.kind, "key": e.key, "params": plain(e.params), "target": e.target_id}
        for e in unfilled(built.problem, plan)
    ]


def candidates(built: Built, rows: Sequence[Assignment], target: str) -> list[tuple[str, str]]:
    """Who could be added to ``target`` (volunteer ids ``v12``, teams ``t3`` at a post) and the
    first rule that keeps each out ("" : they can take the place), given the rest of the plan."""
    plan = [engine_assignment(r) for r in rows if r.status != "withdrawn"]
    spec = built.targets.get(target)
    if spec is None:
        return []
    if not isinstance(built.problem, PostsProblem):
        found = tutoring_reasons(built.problem, plan, target, spec.skill or ids.ANY_SKILL)
        return [(v, reason or "") for v, reason in found.items()]
    found = posts_reasons(built.problem, plan, target)
    out: list[tuple[str, str]] = []
    in_team: set[str] = set()
    for team in built.problem.teams:
        in_team |= set(team.member_ids)
        if not all(m in found for m in team.member_ids):
            continue  # (part of) the team is there already
        reasons = [found[m] for m in team.member_ids if found[m]]
        out.append((team.id, reasons[0] if reasons else ""))
    out += [(v, reason or "") for v, reason in found.items() if v not in in_team]
    return out


def new_violations(
    built: Built,
    rows: Sequence[Assignment],
    leaving: Sequence[Assignment] = (),
    arriving: Sequence[tuple[int, str, int | None]] = (),
) -> list[Violation]:
    """What a hand change would break that the plan does not break already: ``leaving`` rows
    taken out, ``arriving`` (volunteer, target, team) put in."""
    current = [engine_assignment(r) for r in rows]
    gone = {engine_assignment(r) for r in leaving}
    after = [a for a in current if a not in gone]
    after += [planned(built, v, target, team) for v, target, team in arriving]

    def key(v) -> tuple:
        return (v.key, tuple(sorted((k, str(x)) for k, x in v.params.items())))

    known = {key(v) for v in check(built, current)}
    return [Violation(v.key, dict(v.params)) for v in check(built, after) if key(v) not in known]
