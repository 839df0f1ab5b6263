"""Every hard placement rule of both models, written once.

Four readers share these definitions:

* the CP-SAT models (tutoring.py, posts.py): the *candidate rules* below decide which decision
  variables exist; a pinned candidate that breaks one still gets a variable, fixed to 0 under that
  rule's key, so that an impossible pin is named in a conflict;
* the checker (checks.py): every rule, against a finished plan;
* the funnel that explains an empty target (explain.py): how many people pass each candidate rule
  in turn, then the rules that depend on the rest of the plan (``free``, ``load``, ``size``);
* the greedy baseline (greedy.py): a placement is taken only where every rule still holds.

A candidate rule is about one person and one target, whatever else the plan holds. To add one,
write its test here and put a ``Rule`` into ``TUTORING_RULES`` or ``POST_RULES``: the order of
those tuples is the funnel's order and the order in which the first broken rule is named. Then
give its key words in explain.py (``STAGE_TEXT``, ``BLOCK_TEXT``, ``_rule_text``) and in the
app's planning/explaining.py; tests/scheduling/test_rules.py fails while a key has no words.
The rules that depend on the rest of the plan (one slot or post at a time, weekly load,
headcount and capacity, coverage) are the functions further down; the models state them as
constraints (``add_*`` in tutoring.py and posts.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .problem import Need, Post, PostsProblem, Slot, TutoringProblem, Volunteer
from .travel import travel_minutes


@dataclass(frozen=True)
class Rule:
    """A candidate rule. ``holds(ctx, volunteer, *target)`` is True when the person may take the
    target as far as this rule goes; the target is ``(slot, need)`` for tutoring, ``(post,)`` for
    summer posts."""

    key: str  # funnel stage, and the rule's name in a conflict core
    holds: Callable[..., bool]
    message: str  # the checker's short English, after the assignment
    violation: str = ""  # the checker's key, where it differs from ``key``
    details: Callable[..., dict[str, object]] | None = None  # more params for the checker

    @property
    def check_key(self) -> str:
        return self.violation or self.key


def first_broken(rules: Iterable[Rule], ctx: object, v: Volunteer, *target: object) -> str | None:
    """The key of the first rule ``v`` breaks for this target, or None: a candidate."""
    for rule in rules:
        if not rule.holds(ctx, v, *target):
            return rule.key
    return None


# --------------------------------------------------------------------------- tutoring


class TutoringContext:
    """Lookups of a tutoring problem (and cached travel) that the rules and their readers share."""

    def __init__(self, problem: TutoringProblem) -> None:
        self.problem = problem
        self.volunteers = {v.id: v for v in problem.volunteers}
        self.slots = {s.id: s for s in problem.slots}
        self.forbidden = {(f.volunteer_id, f.target_id) for f in problem.forbidden}
        self._travel: dict[tuple[str, str], int] = {}
        self._home_travel: dict[tuple[str, str, str], int] = {}
        self.home_loc = {s.home_id: s.location for s in problem.slots}
        self._candidates: dict[tuple[str, str], list[Volunteer]] | None = None

    def travel(self, v: Volunteer, s: Slot) -> int:
        """One-way minutes from the volunteer's base to the slot's home."""
        key = (v.id, s.id)
        t = self._travel.get(key)
        if t is None:
            override = self.problem.travel_minutes
            if override is not None and key in override:
                t = override[key]
            elif override is not None and (v.id, s.home_id) in override:
                t = override[v.id, s.home_id]
            else:
                t = travel_minutes(v.home, s.location, v.transport)
            self._travel[key] = t
        return t

    def load(self, v: Volunteer, s: Slot) -> int:
        """Weekly minutes one assignment costs: the session plus the round trip."""
        if self.problem.pair_load is not None and (v.id, s.id) in self.problem.pair_load:
            return self.problem.pair_load[v.id, s.id]
        return s.duration + 2 * self.travel(v, s)

    def pair_cost(self, v: Volunteer, s: Slot) -> int:
        pc = self.problem.pair_cost
        return 0 if pc is None else pc.get((v.id, s.id), 0)

    def between_homes(self, v: Volunteer, a: Slot, b: Slot) -> int:
        if a.home_id == b.home_id or not self.problem.rules.travel_between_slots:
            return 0
        key = (v.transport, *sorted((a.home_id, b.home_id)))
        t = self._home_travel.get(key)
        if t is None:
            t = travel_minutes(a.location, b.location, v.transport)
            self._home_travel[key] = t
        return t

    def conflict(self, v: Volunteer, a: Slot, b: Slot) -> bool:
        """Rule "one place at a time": same day and overlapping once travel is counted."""
        if a.id == b.id or a.weekday != b.weekday:
            return False
        gap = self.between_homes(v, a, b)
        return a.start < b.end + gap and b.start < a.end + gap

    def static_block(self, v: Volunteer, s: Slot, need: Need) -> str | None:
        """First candidate rule that keeps v out of (s, need), or None if v is a candidate."""
        return first_broken(TUTORING_RULES, self, v, s, need)

    def candidates(self) -> dict[tuple[str, str], list[Volunteer]]:
        """(slot id, skill) -> the volunteers no candidate rule keeps out, in problem order.

        Computed once per context (the model and greedy share it). Only volunteers who pass two
        necessary conditions are tested: they have the skill (the skill rule is
        ``need.skill in v.skills``) and, when they give weekly windows, one on the slot's
        weekday (``TimeWindow.covers`` needs it). On the generated counties that is one pair in
        eight, and testing all 660 000 took most of the build time and of greedy's (issue 26).
        """
        if self._candidates is None:
            pool: dict[tuple[str, int | None], list[Volunteer]] = defaultdict(list)
            for v in self.problem.volunteers:
                days = (
                    [None]
                    if v.availability is None
                    else dict.fromkeys(w.weekday for w in v.availability)
                )
                for skill in v.skills:
                    for day in days:
                        pool[skill, day].append(v)
            order = {v.id: i for i, v in enumerate(self.problem.volunteers)}
            self._candidates = {}
            for s in self.problem.slots:
                for n in s.needs:
                    maybe = pool.get((n.skill, None), []) + pool.get((n.skill, s.weekday), [])
                    maybe.sort(key=lambda v: order[v.id])
                    self._candidates[s.id, n.skill] = [
                        v for v in maybe if self.static_block(v, s, n) is None
                    ]
        return self._candidates


def _cleared_for_need(ctx: TutoringContext, v: Volunteer, s: Slot, need: Need) -> bool:
    return not need.vetting_required or v.cleared_through(s.last_date)


def _has_skill(ctx: TutoringContext, v: Volunteer, s: Slot, need: Need) -> bool:
    return need.skill in v.skills


def _free_weekly(ctx: TutoringContext, v: Volunteer, s: Slot, need: Need) -> bool:
    if s.id in v.unavailable_targets:
        return False
    return v.availability is None or any(
        w.covers(s.weekday, s.start, s.end) for w in v.availability
    )


def _within_travel(ctx: TutoringContext, v: Volunteer, s: Slot, need: Need) -> bool:
    return ctx.travel(v, s) <= v.max_travel_minutes


def _travel_details(ctx: TutoringContext, v: Volunteer, s: Slot, need: Need) -> dict[str, object]:
    return {"minutes": ctx.travel(v, s), "limit": v.max_travel_minutes}


def _not_excluded_from_slot(ctx: TutoringContext, v: Volunteer, s: Slot, need: Need) -> bool:
    return (v.id, s.id) not in ctx.forbidden and (v.id, s.home_id) not in ctx.forbidden


TUTORING_RULES: tuple[Rule, ...] = (
    # The vetting gate: where the need asks for it, cleared through the slot's last date.
    Rule("cleared", _cleared_for_need, "not cleared"),
    Rule("skill", _has_skill, "lacks skill"),
    # Weekly windows (None: any time), and slots ruled out by dates (away on a one-off's day).
    Rule("available", _free_weekly, "not available"),
    Rule("travel", _within_travel, "too far", details=_travel_details),
    # A coordinator's forbidden pair, for the slot or for its whole home.
    Rule("allowed", _not_excluded_from_slot, "forbidden pair", violation="forbidden"),
)


def load_breaches(v: Volunteer, sessions: int, minutes: int) -> list[tuple[str, dict[str, object]]]:
    """Rule "weekly load": (key, params) of each weekly limit that ``sessions`` sessions taking
    ``minutes`` minutes (sessions plus round trips) would break."""
    out: list[tuple[str, dict[str, object]]] = []
    if sessions > v.max_sessions_per_week:
        out.append(("sessions", {"count": sessions, "limit": v.max_sessions_per_week}))
    if minutes > v.max_minutes_per_week:
        out.append(("minutes", {"minutes": minutes, "limit": v.max_minutes_per_week}))
    return out


class Week:
    """What each volunteer already does in a tutoring plan: their slots and weekly minutes."""

    def __init__(self, ctx: TutoringContext, assignments: Iterable = ()) -> None:
        self.ctx = ctx
        self.slots: dict[str, list[str]] = defaultdict(list)
        self.minutes: Counter[str] = Counter()
        for a in assignments:
            self.add(ctx.volunteers[a.volunteer_id], ctx.slots[a.target_id])

    def add(self, v: Volunteer, s: Slot) -> None:
        self.slots[v.id].append(s.id)
        self.minutes[v.id] += self.ctx.load(v, s)

    def remove(self, v: Volunteer, s: Slot) -> None:
        self.slots[v.id].remove(s.id)
        self.minutes[v.id] -= self.ctx.load(v, s)

    def block(self, v: Volunteer, s: Slot) -> str | None:
        """``free``: v is at s already (one need a slot) or at a slot that clashes with it;
        ``load``: one more session there breaks a weekly limit; None: v can take it."""
        booked = self.slots[v.id]
        if s.id in booked or any(self.ctx.conflict(v, self.ctx.slots[o], s) for o in booked):
            return "free"
        if load_breaches(v, len(booked) + 1, self.minutes[v.id] + self.ctx.load(v, s)):
            return "load"
        return None


def over_max(need: Need, people: int) -> bool:
    """Rule "max headcount": more people on the need than it takes."""
    return people > need.max


# --------------------------------------------------------------------------- summer posts


@dataclass(frozen=True)
class Unit:
    """What the posts model places: a team (whole) or a volunteer in no team."""

    id: str
    members: tuple[Volunteer, ...]
    team_id: str | None
    preferred_posts: frozenset[str]

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def member_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.members)

    @property
    def max_posts(self) -> int:
        """A team goes on as many posts as its most limited member."""
        return min(m.max_posts for m in self.members)


class PostsContext:
    """Lookups of a posts problem (units, cached travel) that the rules and their readers share."""

    def __init__(self, problem: PostsProblem) -> None:
        self.problem = problem
        self.volunteers = {v.id: v for v in problem.volunteers}
        self.posts = {p.id: p for p in problem.posts}
        self.forbidden = {(f.volunteer_id, f.target_id) for f in problem.forbidden}
        in_team = set()
        units: dict[str, Unit] = {}
        for t in problem.teams:
            units[t.id] = Unit(
                t.id, tuple(self.volunteers[m] for m in t.member_ids), t.id, t.preferred_posts
            )
            in_team |= set(t.member_ids)
        for v in problem.volunteers:
            if v.id not in in_team:
                units[v.id] = Unit(v.id, (v,), None, v.preferred_posts)
        self.units = units
        self._unit_of = {m.id: u for u in units.values() for m in u.members}
        self._travel: dict[tuple[str, str], int] = {}

    def unit_of_volunteer(self, volunteer_id: str) -> Unit | None:
        return self._unit_of.get(volunteer_id)

    def travel(self, v: Volunteer, p: Post) -> int:
        key = (v.id, p.id)
        t = self._travel.get(key)
        if t is None:
            m = self.problem.travel_minutes or {}
            t = m[key] if key in m else travel_minutes(v.home, p.location, v.transport)
            self._travel[key] = t
        return t

    def unit_travel(self, u: Unit, p: Post) -> int:
        return sum(self.travel(m, p) for m in u.members)

    def member_block(self, v: Volunteer, p: Post) -> str | None:
        """First candidate rule that keeps this person off post p, or None."""
        return first_broken(POST_RULES, self, v, p)

    def static_block(self, u: Unit, p: Post) -> str | None:
        """First rule that keeps the whole unit out of post p (one member is enough)."""
        for m in u.members:
            reason = self.member_block(m, p)
            if reason is not None:
                return reason
        if not team_fits(u, p):
            return "size"
        return None


def _cleared_for_post(ctx: PostsContext, v: Volunteer, p: Post) -> bool:
    return not p.vetting_required or v.cleared_through(p.dates.end)


def _there_those_dates(ctx: PostsContext, v: Volunteer, p: Post) -> bool:
    if p.id in v.unavailable_targets:
        return False
    return v.available_dates is None or any(d.covers(p.dates) for d in v.available_dates)


def post_travel_limit(v: Volunteer, p: Post) -> int:
    """The smaller of the volunteer's and the post's travel limit."""
    if p.max_travel_minutes is None:
        return v.max_travel_minutes
    return min(v.max_travel_minutes, p.max_travel_minutes)


def _within_post_travel(ctx: PostsContext, v: Volunteer, p: Post) -> bool:
    return ctx.travel(v, p) <= post_travel_limit(v, p)


def _post_travel_details(ctx: PostsContext, v: Volunteer, p: Post) -> dict[str, object]:
    return {"minutes": ctx.travel(v, p), "limit": post_travel_limit(v, p)}


def _not_excluded_from_post(ctx: PostsContext, v: Volunteer, p: Post) -> bool:
    if (v.id, p.id) in ctx.forbidden:
        return False
    u = ctx.unit_of_volunteer(v.id)
    return u is None or (u.id, p.id) not in ctx.forbidden  # the team kept away keeps them away


POST_RULES: tuple[Rule, ...] = (
    # The vetting gate: where the post asks for it, every person cleared through its last date.
    Rule("cleared", _cleared_for_post, "not cleared"),
    Rule("available", _there_those_dates, "not available"),
    Rule("travel", _within_post_travel, "too far", details=_post_travel_details),
    Rule("allowed", _not_excluded_from_post, "forbidden pair", violation="forbidden"),
)


def team_fits(u: Unit, p: Post) -> bool:
    """Rule "teams whole": a unit goes in one piece, so it must fit the post's capacity."""
    return u.size <= p.capacity


def over_capacity(p: Post, people: int) -> bool:
    """Rule "capacity": at most min(max headcount, beds) people."""
    return people > p.capacity


def post_busy(ctx: PostsContext, taken: Sequence[str], limit: int, p: Post) -> bool:
    """Rules "one post at a time" and "posts per person": taking p after ``taken`` would overlap
    one of them in dates, or pass ``limit`` posts."""
    return len(taken) >= limit or any(ctx.posts[o].dates.overlaps(p.dates) for o in taken)


@dataclass(frozen=True)
class Requirement:
    """A coverage requirement of a post: ``count`` people who each ``counts`` for it.

    Hard with ``Rules.hard_minimums``, else the ``unfilled_min`` term."""

    name: str  # headcount | skill:<skill> | leader | cleared_adult
    count: int
    counts: Callable[[Volunteer, Post], bool]

    def of_unit(self, u: Unit, p: Post) -> int:
        return sum(self.counts(m, p) for m in u.members)

    def of_people(self, people: Iterable[Volunteer], p: Post) -> int:
        return sum(self.counts(m, p) for m in people)


def _anyone(v: Volunteer, p: Post) -> bool:
    return True


def _leader(v: Volunteer, p: Post) -> bool:
    return v.is_leader


def _cleared_adult(v: Volunteer, p: Post) -> bool:
    return v.is_adult and v.cleared_through(p.dates.end)


def who_counts(name: str) -> Callable[[Volunteer, Post], bool]:
    """Who counts for a requirement, by its name."""
    if name.startswith("skill:"):
        skill = name[6:]
        return lambda v, p: skill in v.skills
    return {"headcount": _anyone, "leader": _leader, "cleared_adult": _cleared_adult}[name]


def coverage_requirements(p: Post) -> list[Requirement]:
    """The post's coverage: min headcount, each skill count, a leader, a cleared adult."""
    wanted = [("headcount", p.min_headcount)]
    wanted += [(f"skill:{skill}", n) for skill, n in p.skill_counts]
    wanted += [("leader", 1)] if p.need_leader else []
    wanted += [("cleared_adult", 1)] if p.need_cleared_adult else []
    return [Requirement(name, n, who_counts(name)) for name, n in wanted if n > 0]


# Who leads a post: not a model constraint (a post the model cannot lead stays short, an
# ``unfilled_min`` cost), but a plan that sends people to a post without the leader (or the
# cleared adult) it asks for is not published: the checker's ``supervision_violations``.
SUPERVISION = ("leader", "cleared_adult")


def unsupervised(p: Post, people: Sequence[Volunteer]) -> list[str]:
    """Rule "nobody sent without a lead": the requirements of ``SUPERVISION`` that the people
    at post p (when there are any) do not meet."""
    if not people:
        return []
    return [
        r.name
        for r in coverage_requirements(p)
        if r.name in SUPERVISION and r.of_people(people, p) < r.count
    ]
