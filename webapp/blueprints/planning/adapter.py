"""The one module that knows both the database and the scheduling engine.

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
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.blueprints.homes import availability as av
from webapp.blueprints.planning import ids
from webapp.extensions import db
from webapp.models import (
    Assignment,
    Event,
    ForbiddenPair,
    Need,
    Occurrence,
    Plan,
    Post,
    PostSkill,
    Programme,
    Skill,
    Team,
    Volunteer,
    team_preferred_posts,
    volunteer_companions,
    volunteer_preferred_posts,
)
from webapp.scheduling import Assignment as EngineAssignment
from webapp.scheduling import (
    DateRange,
    Forbidden,
    Location,
    Pin,
    PostsProblem,
    SolveParams,
    TimeWindow,
    TutoringProblem,
    ValidationError,
    solve,
    validate_posts,
    validate_tutoring,
)
from webapp.scheduling import Need as EngineNeed
from webapp.scheduling import Plan as EnginePlan
from webapp.scheduling import Post as EnginePost
from webapp.scheduling import Progress as EngineProgress
from webapp.scheduling import Slot as EngineSlot
from webapp.scheduling import Team as EngineTeam
from webapp.scheduling import Volunteer as EngineVolunteer
from webapp.scheduling.checks import Violation, posts_violations, tutoring_violations
from webapp.scheduling.replan import replan
from webapp.scheduling.travel import travel_minutes

TRANSPORT = {"walk": "walk", "bicycle": "bike", "ebike": "ebike", "bus": "bus", "car": "car"}

__all__ = [
    "Built",
    "NothingToPlan",
    "Progress",
    "Target",
    "Violation",
    "build",
    "check",
    "engine_assignment",
    "planned",
    "solve_built",
    "store",
    "summary",
]

Progress = EngineProgress


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
    programme_id: int
    kind: str
    problem: TutoringProblem | PostsProblem
    targets: dict[str, Target]
    base_plan_id: int | None = None
    published: tuple[EngineAssignment, ...] = ()
    withdrawn: tuple[tuple[int, str], ...] = ()  # (volunteer db id, target id) of the base plan
    pinned: dict[tuple[int, str], str] = field(default_factory=dict)  # (v, target) -> source
    notes: list[tuple[str, dict]] = field(default_factory=list)

    @property
    def volunteers(self) -> dict[str, EngineVolunteer]:
        return {v.id: v for v in self.problem.volunteers}


# --------------------------------------------------------------------------- rows -> problem


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
    """
    withdrawn_rows, kept_rows = _base_rows(base)
    withdrawn = tuple((a.volunteer_id, _target_of(a)) for a in withdrawn_rows)
    if programme.kind == "tutoring":
        built = _build_tutoring(programme, withdrawn)
    else:
        built = _build_posts(programme, withdrawn)
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
    return [a for a in rows if a.status == "withdrawn"], [
        a for a in rows if a.status != "withdrawn"
    ]


def _target_of(row: Assignment) -> str:
    if row.post_id is not None:
        return ids.post_id(row.post_id)
    return ids.slot_id(row.need_id, row.weekday if row.weekday is not None else 0)


def engine_assignment(row: Assignment) -> EngineAssignment:
    """A stored assignment as the engine writes it (tutoring: with the slot's one skill)."""
    target = _target_of(row)
    team = ids.team_id(row.team_id) if row.team_id is not None and row.post_id else None
    skill = None
    if row.need_id is not None:
        skill = _skill_key(row.need.skill) if row.need is not None else ids.ANY_SKILL
    return EngineAssignment(ids.volunteer_id(row.volunteer_id), target, skill, team)


def planned(built: Built, volunteer: int, target: str, team: int | None = None) -> EngineAssignment:
    """The engine's assignment of a volunteer (with their team, at a post) to a target."""
    spec = built.targets.get(target)
    skill = spec.skill if spec is not None and spec.kind == "slot" else None
    on_post = spec is not None and spec.kind == "post"
    return EngineAssignment(
        ids.volunteer_id(volunteer), target, skill, ids.team_id(team) if team and on_post else None
    )


def _skill_key(skill: Skill | None) -> str:
    return skill.code if skill is not None else ids.ANY_SKILL


def _location(lat: float | None, lon: float | None, name: str = "") -> Location | None:
    return Location(lat, lon, name) if lat is not None and lon is not None else None


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


# --------------------------------------------------------------------------- tutoring


def _build_tutoring(programme: Programme, withdrawn: tuple[tuple[int, str], ...]) -> Built:
    targets, slots = _tutoring_targets(programme)
    rows = _load_volunteers([v.id for v in programme.volunteers])
    last = _last_targets(programme, targets)
    volunteers, notes = [], []
    for row in rows:
        vid = ids.volunteer_id(row.id)
        windows = tuple(
            TimeWindow(w.weekday, w.start_minute, w.end_minute) for w in row.weekly_availability
        )
        if not windows:
            notes.append(("no_weekly_availability", {"volunteer": vid}))
        volunteers.append(
            _engine_volunteer(
                row,
                skills=frozenset(s.code for s in row.skills) | {ids.ANY_SKILL},
                availability=windows,
                unavailable_targets=_absent_slots(row, targets.values()),
                last_targets=last.get(row.id, frozenset()),
            )
        )
    forbidden = _forbidden(programme, targets, withdrawn)
    problem = TutoringProblem(tuple(volunteers), tuple(slots), forbidden=forbidden)
    return Built(programme.id, "tutoring", problem, targets, notes=notes)


def _tutoring_targets(programme: Programme) -> tuple[dict[str, Target], list[EngineSlot]]:
    homes = {h.id: h for h in programme.homes}
    if not homes:
        return {}, []
    pairs = db.session.execute(
        select(Need, Event)
        .join(Event, Event.id == Need.event_id)
        .where(Event.home_id.in_(homes), Need.open_for_signup.is_(False), Need.max_headcount > 0)
        .options(selectinload(Need.skill))
        .order_by(Event.id, Need.id)
    ).all()
    events = {e.id: e for _, e in pairs}
    if not events:
        return {}, []
    # Occurrences by local date: take a day's margin in UTC, then keep the programme's dates.
    lo = datetime.combine(programme.starts_on - timedelta(days=1), datetime.min.time(), UTC)
    hi = datetime.combine(programme.ends_on + timedelta(days=2), datetime.min.time(), UTC)
    occurrences = db.session.execute(
        select(Occurrence.event_id, Occurrence.starts_at, Occurrence.ends_at).where(
            Occurrence.event_id.in_(events),
            Occurrence.status == "confirmed",
            Occurrence.starts_at >= lo,
            Occurrence.starts_at < hi,
        )
    ).all()
    # (event, weekday) -> dates, earliest start and latest end in local minutes
    spans: dict[tuple[int, int], list] = {}
    for event_id, starts_at, ends_at in occurrences:
        home = homes[events[event_id].home_id]
        start, end = av.to_local(home, starts_at), av.to_local(home, ends_at)
        day = start.date()
        if not programme.starts_on <= day <= programme.ends_on:
            continue
        first_minute = start.hour * 60 + start.minute
        last_minute = first_minute + int((ends_at - starts_at).total_seconds() // 60)
        last_minute = min(last_minute, 24 * 60) if end.date() != day else end.hour * 60 + end.minute
        key = (event_id, day.weekday())
        span = spans.setdefault(key, [[], first_minute, last_minute])
        span[0].append(day)
        span[1], span[2] = min(span[1], first_minute), max(span[2], last_minute)
    targets: dict[str, Target] = {}
    slots: list[EngineSlot] = []
    for need, event in pairs:
        home = homes[event.home_id]
        location = _location(home.lat, home.lon, home.name)
        for weekday in range(7):
            span = spans.get((event.id, weekday))
            if span is None:
                continue
            dates = tuple(sorted(span[0]))
            sid = ids.slot_id(need.id, weekday)
            preferred = need.preferred_headcount
            engine_need = EngineNeed(
                _skill_key(need.skill),
                need.min_headcount,
                need.max_headcount,
                preferred,
                need.vetting_required,
            )
            slot = EngineSlot(
                sid,
                ids.home_id(home.id),
                weekday,
                span[1],
                span[2],
                (engine_need,),
                location,
                event.title,
                dates[-1],
            )
            slots.append(slot)
            targets[sid] = Target(
                sid,
                "slot",
                home.id,
                dates[0],
                dates[-1],
                need.min_headcount,
                need.max_headcount,
                engine_need.preferred_count,
                need_id=need.id,
                weekday=weekday,
                dates=dates,
                location=location,
                continuity_key=(home.id, weekday, event.start_minute, need.skill_id),
                skill=engine_need.skill,
            )
    return targets, slots


def _presence(row: Volunteer) -> Callable[[date], bool] | None:
    """Whether the volunteer is there on a day, from the date ranges (None: no ranges)."""
    available = [(r.starts_on, r.ends_on) for r in row.date_ranges if r.kind == "available"]
    away = [(r.starts_on, r.ends_on) for r in row.date_ranges if r.kind == "away"]
    if not available and not away:
        return None

    def present(day: date) -> bool:
        if available and not any(a <= day <= b for a, b in available):
            return False
        return not any(a <= day <= b for a, b in away)

    return present


def _absent_slots(row: Volunteer, targets: Iterable[Target]) -> frozenset[str]:
    """Slots on whose dates the volunteer is mostly absent (more than half of them)."""
    present = _presence(row)
    if present is None:
        return frozenset()
    verdict: dict[tuple[date, ...], bool] = {}
    out = set()
    for t in targets:
        if t.dates not in verdict:
            absent = sum(not present(d) for d in t.dates)
            verdict[t.dates] = absent * 2 > len(t.dates)
        if verdict[t.dates]:
            out.add(t.id)
    return frozenset(out)


# --------------------------------------------------------------------------- summer posts


def _build_posts(programme: Programme, withdrawn: tuple[tuple[int, str], ...]) -> Built:
    posts = [
        p
        for p in db.session.scalars(
            select(Post)
            .where(
                Post.programme_id == programme.id,
                Post.cancelled_at.is_(None),
                Post.open_for_signup.is_(False),
            )
            .options(
                selectinload(Post.skill_counts).selectinload(PostSkill.skill),
                selectinload(Post.home),
                selectinload(Post.place),
            )
            .order_by(Post.starts_on, Post.id)
        )
    ]
    targets: dict[str, Target] = {}
    engine_posts = []
    for p in posts:
        pid = ids.post_id(p.id)
        location = _post_location(p)
        engine_post = EnginePost(
            pid,
            DateRange(p.starts_on, p.ends_on),
            p.min_headcount,
            p.max_headcount,
            p.beds,
            location,
            p.preferred_headcount,
            tuple((sc.skill.code, sc.count) for sc in p.skill_counts),
            p.need_leader,
            p.need_cleared_adult,
            p.vetting_required,
            p.max_travel_minutes,
            p.name,
        )
        engine_posts.append(engine_post)
        targets[pid] = Target(
            pid,
            "post",
            p.home_id,
            p.starts_on,
            p.ends_on,
            p.min_headcount,
            min(p.max_headcount, p.beds),
            engine_post.preferred_count,
            post_id=p.id,
            location=location,
            continuity_key=_post_key(p),
        )
    # Withdrawn team members leave their team's placement (a team is placed whole).
    teams = list(
        db.session.scalars(
            select(Team)
            .where(Team.id.in_([t.id for t in programme.teams]))
            .options(selectinload(Team.memberships))
            .order_by(Team.id)
        )
    )
    withdrawn_people = {v for v, _ in withdrawn}
    left_team = {
        m.volunteer_id for t in teams for m in t.memberships if m.volunteer_id in withdrawn_people
    }
    team_members: dict[int, list[int]] = {}
    in_team: dict[int, Team] = {}
    for team in teams:
        members = [
            m.volunteer_id
            for m in sorted(team.memberships, key=lambda m: m.volunteer_id)
            if m.volunteer_id not in left_team and m.volunteer_id not in in_team
        ]
        if members:
            team_members[team.id] = members
            for m in members:
                in_team[m] = team
    singles = [v.id for v in programme.volunteers if v.id not in in_team and v.id not in left_team]
    rows = _load_volunteers(list(in_team) + singles)
    participants = {r.id for r in rows}
    post_ids = {p.id for p in posts}
    prefs = _pairs(volunteer_preferred_posts, "volunteer_id", "post_id", participants)
    companions = _pairs(volunteer_companions, "volunteer_id", "companion_id", participants)
    last = _last_targets(programme, targets)
    volunteers = []
    for row in rows:
        team = in_team.get(row.id)
        leader = (
            (team.leader_id == row.id or (team.leader_id is None and row.can_lead))
            if team is not None
            else row.can_lead
        )
        volunteers.append(
            _engine_volunteer(
                row,
                skills=frozenset(s.code for s in row.skills),
                available_dates=_available_dates(row, programme),
                is_leader=leader,
                preferred_posts=frozenset(
                    ids.post_id(p) for p in prefs.get(row.id, ()) if p in post_ids
                ),
                companions=frozenset(
                    ids.volunteer_id(c)
                    for c in companions.get(row.id, ())
                    if c in participants and c != row.id
                ),
                last_targets=last.get(row.id, frozenset()),
            )
        )
    team_prefs = _pairs(team_preferred_posts, "team_id", "post_id", set(team_members))
    engine_teams = tuple(
        EngineTeam(
            ids.team_id(team.id),
            tuple(ids.volunteer_id(m) for m in team_members[team.id]),
            team.name,
            team.college,
            frozenset(ids.post_id(p) for p in team_prefs.get(team.id, ()) if p in post_ids),
        )
        for team in teams
        if team.id in team_members
    )
    forbidden = _forbidden(programme, targets, withdrawn, left_team)
    problem = PostsProblem(
        tuple(volunteers), tuple(engine_posts), engine_teams, forbidden=forbidden
    )
    notes = [("left_team", {"volunteer": ids.volunteer_id(v)}) for v in sorted(left_team)]
    return Built(programme.id, "summer", problem, targets, notes=notes)


def _post_location(p: Post) -> Location | None:
    if p.lat is not None and p.lon is not None:
        return Location(p.lat, p.lon, p.name)
    if p.home is not None and p.home.lat is not None and p.home.lon is not None:
        return Location(p.home.lat, p.home.lon, p.home.name)
    if p.place is not None:
        return _location(p.place.lat, p.place.lon, p.place.name)
    return None


def _post_key(p: Post) -> tuple:
    if p.home_id is not None:
        return ("home", p.home_id)
    if p.place_id is not None:
        return ("place", p.place_id)
    return ("name", p.name)


def _available_dates(row: Volunteer, programme: Programme) -> tuple[DateRange, ...] | None:
    """Available ranges (or the whole programme) minus the away ranges; None: no ranges."""
    available = [(r.starts_on, r.ends_on) for r in row.date_ranges if r.kind == "available"]
    away = [(r.starts_on, r.ends_on) for r in row.date_ranges if r.kind == "away"]
    if not available and not away:
        return None
    spans = available or [(programme.starts_on, programme.ends_on)]
    for a_start, a_end in away:
        cut = []
        for start, end in spans:
            if a_end < start or end < a_start:
                cut.append((start, end))
                continue
            if start < a_start:
                cut.append((start, a_start - timedelta(days=1)))
            if a_end < end:
                cut.append((a_end + timedelta(days=1), end))
        spans = cut
    return tuple(DateRange(s, e) for s, e in sorted(spans))


# --------------------------------------------------------------------------- shared pieces


def _load_volunteers(volunteer_ids: Sequence[int]) -> list[Volunteer]:
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


def _engine_volunteer(row: Volunteer, **fields) -> EngineVolunteer:
    fields.setdefault("is_leader", row.can_lead)
    return EngineVolunteer(
        ids.volunteer_id(row.id),
        name=row.name,
        cleared=row.vetting_status == "cleared",
        cleared_until=row.expires_on,
        home=_location(row.lat, row.lon, row.place_name),
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


def _pairs(table, left: str, right: str, keys: set[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    if not keys:
        return out
    rows = db.session.execute(
        select(table.c[left], table.c[right]).where(table.c[left].in_(keys))
    ).all()
    for a, b in rows:
        out[a].append(b)
    return out


def _forbidden(
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


def _last_targets(programme: Programme, targets: dict[str, Target]) -> dict[int, frozenset[str]]:
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
            key = _post_key(row.post)
        else:
            continue
        out[row.volunteer_id].update(by_key.get(key, ()))
    return {v: frozenset(t) for v, t in out.items()}


# --------------------------------------------------------------------------- solving


def solve_built(
    built: Built,
    parameters: dict,
    on_progress: Callable[[EngineProgress], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> EnginePlan:
    """Solve (or, with a base plan, re-plan with as few changes as possible)."""
    params = SolveParams(
        time_limit=float(parameters.get("time_limit", 30)),
        deterministic_time=parameters.get("deterministic_time"),
        seed=int(parameters.get("seed", 7)),
        workers=int(parameters.get("workers", 2)),
    )
    if built.base_plan_id is not None:
        return replan(built.problem, built.published, params, on_progress, stop)
    return solve(built.problem, params, on_progress, stop)


# --------------------------------------------------------------------------- plan -> rows


def store(built: Built, result: EnginePlan, programme: Programme) -> Plan:
    """The engine's plan as a proposed Plan with its assignments (flushed, not committed)."""
    plan = Plan(
        programme_id=programme.id,
        base_plan_id=built.base_plan_id,
        state="proposed",
        engine_status=result.status,
        objective=result.objective,
        bound=result.best_bound,
        gap=result.gap,
        terms=[{"name": t.name, "value": t.value, "weight": t.weight} for t in result.terms],
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
            {"kind": e.kind, "key": e.key, "params": _plain(e.params), "target": e.target_id}
            for e in result.explanations
        ],
        diff=_diff(built, result),
    )
    db.session.add(plan)
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


def _plain(value):
    """JSON-safe: tuples become lists, dates ISO strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
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


def summary(built: Built, assignments: Sequence[EngineAssignment]) -> dict[str, int]:
    """Seats: ``needed`` (sum of minimum headcounts), ``filled`` (of those), ``unfilled``."""
    have: dict[str, int] = defaultdict(int)
    for a in assignments:
        have[a.target_id] += 1
    needed = sum(t.minimum for t in built.targets.values())
    filled = sum(min(t.minimum, have[t.id]) for t in built.targets.values())
    return {"needed": needed, "filled": filled, "unfilled": needed - filled}


# --------------------------------------------------------------------------- checking


def check(built: Built, assignments: Sequence[EngineAssignment]) -> list[Violation]:
    """Hard-rule violations of a plan against the data as it is now (the engine's checker)."""
    if isinstance(built.problem, TutoringProblem):
        return tutoring_violations(built.problem, assignments)
    return posts_violations(built.problem, assignments)
