"""What the engine is asked: volunteers, teams, slots, posts, rules, weights and the problems
that hold them.

Everything here is a frozen dataclass, so that the web app can build a problem from ORM rows and
hand it to a worker thread without the solver ever touching the ORM. Times are minutes since
midnight (local time of the home); weekdays are 0=Monday..6=Sunday; dates are ``datetime.date``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from .plan import Assignment

TRANSPORT_MODES = ("walk", "bike", "ebike", "bus", "car")

# --------------------------------------------------------------------------- shared pieces


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float
    name: str = ""


@dataclass(frozen=True)
class TimeWindow:
    """A weekly recurring window, e.g. Tuesday 14:00-18:00 = TimeWindow(1, 840, 1080)."""

    weekday: int
    start: int
    end: int

    def covers(self, weekday: int, start: int, end: int) -> bool:
        return self.weekday == weekday and self.start <= start and end <= self.end


@dataclass(frozen=True)
class DateRange:
    """Inclusive date range, e.g. 7/8-7/15."""

    start: date
    end: date

    def covers(self, other: DateRange) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: DateRange) -> bool:
        return self.start <= other.end and other.start <= self.end


@dataclass(frozen=True)
class Volunteer:
    """A person who can be assigned. Fields that only one model uses are ignored by the other.

    ``availability`` (weekly windows) is used by tutoring; ``None`` means "any time".
    ``available_dates`` is used by summer posts; ``None`` means "the whole summer".
    ``last_targets`` are slot or post ids from the last plan or term (continuity).
    ``cleared_until``: the last day the clearance is valid (``None``: no end date); a slot or post
    that needs vetting counts the volunteer as cleared only when the clearance lasts through its
    last date. ``unavailable_targets``: slots or posts the volunteer cannot attend for a reason
    of dates that the weekly windows cannot say (away on the dates of a one-off session, say).
    """

    id: str
    name: str = ""
    skills: frozenset[str] = frozenset()
    cleared: bool = False
    cleared_until: date | None = None
    home: Location | None = None
    transport: str = "bus"
    max_travel_minutes: int = 60
    max_sessions_per_week: int = 3
    max_minutes_per_week: int = 600
    availability: tuple[TimeWindow, ...] | None = None
    available_dates: tuple[DateRange, ...] | None = None
    preferred_homes: frozenset[str] = frozenset()
    preferred_skills: frozenset[str] = frozenset()
    preferred_posts: frozenset[str] = frozenset()
    last_targets: frozenset[str] = frozenset()
    is_leader: bool = False
    is_adult: bool = True
    max_posts: int = 1
    # Summer posts: the college/class cohort (empty: the team's college, if any) and the people
    # this volunteer asked to be placed with (volunteer ids). Both are soft (``Weights.cohort``).
    cohort: str = ""
    companions: frozenset[str] = frozenset()
    unavailable_targets: frozenset[str] = frozenset()

    def cleared_through(self, last_day: date | None) -> bool:
        """Cleared, and still cleared on ``last_day`` (a target's last date; None: undated)."""
        if not self.cleared:
            return False
        return self.cleared_until is None or last_day is None or last_day <= self.cleared_until


@dataclass(frozen=True)
class Weights:
    """Objective weights, integers. Defaults make the objective lexicographic in spirit:
    one unfilled minimum seat outweighs any realistic sum of the lower terms.

    A weight of 0 switches its term off (the term is then not even built).
    """

    unfilled_min: int = 100_000  # per missing person below a need's minimum (or skill/leader/adult)
    unfilled_preferred: int = 10_000  # per missing person below the preferred headcount
    change: int = 20_000  # re-plan: per published assignment dropped (only a minimum outweighs it)
    added: int = (
        1_000  # re-plan: per assignment not in the published plan (one more person to tell)
    )
    continuity: int = 1_000  # per last-term pairing (volunteer, slot/post) not kept
    pair_cost: int = 1  # per unit of an explicit per-pair cost (GAP cost matrix, coordinator input)
    travel: int = 1  # per round-trip travel minute (tutoring) / per one-way minute x person (posts)
    fairness: int = 20  # tutoring: per pair of sessions by the same volunteer (convex load spread)
    preference: int = 200  # per assignment outside a volunteer's (or team's) stated preferences
    balance: int = 500  # posts: per person of the largest shortfall below preferred headcount
    cohort: int = 200  # posts: per placement without a cohort-mate / without a requested companion


@dataclass(frozen=True)
class Rules:
    """Switches for the hard rules shared by both models."""

    hard_minimums: bool = False  # True: minimum headcount/skills must hold (else infeasible)
    travel_between_slots: bool = True  # count travel time between homes in same-day overlap checks


# --------------------------------------------------------------------------- tutoring


@dataclass(frozen=True)
class Need:
    """How many people with ``skill`` a slot needs. ``preferred`` defaults to ``min``."""

    skill: str
    min: int = 1
    max: int = 1
    preferred: int | None = None
    vetting_required: bool = True

    @property
    def preferred_count(self) -> int:
        return self.min if self.preferred is None else self.preferred


@dataclass(frozen=True)
class Slot:
    """A recurring weekly session at a children's home. ``last_date``: the date it last takes
    place (for dated clearances; None: undated)."""

    id: str
    home_id: str
    weekday: int
    start: int
    end: int
    needs: tuple[Need, ...]
    location: Location | None = None
    name: str = ""
    last_date: date | None = None

    @property
    def duration(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Pin:
    """A coordinator's fixed assignment: volunteer (or team, for posts) -> slot/post."""

    volunteer_id: str
    target_id: str
    skill: str | None = None  # tutoring: which need of the slot; None = any need the person fits


@dataclass(frozen=True)
class Forbidden:
    """Keep a volunteer away from a slot, a post or a whole home (target = any of those ids)."""

    volunteer_id: str
    target_id: str


@dataclass(frozen=True)
class TutoringProblem:
    volunteers: tuple[Volunteer, ...]
    slots: tuple[Slot, ...]
    skills: frozenset[str] | None = None  # known skills; None = whatever the slots mention
    pins: tuple[Pin, ...] = ()
    forbidden: tuple[Forbidden, ...] = ()
    weights: Weights = field(default_factory=Weights)
    rules: Rules = field(default_factory=Rules)
    # Overrides, keyed by (volunteer_id, slot_id). ``travel_minutes`` replaces the haversine
    # estimate (one way, e.g. from a CSV matrix); ``pair_load`` replaces duration + round trip;
    # ``pair_cost`` adds an explicit cost per assignment (the GAP cost matrix maps here).
    travel_minutes: Mapping[tuple[str, str], int] | None = None
    pair_load: Mapping[tuple[str, str], int] | None = None
    pair_cost: Mapping[tuple[str, str], int] | None = None
    # Re-plan: assignments that are published; dropping one costs ``weights.change``.
    published: tuple[Assignment, ...] = ()


# --------------------------------------------------------------------------- summer posts


@dataclass(frozen=True)
class Team:
    """A college summer team. Placed as a whole: all members at the same post, or none."""

    id: str
    member_ids: tuple[str, ...]
    name: str = ""
    college: str = ""
    preferred_posts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Post:
    """A village school/home post for a date range (暑期驻点)."""

    id: str
    dates: DateRange
    min_headcount: int
    max_headcount: int
    beds: int
    location: Location | None = None
    preferred_headcount: int | None = None
    skill_counts: tuple[tuple[str, int], ...] = ()  # e.g. (("英语", 1), ("心理辅导", 1))
    need_leader: bool = True
    need_cleared_adult: bool = True
    vetting_required: bool = True  # every person placed here must be cleared
    max_travel_minutes: int | None = None
    name: str = ""

    @property
    def capacity(self) -> int:
        return min(self.max_headcount, self.beds)

    @property
    def preferred_count(self) -> int:
        p = self.preferred_headcount if self.preferred_headcount is not None else self.min_headcount
        return min(p, self.capacity)


@dataclass(frozen=True)
class PostsProblem:
    volunteers: tuple[Volunteer, ...]
    posts: tuple[Post, ...]
    teams: tuple[Team, ...] = ()
    skills: frozenset[str] | None = None
    pins: tuple[Pin, ...] = ()  # volunteer_id may be a team id: the whole team is pinned
    forbidden: tuple[Forbidden, ...] = ()
    weights: Weights = field(default_factory=Weights)
    rules: Rules = field(default_factory=Rules)
    travel_minutes: Mapping[tuple[str, str], int] | None = None  # (volunteer_id, post_id)
    published: tuple[Assignment, ...] = ()
