"""Bad input never reaches CP-SAT: ``validate_tutoring`` and ``validate_posts`` raise
``ValidationError`` naming the offending item and field."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .problem import TRANSPORT_MODES, PostsProblem, TutoringProblem, Volunteer


class ValidationError(ValueError):
    """Bad input for the scheduler. ``item`` names the object, ``field`` the attribute."""

    def __init__(self, item: str, field_name: str, message: str) -> None:
        self.item = item
        self.field = field_name
        self.message = message
        super().__init__(f"{item}: {field_name}: {message}")


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
