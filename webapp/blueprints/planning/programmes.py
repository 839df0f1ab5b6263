"""Programmes and what they plan: homes (tutoring), posts (summer), who takes part, and the
switch that leaves a need or post to volunteers' own sign-ups.

Services flush and never commit. A broken rule raises PlanningError (422 with the form field,
or 409 when it clashes with a published plan).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp import audit
from webapp.blueprints.planning import children_plans
from webapp.blueprints.planning.errors import PlanningError, nothing_to_plan_message
from webapp.core.lookup import found_or_404, get_or_404
from webapp.extensions import db
from webapp.models import (
    Event,
    Home,
    Need,
    Occurrence,
    Plan,
    Post,
    Programme,
    Team,
    User,
    Volunteer,
    programme_teams,
    programme_volunteers,
)
from webapp.models.programmes import PROGRAMME_KINDS
from webapp.models.volunteers import VOLUNTEER_KINDS

MAX_DAYS = 400


def programme_or_404(programme_id: int) -> Programme:
    return get_or_404(Programme, programme_id)


def need_or_404(programme: Programme, need_id: int) -> Need:
    """A volunteer need of an event at one of the programme's homes."""
    homes = {h.id for h in programme.homes}
    return get_or_404(Need, need_id, belongs=lambda need: need.event.home_id in homes)


def post_or_404(programme: Programme, post_id: int) -> Post:
    return get_or_404(Post, post_id, belongs=lambda post: post.programme_id == programme.id)


@dataclass
class ProgrammeRow:
    programme: Programme
    volunteers: int
    teams: int
    posts: int


def all_programmes() -> list[ProgrammeRow]:
    """Newest first, with participant and post counts (four queries, whatever the number)."""
    programmes = list(
        db.session.scalars(select(Programme).order_by(Programme.starts_on.desc(), Programme.id))
    )

    def counts(column, table) -> dict[int, int]:
        rows = db.session.execute(select(column, func.count()).select_from(table).group_by(column))
        return dict(rows.all())

    vols = counts(programme_volunteers.c.programme_id, programme_volunteers)
    teams = counts(programme_teams.c.programme_id, programme_teams)
    posts = dict(
        db.session.execute(
            select(Post.programme_id, func.count())
            .where(Post.cancelled_at.is_(None))
            .group_by(Post.programme_id)
        ).all()
    )
    return [
        ProgrammeRow(p, vols.get(p.id, 0), teams.get(p.id, 0), posts.get(p.id, 0))
        for p in programmes
    ]


# --------------------------------------------------------------------------- the programme


def save_programme(
    programme: Programme | None,
    *,
    kind: str,
    name: str,
    starts_on: date | None,
    ends_on: date | None,
    notes: str,
    home_ids: list[int],
    user: User,
    settings: dict | None = None,
) -> Programme:
    name = (name or "").strip()
    if kind not in PROGRAMME_KINDS:
        raise PlanningError(_("Choose a kind of programme."), field="kind")
    if not name:
        raise PlanningError(_("Give the programme a name."), field="name")
    if starts_on is None or ends_on is None:
        raise PlanningError(_("Give the first and the last day."), field="starts_on")
    if ends_on < starts_on:
        raise PlanningError(_("The last day is before the first."), field="ends_on")
    if (ends_on - starts_on).days > MAX_DAYS:
        raise PlanningError(
            _("A programme lasts at most %(days)s days.", days=MAX_DAYS), field="ends_on"
        )
    clash = db.session.scalar(
        select(Programme.id).where(
            func.lower(Programme.name) == name.lower(),
            Programme.id != (programme.id if programme else -1),
        )
    )
    if clash is not None:
        raise PlanningError(_("Another programme already has this name."), field="name")
    if programme is not None and programme.kind != kind and _has_plans(programme):
        raise PlanningError(_("The kind cannot change once the programme has plans."), field="kind")
    homes = list(db.session.scalars(select(Home).where(Home.id.in_(home_ids)))) if home_ids else []
    if kind != "summer" and not homes:
        raise PlanningError(_("Choose at least one children's home."), field="homes")
    before = _summary(programme) if programme is not None else None
    if programme is None:
        programme = Programme(created_by_id=user.id, state="draft")
        db.session.add(programme)
    programme.kind, programme.name = kind, name
    programme.starts_on, programme.ends_on, programme.notes = starts_on, ends_on, notes or ""
    programme.homes = homes if kind != "summer" else []
    programme.settings = {**(programme.settings or {}), **(settings or {})}
    db.session.flush()
    audit.record(
        "programme.saved" if before else "programme.created",
        "programme",
        programme.id,
        before=before,
        after=_summary(programme),
    )
    return programme


def _summary(programme: Programme) -> dict:
    return {
        "kind": programme.kind,
        "name": programme.name,
        "starts_on": programme.starts_on.isoformat(),
        "ends_on": programme.ends_on.isoformat(),
        "homes": [h.id for h in programme.homes],
    }


def _has_plans(programme: Programme) -> bool:
    return (
        db.session.scalar(select(Plan.id).where(Plan.programme_id == programme.id).limit(1))
        is not None
    )


def published_plan(programme_id: int) -> Plan | None:
    return db.session.scalar(
        select(Plan).where(Plan.programme_id == programme_id, Plan.state == "published")
    )


def proposed_plan(programme_id: int) -> Plan | None:
    return db.session.scalar(
        select(Plan)
        .where(Plan.programme_id == programme_id, Plan.state == "proposed")
        .order_by(Plan.id.desc())
        .limit(1)
    )


def plan_history(programme_id: int) -> list[Plan]:
    return list(
        db.session.scalars(
            select(Plan).where(Plan.programme_id == programme_id).order_by(Plan.id.desc()).limit(20)
        )
    )


# --------------------------------------------------------------------------- participants


def participants(programme: Programme) -> list[Volunteer]:
    return list(
        db.session.scalars(
            select(Volunteer)
            .join(programme_volunteers, programme_volunteers.c.volunteer_id == Volunteer.id)
            .where(programme_volunteers.c.programme_id == programme.id)
            .order_by(Volunteer.name, Volunteer.id)
        )
    )


def add_volunteers(programme: Programme, volunteer_ids: list[int]) -> int:
    have = {v.id for v in programme.volunteers}
    new = [
        v
        for v in db.session.scalars(select(Volunteer).where(Volunteer.id.in_(volunteer_ids)))
        if v.id not in have
    ]
    programme.volunteers.extend(new)
    db.session.flush()
    if new:
        audit.record(
            "programme.volunteers_added",
            "programme",
            programme.id,
            after={"volunteers": [v.id for v in new]},
        )
    return len(new)


def add_volunteers_by_kind(programme: Programme, kind: str, cleared_only: bool) -> int:
    """Everyone of a kind (e.g. all surrogate parents), optionally only the cleared ones."""
    if kind not in VOLUNTEER_KINDS:
        raise PlanningError(_("Choose a kind of volunteer."), field="kind")
    people = db.session.scalars(select(Volunteer).where(Volunteer.kind == kind))
    wanted = [v.id for v in people if not cleared_only or v.is_cleared(programme.starts_on)]
    return add_volunteers(programme, wanted)


def remove_volunteer(programme: Programme, volunteer_id: int) -> None:
    volunteer = found_or_404(next((v for v in programme.volunteers if v.id == volunteer_id), None))
    programme.volunteers.remove(volunteer)
    db.session.flush()
    audit.record(
        "programme.volunteer_removed", "programme", programme.id, before={"volunteer": volunteer_id}
    )


def set_teams(programme: Programme, team_ids: list[int]) -> None:
    before = sorted(t.id for t in programme.teams)
    teams = list(db.session.scalars(select(Team).where(Team.id.in_(team_ids)))) if team_ids else []
    programme.teams = sorted(teams, key=lambda t: t.id)
    db.session.flush()
    audit.record(
        "programme.teams_set",
        "programme",
        programme.id,
        before={"teams": before},
        after={"teams": [t.id for t in programme.teams]},
    )


def all_teams() -> list[Team]:
    return list(
        db.session.scalars(select(Team).options(selectinload(Team.memberships)).order_by(Team.name))
    )


# --------------------------------------------------------------------------- what is planned


@dataclass
class NeedLine:
    need: Need
    event: Event
    home: Home
    dates: int
    weekdays: list[int]


def tutoring_needs(programme: Programme) -> list[NeedLine]:
    """The volunteer needs at the programme's homes with confirmed dates inside its dates."""
    home_ids = [h.id for h in programme.homes]
    if not home_ids:
        return []
    lo = datetime.combine(programme.starts_on - timedelta(days=1), datetime.min.time(), UTC)
    hi = datetime.combine(programme.ends_on + timedelta(days=2), datetime.min.time(), UTC)
    rows = db.session.execute(
        select(Event, Occurrence.starts_at)
        .join(Occurrence, Occurrence.event_id == Event.id)
        .where(
            Event.home_id.in_(home_ids),
            Occurrence.status == "confirmed",
            Occurrence.starts_at >= lo,
            Occurrence.starts_at < hi,
            Event.needs.any(),
        )
    ).all()
    from webapp.blueprints.homes.availability import to_local

    days: dict[int, list[date]] = {}
    events: dict[int, Event] = {}
    for event, starts_at in rows:
        day = to_local(event.home, starts_at).date()
        if programme.starts_on <= day <= programme.ends_on:
            days.setdefault(event.id, []).append(day)
            events[event.id] = event
    lines = []
    for event_id, event_days in days.items():
        event = events[event_id]
        for need in event.needs:
            lines.append(
                NeedLine(
                    need,
                    event,
                    event.home,
                    len(event_days),
                    sorted({d.weekday() for d in event_days}),
                )
            )
    return sorted(lines, key=lambda x: (x.home.name, x.event.start_minute, x.event.id, x.need.id))


def live_posts(programme: Programme) -> list[Post]:
    return [p for p in programme.posts if p.cancelled_at is None]


def can_solve(programme: Programme) -> str | None:
    """Why the programme cannot be solved yet (a message), or None. Cheap: counts only."""
    if programme.kind == "video_calls":
        return children_plans.cannot_plan_calls(programme)
    if programme.kind == "home_visits":
        return children_plans.cannot_plan_visits(programme)
    if programme.kind == "summer":
        has_targets = any(not p.open_for_signup for p in live_posts(programme))
        has_people = bool(programme.volunteers or programme.teams)
    else:
        has_targets = any(not line.need.open_for_signup for line in tutoring_needs(programme))
        has_people = bool(programme.volunteers)
    if not has_targets:
        return nothing_to_plan_message("no_targets")
    if not has_people:
        return nothing_to_plan_message("no_volunteers")
    return None


def without_weekly_times(programme: Programme) -> list[Volunteer]:
    """Tutoring participants who gave no weekly times: the solver cannot plan them."""
    if programme.kind != "tutoring":
        return []
    return list(
        db.session.scalars(
            select(Volunteer)
            .join(programme_volunteers, programme_volunteers.c.volunteer_id == Volunteer.id)
            .where(
                programme_volunteers.c.programme_id == programme.id,
                ~Volunteer.weekly_availability.any(),
            )
            .order_by(Volunteer.name)
        )
    )
