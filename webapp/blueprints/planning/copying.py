"""Copy a programme to a new term: its homes, its weekly sessions with their volunteer needs
(booked on the new dates), its participants; for a summer, its teams and posts moved by as
much as the programme (a year on, by default).

``preview`` reads only: what the copy would book, and which dates it would leave out (a closure,
closed hours, a clash) with the reason, so that the coordinator reviews it first. ``copy``
writes it all in the request's one transaction: a booking that fails refuses the whole copy
(the request rolls back), so nothing is half-written. A session none of whose new dates can be
booked is left out and listed, as the preview said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from webapp import audit
from webapp.blueprints.homes.booking import BookingRequest, NeedSpec
from webapp.blueprints.planning import programmes, sessions
from webapp.blueprints.planning.errors import PlanningError
from webapp.clock import today
from webapp.extensions import db
from webapp.models import Event, Post, PostSkill, Programme, User


@dataclass
class SessionCopy:
    """One weekly session of the old term, on the new dates."""

    event: Event
    request: BookingRequest
    dates: list[date]
    skipped: list[tuple[date, str]]


@dataclass
class PostCopy:
    post: Post
    starts_on: date
    ends_on: date


@dataclass
class CopyPreview:
    source: Programme
    name: str
    starts_on: date
    ends_on: date
    sessions: list[SessionCopy] = field(default_factory=list)
    posts: list[PostCopy] = field(default_factory=list)

    @property
    def left_out(self) -> list[SessionCopy]:
        """Sessions none of whose new dates can be booked: not copied."""
        return [s for s in self.sessions if not s.dates]


def a_year_on(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def default_copy(source: Programme) -> tuple[str, date, date]:
    """A name and dates to start from: the next term right after this one, as long; a summer a
    year on."""
    if source.kind in ("summer", "home_visits"):
        first, last = a_year_on(source.starts_on), a_year_on(source.ends_on)
    else:
        first = source.ends_on + timedelta(days=1)
        first += timedelta(days=(source.starts_on.weekday() - first.weekday()) % 7)
        last = first + (source.ends_on - source.starts_on)
    return _("%(name)s (copy)", name=source.name), first, last


def _check(name: str, starts_on: date | None, ends_on: date | None) -> None:
    if not name:
        raise PlanningError(_("Give the programme a name."), field="name")
    if starts_on is None or ends_on is None:
        raise PlanningError(_("Give the first and the last day."), field="starts_on")
    if ends_on < starts_on:
        raise PlanningError(_("The last day is before the first."), field="ends_on")
    if (ends_on - starts_on).days > programmes.MAX_DAYS:
        raise PlanningError(
            _("A programme lasts at most %(days)s days.", days=programmes.MAX_DAYS),
            field="ends_on",
        )
    if ends_on <= today():
        raise PlanningError(_("The new term must end after today."), field="ends_on")
    taken = db.session.scalar(
        select(Programme.id).where(func.lower(Programme.name) == name.lower())
    )
    if taken is not None:
        raise PlanningError(_("Another programme already has this name."), field="name")


def preview(
    source: Programme, name: str, starts_on: date | None, ends_on: date | None
) -> CopyPreview:
    """What a copy with this name and these dates would book and leave out (reads only)."""
    name = (name or "").strip()
    _check(name, starts_on, ends_on)
    assert starts_on is not None and ends_on is not None
    out = CopyPreview(source, name, starts_on, ends_on)
    if source.kind == "summer":
        shift = starts_on - source.starts_on
        out.posts = [
            PostCopy(p, p.starts_on + shift, p.ends_on + shift)
            for p in sorted(source.posts, key=lambda p: (p.starts_on, p.name))
            if p.cancelled_at is None
        ]
        return out
    if source.plans_children:
        # A rota or a campaign books nothing ahead: its homes, people and settings are copied,
        # and the new rota starts from the last published one's slots.
        return out
    first = max(starts_on, today() + timedelta(days=1))
    seen: dict[int, list[int]] = {}
    for line in programmes.tutoring_needs(source):
        seen.setdefault(line.event.id, line.weekdays)
    events = {e.id: e for e in db.session.scalars(select(Event).where(Event.id.in_(seen)))}
    for event_id, weekdays in seen.items():
        event = events[event_id]
        if not event.room.bookable:
            continue
        req = sessions.series_request(
            event.room,
            event.title,
            tuple(weekdays),
            event.start_minute,
            event.end_minute,
            first,
            ends_on,
            [
                NeedSpec(n.skill_id, n.min_headcount, n.max_headcount, n.vetting_required)
                for n in event.needs
            ],
            capacity=event.capacity,
            age_group=event.age_group,
        )
        dates, skipped = sessions.dates_of(req) if first <= ends_on else ([], [])
        out.sessions.append(SessionCopy(event, req, dates, skipped))
    out.sessions.sort(key=lambda s: (s.event.home.name, s.event.start_minute, s.event.id))
    return out


def copy(
    source: Programme, name: str, starts_on: date | None, ends_on: date | None, user: User
) -> tuple[Programme, CopyPreview]:
    """Make the new programme (a draft) with everything the preview showed (flushed)."""
    plan = preview(source, name, starts_on, ends_on)
    programme = programmes.save_programme(
        None,
        kind=source.kind,
        name=plan.name,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        notes=source.notes,
        home_ids=[h.id for h in source.homes],
        user=user,
        settings=dict(source.settings or {}),
    )
    programme.volunteers = list(source.volunteers)
    if source.kind == "summer":
        programme.teams = list(source.teams)
    for c in plan.posts:
        p = c.post
        programme.posts.append(
            Post(
                name=p.name,
                home_id=p.home_id,
                place_id=p.place_id,
                address=p.address,
                lat=p.lat,
                lon=p.lon,
                starts_on=c.starts_on,
                ends_on=c.ends_on,
                beds=p.beds,
                min_headcount=p.min_headcount,
                preferred_headcount=p.preferred_headcount,
                max_headcount=p.max_headcount,
                need_leader=p.need_leader,
                need_cleared_adult=p.need_cleared_adult,
                vetting_required=p.vetting_required,
                max_travel_minutes=p.max_travel_minutes,
                open_for_signup=p.open_for_signup,
                notes=p.notes,
                skill_counts=[
                    PostSkill(skill_id=s.skill_id, count=s.count) for s in p.skill_counts
                ],
            )
        )
    for s in plan.sessions:
        if s.dates:
            sessions.book_series(s.request, user)
    db.session.flush()
    audit.record(
        "programme.copied",
        "programme",
        programme.id,
        before={"programme": source.id},
        after={"volunteers": len(programme.volunteers), "teams": len(programme.teams)},
        actor_id=user.id,
    )
    return programme, plan
