"""Summer posts as the engine sees it: posts, whole teams and single volunteers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.blueprints.planning import ids
from webapp.blueprints.planning.adapter.shared import (
    Built,
    Target,
    engine_volunteer,
    forbidden_pairs,
    last_targets,
    linked,
    load_volunteers,
    place_of,
    post_key,
)
from webapp.extensions import db
from webapp.models import (
    Post,
    PostSkill,
    Programme,
    Team,
    Volunteer,
    team_preferred_posts,
    volunteer_companions,
    volunteer_preferred_posts,
)
from webapp.scheduling import (
    DateRange,
    Location,
    PostsProblem,
)
from webapp.scheduling import Post as EnginePost
from webapp.scheduling import Team as EngineTeam


def build_posts(programme: Programme, withdrawn: tuple[tuple[int, str], ...]) -> Built:
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
            continuity_key=post_key(p),
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
    rows = load_volunteers(list(in_team) + singles)
    participants = {r.id for r in rows}
    post_ids = {p.id for p in posts}
    prefs = linked(volunteer_preferred_posts, "volunteer_id", "post_id", participants)
    companions = linked(volunteer_companions, "volunteer_id", "companion_id", participants)
    last = last_targets(programme, targets)
    volunteers = []
    for row in rows:
        team = in_team.get(row.id)
        leader = (
            (team.leader_id == row.id or (team.leader_id is None and row.can_lead))
            if team is not None
            else row.can_lead
        )
        volunteers.append(
            engine_volunteer(
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
    team_prefs = linked(team_preferred_posts, "team_id", "post_id", set(team_members))
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
    forbidden = forbidden_pairs(programme, targets, withdrawn, left_team)
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
        return place_of(p.place.lat, p.place.lon, p.place.name)
    return None


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
