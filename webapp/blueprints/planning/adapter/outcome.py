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

from webapp.blueprints.planning.adapter.results import check, solve_built, store
from webapp.blueprints.planning.adapter.shared import Built, engine_assignment, planned
from webapp.models import Assignment, Plan, Programme
from webapp.scheduling import Progress as EngineProgress


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

    @property
    def has_plan(self) -> bool:
        return self.status in ("optimal", "feasible")


@dataclass(frozen=True)
class Violation:
    """A hard rule a plan breaks: ``key`` + ``params`` (engine ids, counts) for explaining.py."""

    key: str
    params: dict[str, object]


def solve_programme(
    built: Built,
    parameters: dict,
    on_progress: Callable[[Progress], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> Outcome:
    """Solve (a re-plan when built with a base plan); ``save_proposal`` then writes the plan."""

    def progress(p: EngineProgress) -> None:
        if on_progress is not None:
            on_progress(Progress(p.seconds, p.objective, p.bound))

    result = solve_built(built, parameters, progress, stop)
    built.result = result
    have = Counter(a.target_id for a in result.assignments)
    failure = ""
    if result.status not in ("optimal", "feasible"):
        failure = "; ".join(e.text.get("en", e.key) for e in result.explanations)
    return Outcome(
        result.status,
        result.objective,
        result.best_bound,
        result.gap,
        result.wall_seconds,
        summarise(((t.id, t.minimum, t.preferred) for t in built.targets.values()), have),
        failure,
    )


def save_proposal(built: Built, programme: Programme) -> Plan:
    """The plan the last ``solve_programme`` found, as a proposed Plan with its rows (flushed)."""
    if built.result is None:
        raise RuntimeError("save_proposal before solve_programme")
    return store(built, built.result, programme)


def violations(built: Built, rows: Sequence[Assignment]) -> list[Violation]:
    """The hard rules the plan in ``rows`` breaks, against the data as it is now."""
    found = check(built, [engine_assignment(r) for r in rows])
    return [Violation(v.key, dict(v.params)) for v in found]


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
