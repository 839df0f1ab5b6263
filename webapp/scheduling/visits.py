"""Model 3: the summer home-visit campaign (暑期家访), what it is asked and what it answers.

Pairs of two adults (at least one cleared; one woman and one man when the county asks) visit the
children's households, one visit per household (siblings share one), each pair at most
``max_visits_per_day`` a day, its day's round trip base -> households -> base within
``max_travel_minutes``, the households of one village on one day, red households first.

This module holds the dataclasses and the public functions; the work is done in
``visits_pairs`` (forming pairs), ``visits_routes`` (visiting order, travel),
``visits_model`` (the CP-SAT village-level model), ``visits_greedy`` (the baseline),
``visits_check`` (the independent checker) and ``visits_explain`` (why a household is not
visited). The modules import the dataclasses from here; the functions below import them lazily,
so there is no import cycle at load time. docs/scheduling.md has the model and its figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from .plan import Plan
from .problem import Location
from .solver import ProgressFn, SolveParams, StopFlag

PRIORITIES = ("red", "yellow", "blue", "green")  # most urgent first


@dataclass(frozen=True)
class Visitor:
    """A teacher or volunteer taking part."""

    id: str
    days: tuple[date, ...]  # the campaign days they are available
    cleared: bool = False  # background-checked (every pair needs at least one)
    sex: str | None = None  # "f" | "m" | None
    base: Location | None = None  # where they start the day (their school / home)
    transport: str = "bus"
    name: str = ""


@dataclass(frozen=True)
class VisitPair:
    id: str
    member_ids: tuple[str, str]
    days: tuple[date, ...]  # days both are available
    base: Location | None = None
    transport: str = "bus"


@dataclass(frozen=True)
class Household:
    """One visit: siblings share a household (the app uses the eldest child's id)."""

    id: str
    village: str
    location: Location
    child_ids: tuple[str, ...]
    priority: str = "yellow"  # "red" first, then "yellow" (then "blue", "green")
    name: str = ""


@dataclass(frozen=True)
class VisitRules:
    max_visits_per_day: int = 6
    max_travel_minutes: int = 240  # a pair's day: base -> households in order -> base
    visit_minutes: int = 45  # time spent per household; not counted in the travel limit
    mixed_pairs: bool = False  # the county asks for one woman and one man per pair
    village_same_day: bool = True  # households of one village are visited on the same day


def _default_unvisited() -> Mapping[str, int]:
    return {"red": 1_000_000, "yellow": 10_000, "blue": 2_000, "green": 1_000}


@dataclass(frozen=True)
class VisitWeights:
    """Lexicographic in spirit: one red household left unvisited outweighs 100 yellow ones,
    and one yellow household outweighs 10,000 minutes of travel (about 40 pair-days)."""

    unvisited: Mapping[str, int] = field(default_factory=_default_unvisited)
    travel_per_minute: int = 1


@dataclass(frozen=True)
class HomeVisitProblem:
    days: tuple[date, ...]
    households: tuple[Household, ...]
    visitors: tuple[Visitor, ...] = ()  # pairs are formed from these when `pairs` is empty
    pairs: tuple[VisitPair, ...] = ()  # or given (coordinator-made pairs, kept as they are)
    rules: VisitRules = VisitRules()
    pins: tuple[tuple[str, str], ...] = ()  # (household_id, target_id or pair_id) kept
    forbidden: tuple[tuple[str, str], ...] = ()  # (household_id, pair_id) never
    weights: VisitWeights = VisitWeights()


@dataclass(frozen=True)
class Route:
    pair_id: str
    day: date
    household_ids: tuple[str, ...]  # in visiting order
    travel_minutes: int  # base -> ... -> base, travel.travel_minutes with the pair's transport


@dataclass(frozen=True)
class VisitPlan:
    # Assignment(volunteer_id=household_id, target_id=target_id(pair_id, day)); explanations:
    # each household not visited, and each visitor left without a pair.
    plan: Plan
    pairs: tuple[VisitPair, ...]  # the pairs used (formed or given)
    routes: tuple[Route, ...]

    @property
    def visited(self) -> frozenset[str]:
        return frozenset(h for r in self.routes for h in r.household_ids)


def target_id(pair_id: str, day: date) -> str:
    return f"{pair_id}@{day.isoformat()}"


def parse_target_id(text: str) -> tuple[str, date]:
    """``"p3@2026-07-14"`` -> ("p3", date(2026, 7, 14)); ValueError when it is not one."""
    pair_id, sep, day = text.rpartition("@")
    if not sep or not pair_id:
        raise ValueError(f"not a pair-day target: {text!r}")
    return pair_id, date.fromisoformat(day)


def form_pairs(visitors: tuple[Visitor, ...], rules: VisitRules) -> tuple[VisitPair, ...]:
    """Deterministic pairs (visits_pairs.py); ``pairing`` also says who was left unpaired."""
    from .visits_pairs import pairing

    return pairing(visitors, rules).pairs


def route_travel(pair: VisitPair, households_in_order, rules: VisitRules | None = None) -> int:
    """Minutes base -> households in this order -> base by the pair's transport."""
    from .visits_routes import route_minutes

    return route_minutes(pair.base, [h.location for h in households_in_order], pair.transport)


def solve_visits(
    problem: HomeVisitProblem,
    params: SolveParams | None = None,
    on_progress: ProgressFn = None,
    stop: StopFlag = None,
) -> VisitPlan:
    from .visits_solve import solve_visits as run

    return run(problem, params, on_progress, stop)


def greedy_visits(problem: HomeVisitProblem) -> VisitPlan:
    from .visits_greedy import greedy_visits as run

    return run(problem)


def check_visits(problem: HomeVisitProblem, visit_plan: VisitPlan) -> list[str]:
    from .visits_check import check_visits as run

    return run(problem, visit_plan)
