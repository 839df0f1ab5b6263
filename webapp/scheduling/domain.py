"""Plain data in and out of the scheduling engine.

Everything here is a frozen dataclass (or a small enum-like string), so that the web app can build
a problem from ORM rows, hand it to a worker thread and store the returned Plan without the solver
ever touching the ORM. Times are minutes since midnight (local time of the home); weekdays are
0=Monday..6=Sunday; dates are ``datetime.date``.

Validation lives here too: ``validate_tutoring`` and ``validate_posts`` raise ``ValidationError``
naming the offending item, so that bad input never reaches CP-SAT.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Status = Literal["optimal", "feasible", "infeasible", "timeout_no_solution", "invalid"]
TRANSPORT_MODES = ("walk", "bike", "ebike", "bus", "car")


class ValidationError(ValueError):
    """Bad input for the scheduler. ``item`` names the object, ``field`` the attribute."""

    def __init__(self, item: str, field_name: str, message: str) -> None:
        self.item = item
        self.field = field_name
        self.message = message
        super().__init__(f"{item}: {field_name}: {message}")


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


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Assignment:
    volunteer_id: str
    target_id: str  # slot id or post id
    skill: str | None = None  # tutoring: the need filled
    team_id: str | None = None  # posts: the team the person came with


@dataclass(frozen=True)
class TermValue:
    """One objective term: its raw value (people, minutes, ...), weight and weighted value."""

    name: str
    value: int
    weight: int

    @property
    def weighted(self) -> int:
        return self.value * self.weight


@dataclass(frozen=True)
class Explanation:
    """A plain-language explanation. ``key`` + ``params`` for the app's own rendering;
    ``text`` holds ready renderings: {"zh_CN": ..., "en": ...}."""

    kind: str  # "unfilled" | "infeasible" | "rule" | "invalid"
    key: str
    params: Mapping[str, object]
    text: Mapping[str, str]
    target_id: str | None = None


@dataclass(frozen=True)
class Diff:
    """What changed between the published plan and the new one, per person."""

    added: tuple[Assignment, ...] = ()
    removed: tuple[Assignment, ...] = ()
    moved: tuple[tuple[Assignment, Assignment], ...] = ()  # (old, new) for the same volunteer

    @property
    def affected_volunteers(self) -> frozenset[str]:
        ids = {a.volunteer_id for a in self.added} | {a.volunteer_id for a in self.removed}
        ids |= {old.volunteer_id for old, _ in self.moved}
        return frozenset(ids)


@dataclass(frozen=True)
class Progress:
    seconds: float
    objective: float | None
    bound: float | None


@dataclass(frozen=True)
class Plan:
    status: Status
    objective: float | None
    best_bound: float | None
    gap: float | None  # relative: |objective - bound| / max(1, |objective|)
    wall_seconds: float
    terms: tuple[TermValue, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    explanations: tuple[Explanation, ...] = ()
    diff: Diff | None = None
    deterministic_time: float = 0.0
    stopped: bool = False  # the stop flag ended the search

    def term(self, name: str) -> int:
        for t in self.terms:
            if t.name == name:
                return t.value
        return 0


# --------------------------------------------------------------------------- validation


def _unique(kind: str, ids: Iterable[str]) -> None:
    counts = Counter(ids)
    for item_id, n in counts.items():
        if n > 1:
            raise ValidationError(f"{kind} {item_id}", "id", f"duplicate id (appears {n} times)")
        if not item_id:
            raise ValidationError(kind, "id", "empty id")


def _validate_volunteers(volunteers: tuple[Volunteer, ...], known: frozenset[str] | None) -> None:
    if not volunteers:
        raise ValidationError("volunteers", "volunteers", "the volunteer list is empty")
    _unique("volunteer", (v.id for v in volunteers))
    for v in volunteers:
        item = f"volunteer {v.id}"
        if v.transport not in TRANSPORT_MODES:
            raise ValidationError(item, "transport", f"unknown transport mode {v.transport!r}")
        for name in (
            "max_travel_minutes",
            "max_sessions_per_week",
            "max_minutes_per_week",
            "max_posts",
        ):
            if getattr(v, name) < 0:
                raise ValidationError(item, name, "must not be negative")
        for w in v.availability or ():
            if not 0 <= w.weekday <= 6:
                raise ValidationError(item, "availability", f"weekday {w.weekday} not in 0..6")
            if w.end <= w.start:
                raise ValidationError(item, "availability", "a window ends before it starts")
        for d in v.available_dates or ():
            if d.end < d.start:
                raise ValidationError(item, "available_dates", "a date range ends before it starts")
        if known is not None:
            unknown = (v.skills | v.preferred_skills) - known
            if unknown:
                raise ValidationError(item, "skills", f"unknown skill {sorted(unknown)[0]!r}")


def _validate_common_refs(pins, forbidden, volunteer_ids, unit_ids, target_ids, kind) -> None:
    for p in pins:
        if p.volunteer_id not in unit_ids:
            raise ValidationError(
                f"pin {p.volunteer_id}->{p.target_id}", "volunteer_id", "unknown volunteer"
            )
        if p.target_id not in target_ids:
            raise ValidationError(
                f"pin {p.volunteer_id}->{p.target_id}", "target_id", f"unknown {kind}"
            )
    for f in forbidden:
        if f.volunteer_id not in volunteer_ids and f.volunteer_id not in unit_ids:
            raise ValidationError(
                f"forbidden pair {f.volunteer_id}/{f.target_id}",
                "volunteer_id",
                "unknown volunteer",
            )


def validate_tutoring(problem: TutoringProblem) -> None:
    """Raise ValidationError naming the first bad item; return None when the input is usable."""
    _validate_volunteers(problem.volunteers, problem.skills)
    if not problem.slots:
        raise ValidationError("slots", "slots", "the slot list is empty")
    _unique("slot", (s.id for s in problem.slots))
    for s in problem.slots:
        item = f"slot {s.id}"
        if not 0 <= s.weekday <= 6:
            raise ValidationError(item, "weekday", f"weekday {s.weekday} not in 0..6")
        if s.end <= s.start:
            raise ValidationError(item, "end", "the slot ends before it starts")
        if not s.needs:
            raise ValidationError(item, "needs", "a slot needs at least one need")
        _unique(f"{item} need", (n.skill for n in s.needs))
        for n in s.needs:
            nitem = f"{item} need {n.skill}"
            if problem.skills is not None and n.skill not in problem.skills:
                raise ValidationError(nitem, "skill", f"unknown skill {n.skill!r}")
            if n.min < 0 or n.max < 0 or n.preferred_count < 0:
                raise ValidationError(nitem, "headcount", "negative headcount")
            if n.min > n.max:
                raise ValidationError(nitem, "headcount", f"min {n.min} > max {n.max}")
            if not n.min <= n.preferred_count <= n.max:
                raise ValidationError(nitem, "preferred", "preferred must lie between min and max")
    vids = {v.id for v in problem.volunteers}
    sids = {s.id for s in problem.slots}
    _validate_common_refs(problem.pins, problem.forbidden, vids, vids, sids, "slot")
    slot_skills = {s.id: {n.skill for n in s.needs} for s in problem.slots}
    for p in problem.pins:
        if p.skill is not None and p.skill not in slot_skills[p.target_id]:
            raise ValidationError(
                f"pin {p.volunteer_id}->{p.target_id}", "skill", f"slot has no need for {p.skill!r}"
            )
    homes = {s.home_id for s in problem.slots}
    for name in ("travel_minutes", "pair_load", "pair_cost"):
        targets = sids | homes if name == "travel_minutes" else sids
        for key, value in (getattr(problem, name) or {}).items():
            _check_pair(
                name, key, vids, targets, "slot or home" if name == "travel_minutes" else "slot"
            )
            if value < 0 and name != "pair_cost":
                raise ValidationError(f"{name} {key}", name, "must not be negative")


def _check_pair(
    name: str, key: tuple[str, str], volunteer_ids: set[str], target_ids: set[str], kind: str
) -> None:
    """A matrix entry must name a known volunteer and target: a typo would otherwise silently
    fall back to the estimate (travel) or be ignored (load, cost)."""
    a, b = key
    if a not in volunteer_ids:
        raise ValidationError(f"{name} {a}->{b}", name, f"unknown pair: no volunteer {a!r}")
    if b not in target_ids:
        raise ValidationError(f"{name} {a}->{b}", name, f"unknown pair: no {kind} {b!r}")


def validate_posts(problem: PostsProblem) -> None:
    """Raise ValidationError naming the first bad item; return None when the input is usable."""
    _validate_volunteers(problem.volunteers, problem.skills)
    if not problem.posts:
        raise ValidationError("posts", "posts", "the post list is empty")
    _unique("post", (p.id for p in problem.posts))
    _unique("team", (t.id for t in problem.teams))
    vids = {v.id for v in problem.volunteers}
    for p in problem.posts:
        item = f"post {p.id}"
        if p.dates.end < p.dates.start:
            raise ValidationError(item, "dates", "the post ends before it starts")
        for name in ("min_headcount", "max_headcount", "beds"):
            if getattr(p, name) < 0:
                raise ValidationError(item, name, "negative headcount")
        if p.min_headcount > p.max_headcount:
            raise ValidationError(item, "min_headcount", "min headcount above max headcount")
        if p.preferred_headcount is not None and p.preferred_headcount < 0:
            raise ValidationError(item, "preferred_headcount", "negative headcount")
        for skill, count in p.skill_counts:
            if count < 0:
                raise ValidationError(item, "skill_counts", f"negative count for {skill!r}")
            if problem.skills is not None and skill not in problem.skills:
                raise ValidationError(item, "skill_counts", f"unknown skill {skill!r}")
    largest = max(p.capacity for p in problem.posts)
    seen: dict[str, str] = {}
    for t in problem.teams:
        item = f"team {t.id}"
        if not t.member_ids:
            raise ValidationError(item, "member_ids", "a team has no members")
        for m in t.member_ids:
            if m not in vids:
                raise ValidationError(item, "member_ids", f"unknown member {m!r}")
            if m in seen:
                raise ValidationError(
                    item, "member_ids", f"member {m!r} is already in team {seen[m]!r}"
                )
            seen[m] = t.id
        if len(t.member_ids) > largest:
            raise ValidationError(
                item,
                "member_ids",
                f"team of {len(t.member_ids)} is larger than any post (largest takes {largest})",
            )
    if set(seen) & {t.id for t in problem.teams} or vids & {t.id for t in problem.teams}:
        clash = sorted(vids & {t.id for t in problem.teams})
        if clash:
            raise ValidationError(f"team {clash[0]}", "id", "a team id equals a volunteer id")
    units = (vids - set(seen)) | {t.id for t in problem.teams}
    for v in problem.volunteers:
        for c in sorted(v.companions):
            if c not in vids:
                raise ValidationError(f"volunteer {v.id}", "companions", f"unknown companion {c!r}")
            if c == v.id:
                raise ValidationError(
                    f"volunteer {v.id}", "companions", "a volunteer cannot be their own companion"
                )
    _validate_common_refs(
        problem.pins, problem.forbidden, vids, units | vids, {p.id for p in problem.posts}, "post"
    )
    for key, value in (problem.travel_minutes or {}).items():
        _check_pair("travel_minutes", key, vids, {p.id for p in problem.posts}, "post")
        if value < 0:
            raise ValidationError(f"travel_minutes {key}", "travel_minutes", "must not be negative")
