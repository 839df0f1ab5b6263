"""Pieces every part of the adapter uses: targets and the built problem, volunteers in engine
terms, forbidden pairs, continuity with the last programme, stored assignments in engine terms."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.blueprints.planning import ids
from webapp.extensions import db
from webapp.models import (
    Assignment,
    ForbiddenPair,
    Need,
    Plan,
    Post,
    Programme,
    Skill,
    Volunteer,
)
from webapp.scheduling import Assignment as EngineAssignment
from webapp.scheduling import (
    Forbidden,
    Location,
    PostsProblem,
    TutoringProblem,
)
from webapp.scheduling import Plan as EnginePlan
from webapp.scheduling import Volunteer as EngineVolunteer
from webapp.scheduling.travel import travel_minutes

TRANSPORT = {"walk": "walk", "bicycle": "bike", "ebike": "ebike", "bus": "bus", "car": "car"}


class NothingToPlan(Exception):
    """The programme has nothing the engine could plan. ``reason``: no_targets | no_volunteers
    | invalid (then ``item``, ``field`` and ``message`` name the bad input)."""

    def __init__(self, reason: str, item: str = "", field_name: str = "", message: str = ""):
        super().__init__(f"{reason}: {item} {field_name} {message}".strip())
        self.reason, self.item, self.field, self.message = reason, item, field_name, message


@dataclass(frozen=True)
class Target:
    """A slot (need x weekday) or a post, as the engine sees it, with the rows it came from."""

    id: str
    kind: str  # slot | post
    home_id: int | None
    first: date
    last: date
    minimum: int
    maximum: int
    preferred: int
    need_id: int | None = None
    weekday: int | None = None
    post_id: int | None = None
    dates: tuple[date, ...] = ()
    location: Location | None = None
    continuity_key: tuple = ()
    skill: str | None = None  # a slot's one engine skill


@dataclass
class Built:
    """The engine's side of one programme: its problem, its targets (planning terms) and, after
    ``solve_programme``, the engine's plan. Outside the adapter only ``targets``, ``notes`` and
    the methods below are read; the engine objects stay in here."""

    programme_id: int
    kind: str
    problem: TutoringProblem | PostsProblem
    targets: dict[str, Target]
    base_plan_id: int | None = None
    published: tuple[EngineAssignment, ...] = ()
    withdrawn: tuple[tuple[int, str], ...] = ()  # (volunteer db id, target id) of the base plan
    pinned: dict[tuple[int, str], str] = field(default_factory=dict)  # (v, target) -> source
    notes: list[tuple[str, dict]] = field(default_factory=list)
    result: EnginePlan | None = None

    @property
    def volunteers(self) -> dict[str, EngineVolunteer]:
        return {v.id: v for v in self.problem.volunteers}

    @property
    def volunteer_ids(self) -> list[int]:
        """The volunteers (database ids) the engine may place, in the problem's order."""
        return [ids.db_id(v.id, "volunteer") for v in self.problem.volunteers]

    def team_members(self, team: int) -> list[int] | None:
        """The members of a team taking part (database ids); None when it does not take part."""
        for t in getattr(self.problem, "teams", ()):
            if t.id == ids.team_id(team):
                return [ids.db_id(m, "volunteer") for m in t.member_ids]
        return None

    def in_a_team(self, volunteer: int) -> bool:
        """The volunteer comes with a team (and so is placed with it, never alone)."""
        vid = ids.volunteer_id(volunteer)
        return any(vid in t.member_ids for t in getattr(self.problem, "teams", ()))


def engine_assignment(row: Assignment) -> EngineAssignment:
    """A stored assignment as the engine writes it (tutoring: with the slot's one skill)."""
    target = ids.target_of(row)
    team = ids.team_id(row.team_id) if row.team_id is not None and row.post_id else None
    skill = None
    if row.need_id is not None:
        skill = skill_key(row.need.skill) if row.need is not None else ids.ANY_SKILL
    return EngineAssignment(ids.volunteer_id(row.volunteer_id), target, skill, team)


def planned(built: Built, volunteer: int, target: str, team: int | None = None) -> EngineAssignment:
    """The engine's assignment of a volunteer (with their team, at a post) to a target."""
    spec = built.targets.get(target)
    skill = spec.skill if spec is not None and spec.kind == "slot" else None
    on_post = spec is not None and spec.kind == "post"
    return EngineAssignment(
        ids.volunteer_id(volunteer), target, skill, ids.team_id(team) if team and on_post else None
    )


def skill_key(skill: Skill | None) -> str:
    return skill.code if skill is not None else ids.ANY_SKILL


def place_of(lat: float | None, lon: float | None, name: str = "") -> Location | None:
    return Location(lat, lon, name) if lat is not None and lon is not None else None


def minutes_between_places(
    transport_mode: str,
    start: tuple[float | None, float | None],
    end: tuple[float | None, float | None],
) -> int | None:
    """One-way travel minutes by the engine's own estimate (None when a place has no
    coordinates), so that the self-service pages judge distances exactly as the solver does."""
    here, there = place_of(*start), place_of(*end)
    if here is None or there is None:
        return None
    return travel_minutes(here, there, TRANSPORT.get(transport_mode, transport_mode))


def load_volunteers(volunteer_ids: Sequence[int]) -> list[Volunteer]:
    if not volunteer_ids:
        return []
    return list(
        db.session.scalars(
            select(Volunteer)
            .where(Volunteer.id.in_(set(volunteer_ids)))
            .options(
                selectinload(Volunteer.skills),
                selectinload(Volunteer.weekly_availability),
                selectinload(Volunteer.date_ranges),
                selectinload(Volunteer.preferred_homes),
                selectinload(Volunteer.preferred_skills),
            )
            .order_by(Volunteer.id)
        )
    )


def engine_volunteer(row: Volunteer, **fields) -> EngineVolunteer:
    fields.setdefault("is_leader", row.can_lead)
    return EngineVolunteer(
        ids.volunteer_id(row.id),
        name=row.name,
        cleared=row.vetting_status == "cleared",
        cleared_until=row.expires_on,
        home=place_of(row.lat, row.lon, row.place_name),
        transport=TRANSPORT.get(row.transport_mode, "bus"),
        max_travel_minutes=row.max_travel_minutes,
        max_sessions_per_week=row.max_sessions_per_week,
        max_minutes_per_week=row.max_minutes_per_week,
        preferred_homes=frozenset(ids.home_id(h.id) for h in row.preferred_homes),
        preferred_skills=frozenset(s.code for s in row.preferred_skills),
        is_adult=row.is_adult,
        max_posts=row.max_posts,
        cohort=row.cohort,
        **fields,
    )


def linked(table, left: str, right: str, keys: set[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    if not keys:
        return out
    rows = db.session.execute(
        select(table.c[left], table.c[right]).where(table.c[left].in_(keys))
    ).all()
    for a, b in rows:
        out[a].append(b)
    return out


def forbidden_pairs(
    programme: Programme,
    targets: dict[str, Target],
    withdrawn: tuple[tuple[int, str], ...],
    left_team: set[int] | None = None,
) -> tuple[Forbidden, ...]:
    out: set[Forbidden] = set()
    by_need: dict[int, list[str]] = defaultdict(list)
    for t in targets.values():
        if t.need_id is not None:
            by_need[t.need_id].append(t.id)
    for pair in db.session.scalars(
        select(ForbiddenPair).where(ForbiddenPair.programme_id == programme.id)
    ):
        owner = (
            ids.volunteer_id(pair.volunteer_id)
            if pair.volunteer_id is not None
            else ids.team_id(pair.team_id)
        )
        if pair.post_id is not None:
            wanted = [ids.post_id(pair.post_id)]
        elif pair.weekday is not None:
            wanted = [ids.slot_id(pair.need_id, pair.weekday)]
        else:
            wanted = by_need.get(pair.need_id, [])
        out.update(Forbidden(owner, t) for t in wanted if t in targets)
    # A single volunteer who withdrew stays off that target; a team member left the team.
    for volunteer, target in withdrawn:
        if target in targets and volunteer not in (left_team or ()):
            out.add(Forbidden(ids.volunteer_id(volunteer), target))
    return tuple(sorted(out, key=lambda f: (f.volunteer_id, f.target_id)))


def post_key(p: Post) -> tuple:
    if p.home_id is not None:
        return ("home", p.home_id)
    if p.place_id is not None:
        return ("place", p.place_id)
    return ("name", p.name)


def last_targets(programme: Programme, targets: dict[str, Target]) -> dict[int, frozenset[str]]:
    """Continuity: where each volunteer was in the last programme of the same kind (the latest
    that ended before this one began, with a published plan), mapped onto this programme's
    targets (a slot at the same home, weekday, time and skill; a post at the same place)."""
    previous = db.session.scalar(
        select(Plan)
        .join(Programme, Programme.id == Plan.programme_id)
        .where(
            Programme.kind == programme.kind,
            Programme.id != programme.id,
            Programme.ends_on < programme.starts_on,
            Plan.state == "published",
        )
        .order_by(Programme.ends_on.desc(), Plan.id.desc())
        .limit(1)
    )
    if previous is None:
        return {}
    by_key: dict[tuple, list[str]] = defaultdict(list)
    for t in targets.values():
        by_key[t.continuity_key].append(t.id)
    out: dict[int, set[str]] = defaultdict(set)
    rows = db.session.scalars(
        select(Assignment)
        .where(Assignment.plan_id == previous.id, Assignment.status == "confirmed")
        .options(
            selectinload(Assignment.need).selectinload(Need.event),
            selectinload(Assignment.post),
        )
    )
    for row in rows:
        if row.need is not None and row.weekday is not None:
            key = (
                row.need.event.home_id,
                row.weekday,
                row.need.event.start_minute,
                row.need.skill_id,
            )
        elif row.post is not None:
            key = post_key(row.post)
        else:
            continue
        out[row.volunteer_id].update(by_key.get(key, ()))
    return {v: frozenset(t) for v, t in out.items()}
