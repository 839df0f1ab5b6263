"""The list of open opportunities: needs on their dates, and posts, that coordinators opened for
sign-up; with places left, the volunteer's own status, and why they cannot take the others."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import get_locale
from sqlalchemy import and_, bindparam, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from webapp import clock
from webapp.blueprints.opportunities.eligibility import minutes_between, reasons_against
from webapp.blueprints.opportunities.signups import (
    post_capacity,
    post_target,
    session_target,
)
from webapp.core.commitments import commitments
from webapp.extensions import db
from webapp.inputs import parse_date, parse_id
from webapp.labels import join_list
from webapp.models import (
    Assignment,
    Event,
    Home,
    Need,
    Occurrence,
    Post,
    PostSkill,
    Skill,
    Volunteer,
    volunteer_skills,
)
from webapp.models.base import utcnow

DEFAULT_WEEKS = 8
MAX_ITEMS = 300


@dataclass(frozen=True)
class Mine:
    """The volunteer's own live sign-up for an opportunity."""

    id: int
    status: str  # "confirmed" or "waitlisted"

    @property
    def is_waitlisted(self) -> bool:
        return self.status == "waitlisted"


@dataclass
class Opportunity:
    kind: str  # "session" or "post"
    title: str
    event_kind: str
    place: str
    room: str
    tz: str
    starts_at: datetime
    ends_at: datetime
    skill_label: str
    capacity: int
    taken: int
    waiting: int
    vetting_required: bool
    need: Need | None = None
    occurrence: Occurrence | None = None
    post: Post | None = None
    mine: Mine | None = None
    position: int = 0
    travel_minutes: int | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.taken)

    @property
    def key(self) -> str:
        if self.post is not None:
            return f"p{self.post.id}"
        return f"n{self.need.id}-o{self.occurrence.id}"

    @property
    def last_day(self) -> date:
        return (self.ends_at.astimezone(ZoneInfo(self.tz)) - timedelta(seconds=1)).date()


@dataclass(frozen=True)
class Filters:
    home_id: int | None = None
    skill_id: int | None = None
    first: date | None = None
    last: date | None = None

    @classmethod
    def from_args(cls, args: Any) -> Filters:
        """Unknown or malformed values are ignored (a shared URL never fails)."""

        def number(name: str) -> int | None:
            return parse_id(args.get(name))

        def day(name: str) -> date | None:
            try:
                return parse_date((args.get(name) or "").strip())
            except ValueError:  # not a date, or off the calendar we keep (webapp.inputs)
                return None

        return cls(number("home"), number("skill"), day("from"), day("to"))

    def window(self) -> tuple[date, date]:
        first = max(self.first or clock.today(), clock.today())
        last = self.last or first + timedelta(weeks=DEFAULT_WEEKS)
        # At most a year at a time: a list to read on a phone, and a bounded query.
        return first, min(max(first, last), first + timedelta(days=366))

    def query_args(self) -> dict[str, str]:
        args = {
            "home": str(self.home_id or ""),
            "skill": str(self.skill_id or ""),
            "from": self.first.isoformat() if self.first else "",
            "to": self.last.isoformat() if self.last else "",
        }
        return {k: v for k, v in args.items() if v}


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(0), clock.CHINA).astimezone(UTC)


# The list's two statements, built once (building them cost more than running them); the
# filters, when given, add their conditions to a copy.
_SESSION_ROWS = (
    select(Need, Occurrence)
    .join(Occurrence, Occurrence.event_id == Need.event_id)
    .join(Event, Event.id == Need.event_id)
    .where(
        Need.open_for_signup.is_(True),
        Occurrence.status == "confirmed",
        Occurrence.starts_at > bindparam("now"),
        Occurrence.starts_at >= bindparam("start"),
        Occurrence.starts_at < bindparam("end"),
    )
    .options(
        # Many-to-one: joined into the one query (the list is read on every visit).
        joinedload(Need.skill),
        joinedload(Need.event).joinedload(Event.home),
        joinedload(Occurrence.room),
    )
    .order_by(Occurrence.starts_at, Need.id)
    .limit(MAX_ITEMS)
)
_POST_ROWS = (
    select(Post)
    .where(
        Post.open_for_signup.is_(True),
        Post.cancelled_at.is_(None),
        Post.starts_on > bindparam("today"),
        Post.ends_on >= bindparam("first"),
        Post.starts_on <= bindparam("last"),
    )
    .options(joinedload(Post.home), selectinload(Post.skill_counts))
    .order_by(Post.starts_on, Post.id)
    .limit(MAX_ITEMS)
)


def _session_rows(filters: Filters, first: date, last: date) -> list[tuple[Need, Occurrence]]:
    query = _SESSION_ROWS
    if filters.home_id:
        query = query.where(Event.home_id == filters.home_id)
    if filters.skill_id:
        query = query.where(Need.skill_id == filters.skill_id)
    params = {"now": utcnow(), "start": _utc(first), "end": _utc(last + timedelta(days=1))}
    return [(need, occurrence) for need, occurrence in db.session.execute(query, params)]


def _post_rows(filters: Filters, first: date, last: date) -> list[Post]:
    query = _POST_ROWS
    if filters.home_id:
        query = query.where(Post.home_id == filters.home_id)
    if filters.skill_id:
        query = query.where(
            Post.id.in_(select(PostSkill.post_id).where(PostSkill.skill_id == filters.skill_id))
        )
    params = {"today": clock.today(), "first": first, "last": last}
    return list(db.session.scalars(query, params))


# Live sign-ups of listed opportunities, built once: an empty list of ids matches nothing, and
# with no volunteer (None) no row is the volunteer's own.
_SIGNUPS = (
    select(
        Assignment.need_id,
        Assignment.occurrence_id,
        Assignment.post_id,
        Assignment.status,
        func.count(),
        func.max(case((Assignment.volunteer_id == bindparam("volunteer_id"), Assignment.id))),
    )
    .where(
        Assignment.source == "signup",
        Assignment.plan_id.is_(None),
        Assignment.status.in_(("confirmed", "waitlisted")),
        or_(
            and_(
                Assignment.need_id.in_(bindparam("need_ids", expanding=True)),
                Assignment.occurrence_id.in_(bindparam("occurrence_ids", expanding=True)),
            ),
            Assignment.post_id.in_(bindparam("post_ids", expanding=True)),
        ),
    )
    .group_by(Assignment.need_id, Assignment.occurrence_id, Assignment.post_id, Assignment.status)
)


def _signups(
    volunteer: Volunteer | None, pairs, post_ids
) -> tuple[dict[tuple, dict[str, int]], dict[tuple, Mine]]:
    """Live sign-ups of the listed opportunities, in one statement: ({key: {"confirmed": n,
    "waitlisted": m}}, {key: the volunteer's own}); key ("n", need, occ) or ("p", post)."""
    counts: dict[tuple, dict[str, int]] = {}
    mine: dict[tuple, Mine] = {}
    if not pairs and not post_ids:
        return counts, mine
    rows = db.session.execute(
        _SIGNUPS,
        {
            "volunteer_id": volunteer.id if volunteer is not None else None,
            "need_ids": sorted({n for n, _o in pairs}),
            "occurrence_ids": sorted({o for _n, o in pairs}),
            "post_ids": list(post_ids),
        },
    )
    for need_id, occurrence_id, post_id, status, n, own in rows:
        key = ("p", post_id) if post_id else ("n", need_id, occurrence_id)
        counts.setdefault(key, {})[status] = n
        if own is not None:
            mine[key] = Mine(own, status)
    return counts, mine


def _waitlist_positions(mine: dict[tuple, Mine]) -> dict[int, int]:
    """{assignment id: its place on its waitlist} for the volunteer's waitlisted sign-ups (first
    come first served, as signups.waitlist), in one statement."""
    waiting = {key: own for key, own in mine.items() if own.is_waitlisted}
    if not waiting:
        return {}
    post_ids = {key[1] for key in waiting if key[0] == "p"}
    need_keys = [key for key in waiting if key[0] == "n"]
    targets = []
    if post_ids:
        targets.append(Assignment.post_id.in_(post_ids))
    if need_keys:
        targets.append(
            and_(
                Assignment.need_id.in_({key[1] for key in need_keys}),
                Assignment.occurrence_id.in_({key[2] for key in need_keys}),
            )
        )
    rows = db.session.execute(
        select(Assignment.id, Assignment.need_id, Assignment.occurrence_id, Assignment.post_id)
        .where(
            Assignment.source == "signup",
            Assignment.plan_id.is_(None),
            Assignment.status == "waitlisted",
            or_(*targets),
        )
        .order_by(Assignment.id)
    )
    seen: dict[tuple, int] = {}
    positions = {}
    for a_id, need_id, occurrence_id, post_id in rows:
        key = ("p", post_id) if post_id else ("n", need_id, occurrence_id)
        seen[key] = seen.get(key, 0) + 1
        positions[a_id] = seen[key]
    return positions


def opportunities(
    volunteer: Volunteer | None, filters: Filters
) -> tuple[list[Opportunity], list[Opportunity]]:
    """(what the volunteer can take or already has, what they cannot take with the reasons)."""
    first, last = filters.window()
    locale = str(get_locale())
    sessions = _session_rows(filters, first, last)
    posts = _post_rows(filters, first, last)
    counts, mine = _signups(volunteer, [(n.id, o.id) for n, o in sessions], [p.id for p in posts])
    items: list[Opportunity] = []
    for need, occurrence in sessions:
        home = need.event.home
        key = ("n", need.id, occurrence.id)
        c = counts.get(key, {})
        items.append(
            Opportunity(
                kind="session",
                title=need.event.title,
                event_kind=need.event.kind,
                place=home.name,
                room=occurrence.room.name,
                tz=home.timezone,
                starts_at=occurrence.starts_at,
                ends_at=occurrence.ends_at,
                skill_label=need.skill.label(locale) if need.skill else "",
                capacity=need.max_headcount,
                taken=c.get("confirmed", 0),
                waiting=c.get("waitlisted", 0),
                vetting_required=need.vetting_required,
                need=need,
                occurrence=occurrence,
                mine=mine.get(key),
            )
        )
    for post in posts:
        key = ("p", post.id)
        c = counts.get(key, {})
        target = post_target(post)
        items.append(
            Opportunity(
                kind="post",
                title=post.name,
                event_kind="post",
                place=post.home.name if post.home else (post.address or post.name),
                room="",
                tz=target.tz,
                starts_at=target.intervals[0][0],
                ends_at=target.intervals[0][1],
                skill_label=join_list(
                    sc.skill.label(locale) for sc in post.skill_counts if sc.skill
                ),
                capacity=post_capacity(post),
                taken=c.get("confirmed", 0),
                waiting=c.get("waitlisted", 0),
                vetting_required=post.vetting_required,
                post=post,
                mine=mine.get(key),
            )
        )
    items.sort(key=lambda o: (o.starts_at, o.title))
    if volunteer is None:
        return items, []
    positions = _waitlist_positions(mine)
    # The volunteer's commitments are read only when something is left to check against them.
    mine_entries = (
        commitments(
            [volunteer.id],
            first - timedelta(days=7),
            last + timedelta(days=7),
            include_cancelled=False,
        )
        if any(item.mine is None for item in items)
        else []
    )
    can, cannot = [], []
    for item in items:
        target = post_target(item.post) if item.post else session_target(item.need, item.occurrence)
        item.travel_minutes = minutes_between(volunteer, target.lat, target.lon)
        if item.mine is not None:
            if item.mine.is_waitlisted:
                item.position = positions.get(item.mine.id, 0)
            can.append(item)
            continue
        item.reasons = reasons_against(volunteer, target, mine_entries)
        (cannot if item.reasons else can).append(item)
    return can, cannot


@dataclass(frozen=True)
class HomeChoice:
    id: int
    name: str


def filter_choices(volunteer: Volunteer | None = None) -> tuple[list[HomeChoice], list[Skill]]:
    """Homes and skills for the filters. The volunteer's own skills come in the same statement
    and fill `volunteer.skills` (the eligibility rules read them: no query of their own)."""
    homes = [HomeChoice(*row) for row in db.session.execute(_HOME_CHOICES)]
    if volunteer is None:
        return homes, list(db.session.scalars(select(Skill).order_by(Skill.code)))
    rows = db.session.execute(
        select(Skill, volunteer_skills.c.volunteer_id)
        .outerjoin(
            volunteer_skills,
            and_(
                volunteer_skills.c.skill_id == Skill.id,
                volunteer_skills.c.volunteer_id == volunteer.id,
            ),
        )
        .order_by(Skill.code)
    ).all()
    own = sorted((skill for skill, holder in rows if holder is not None), key=lambda s: s.id)
    set_committed_value(volunteer, "skills", own)
    return homes, [skill for skill, _holder in rows]


_HOME_CHOICES = select(Home.id, Home.name).order_by(Home.name)
