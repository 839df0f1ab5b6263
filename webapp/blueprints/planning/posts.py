"""Summer posts of a programme (add, change, cancel) and the switch that leaves a post or a
tutoring need to volunteers' own sign-ups (the solver then leaves it out).

Services flush and never commit. A broken rule raises PlanningError (422 with the form field, or
409 when it clashes with a published plan).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from webapp import audit
from webapp.blueprints.planning.errors import PlanningError
from webapp.extensions import db
from webapp.models import Assignment, Home, Need, Plan, Post, PostSkill, Programme, Skill


@dataclass
class PostInput:
    name: str
    starts_on: date | None
    ends_on: date | None
    beds: int | None
    min_headcount: int | None
    preferred_headcount: int | None
    max_headcount: int | None
    home_id: int | None = None
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    need_leader: bool = True
    need_cleared_adult: bool = True
    vetting_required: bool = True
    max_travel_minutes: int | None = None
    notes: str = ""
    skill_counts: dict[int, int] = field(default_factory=dict)


def save_post(programme: Programme, post: Post | None, data: PostInput) -> Post:
    """Add or change a summer post; every rule gives a 422 on its field, nothing half-saved."""
    if programme.kind != "summer":
        raise PlanningError(_("Only summer programmes have posts."), 409)
    name = (data.name or "").strip()
    if not name:
        raise PlanningError(_("Give the post a name."), field="name")
    if data.starts_on is None or data.ends_on is None:
        raise PlanningError(_("Give the post's first and last day."), field="starts_on")
    if data.ends_on < data.starts_on:
        raise PlanningError(_("The last day is before the first."), field="ends_on")
    if data.starts_on < programme.starts_on or data.ends_on > programme.ends_on:
        raise PlanningError(
            _(
                "A post lies within the programme's dates (%(first)s to %(last)s).",
                first=programme.starts_on.isoformat(),
                last=programme.ends_on.isoformat(),
            ),
            field="starts_on",
        )
    lo, hi, beds = data.min_headcount, data.max_headcount, data.beds
    if lo is None or hi is None or beds is None or lo < 0 or beds < 0:
        raise PlanningError(_("Give headcounts and beds as whole numbers."), field="min_headcount")
    if hi < max(lo, 1):
        raise PlanningError(
            _("The most people must be at least the fewest (and at least one)."),
            field="max_headcount",
        )
    preferred = data.preferred_headcount
    if preferred is not None and not lo <= preferred <= hi:
        raise PlanningError(
            _("The preferred headcount lies between the fewest and the most."),
            field="preferred_headcount",
        )
    home = db.session.get(Home, data.home_id) if data.home_id else None
    if data.home_id and home is None:
        raise PlanningError(_("Unknown children's home."), field="home_id")
    if (data.lat is None) != (data.lon is None):
        raise PlanningError(_("Give both latitude and longitude, or neither."), field="lat")
    if home is None and data.lat is None:
        raise PlanningError(
            _("Say where the post is: a children's home, or a latitude and longitude."),
            field="home_id",
        )
    skills = {s.id for s in db.session.scalars(select(Skill))}
    counts = {sid: n for sid, n in data.skill_counts.items() if n}
    if any(sid not in skills or n < 0 for sid, n in counts.items()):
        raise PlanningError(_("Unknown skill or a negative count."), field="skills")
    creating = post is None
    if creating:
        post = Post(programme=programme)
        db.session.add(post)
    else:
        post.sequence += 1  # people placed here see the change in their calendars
    post.name, post.home_id, post.address = name, data.home_id or None, data.address or ""
    post.lat, post.lon = data.lat, data.lon
    post.starts_on, post.ends_on = data.starts_on, data.ends_on
    post.beds, post.min_headcount, post.max_headcount = beds, lo, hi
    post.preferred_headcount = preferred
    post.need_leader, post.need_cleared_adult = data.need_leader, data.need_cleared_adult
    post.vetting_required, post.max_travel_minutes = data.vetting_required, data.max_travel_minutes
    post.notes = data.notes or ""
    post.skill_counts = [PostSkill(skill_id=sid, count=n) for sid, n in sorted(counts.items())]
    db.session.flush()
    audit.record(
        "post.created" if creating else "post.changed",
        "post",
        post.id,
        after={
            "name": name,
            "starts_on": data.starts_on.isoformat(),
            "ends_on": data.ends_on.isoformat(),
        },
    )
    return post


def cancel_post(post: Post) -> Post:
    """A removed post stays, cancelled, so that calendars show it as cancelled."""
    if post.cancelled_at is not None:
        raise PlanningError(_("This post is already cancelled."), 409)
    post.cancelled_at = datetime.now(UTC)
    post.sequence += 1
    db.session.flush()
    audit.record("post.cancelled", "post", post.id, after={"name": post.name})
    return post


def _published_fills(**target) -> bool:
    return (
        db.session.scalar(
            select(Assignment.id)
            .join(Plan, Plan.id == Assignment.plan_id)
            .where(Plan.state == "published", Assignment.status == "confirmed")
            .filter_by(**target)
            .limit(1)
        )
        is not None
    )


def set_post_signup(post: Post, open_: bool) -> Post:
    """Leave a post to volunteers' own sign-ups (the solver then skips it), or take it back."""
    if open_ and _published_fills(post_id=post.id):
        raise PlanningError(
            _(
                "A published plan already places people at %(post)s. Re-plan without it first.",
                post=post.name,
            ),
            409,
        )
    post.open_for_signup = open_
    post.sequence += 1
    db.session.flush()
    audit.record("post.signup", "post", post.id, after={"open_for_signup": open_})
    return post


def set_need_signup(need: Need, open_: bool) -> Need:
    """Leave a need's dates to volunteers' own sign-ups (the solver then skips it), or take it
    back. The one rule, for the programme page and the home's booking page alike."""
    if open_ and _published_fills(need_id=need.id):
        raise PlanningError(
            _(
                "A published plan already fills “%(title)s”. Re-plan without it first.",
                title=need.event.title,
            ),
            409,
        )
    need.open_for_signup = open_
    db.session.flush()
    audit.record("need.signup", "need", need.id, after={"open_for_signup": open_})
    return need
