"""What volunteers have taken on, as dated entries: the one reading of plans and sign-ups.

Sources (the contract with the planning blueprint):
- assignments of a programme's published plan (status confirmed, or withdrawn: shown cancelled);
  a weekly tutoring assignment (need + weekday) covers every confirmed or cancelled occurrence of
  the need's event on that weekday within the programme's dates, one entry per date;
- a volunteer's own sign-ups (source `signup`, no plan): a need on one date, or a post.
Waitlisted sign-ups and sign-ups withdrawn before they were ever confirmed are not commitments.

Schedules, hours, calendar feeds, reminders and the "already booked" rule all read these entries.
Entries are plain dataclasses built from plain column queries (feeds are read often).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, func, literal_column, or_, select, union_all
from sqlalchemy.orm import aliased

from webapp import clock
from webapp.extensions import db
from webapp.models import (
    Assignment,
    Event,
    Home,
    Need,
    Occurrence,
    Plan,
    Post,
    Programme,
    Room,
    SwapOffer,
)

UID_DOMAIN = "shouwang"
LIVE = ("confirmed", "withdrawn")


@dataclass(frozen=True)
class Commitment:
    uid: str
    volunteer_id: int
    assignment_id: int
    kind: str  # "session" (a need on one date) or "post" (a summer post, for its dates)
    cancelled: bool
    source: str
    title: str
    event_kind: str  # the event's kind, or "post"
    place: str  # home name, or the post's name and address
    room: str
    tz: str
    lat: float | None
    lon: float | None
    starts_at: datetime  # UTC; a post: local midnight of its first day
    ends_at: datetime  # UTC; a post: local midnight after its last day
    sequence: int
    changed_at: datetime
    home_id: int | None = None
    need_id: int | None = None
    occurrence_id: int | None = None
    post_id: int | None = None
    team_id: int | None = None
    skill_id: int | None = None
    plan_id: int | None = None
    programme_id: int | None = None
    confirmed_by_id: int | None = None
    travel_minutes: int | None = None
    # A row of a superseded plan, and when the plan that replaced it was published.
    superseded: bool = False
    successor_at: datetime | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz) if self.tz else clock.CHINA

    @property
    def first_day(self) -> date:
        return self.starts_at.astimezone(self.zone).date()

    @property
    def last_day(self) -> date:
        end = self.ends_at.astimezone(self.zone)
        return (end - timedelta(microseconds=1)).date() if self.kind == "post" else end.date()

    @property
    def all_day(self) -> bool:
        return self.kind == "post"

    @property
    def hours(self) -> float:
        if self.kind == "post":
            return POST_HOURS_PER_DAY * ((self.last_day - self.first_day).days + 1)
        return round((self.ends_at - self.starts_at).total_seconds() / 3600, 2)

    @property
    def key(self) -> str:
        """The entry's address in URLs of its owner: the UID without the volunteer."""
        return self.uid.split("@")[0].split("-", 1)[1]


# A post's day counts as a working day in the hours record (暑期驻点: 8 hours a day).
POST_HOURS_PER_DAY = 8


def session_uid(volunteer_id: int, occurrence_id: int, need_id: int) -> str:
    return f"v{volunteer_id}-o{occurrence_id}-n{need_id}@{UID_DOMAIN}"


def post_uid(volunteer_id: int, post_id: int) -> str:
    return f"v{volunteer_id}-p{post_id}@{UID_DOMAIN}"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _bounds(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """UTC instants around China dates [first, last] (a day's margin covers other zones)."""
    lo = datetime.combine(first - timedelta(days=1), time(0), UTC) if first else None
    hi = datetime.combine(last + timedelta(days=2), time(0), UTC) if last else None
    return lo, hi


def _published_or_signup():
    """Sign-ups, published plans, and superseded ones (read for history and cancellations)."""
    return or_(
        and_(Assignment.plan_id.is_(None), Assignment.source == "signup"),
        Plan.state.in_(("published", "superseded")),
    )


def _successor_published_at():
    """When the programme's current plan was published (for rows of a superseded plan)."""
    current = aliased(Plan)
    return (
        select(func.max(current.published_at))
        .where(current.programme_id == Plan.programme_id, current.state == "published")
        .correlate(Plan)
        .scalar_subquery()
    )


def _counts(a_status: str, confirmed_at, plan_id) -> bool:
    """Whether an assignment row in LIVE shows at all: a withdrawn sign-up only if it had been
    confirmed (leaving a waitlist is not a cancelled event)."""
    return a_status == "confirmed" or plan_id is not None or confirmed_at is not None


# The assignment's part of every row (sessions and posts alike), in this order.
_ASSIGNMENT_COLUMNS = (
    Assignment.id,
    Assignment.volunteer_id,
    Assignment.status,
    Assignment.source,
    Assignment.sequence,
    Assignment.updated_at,
    Assignment.confirmed_at,
    Assignment.confirmed_by_id,
    Assignment.plan_id,
    Assignment.programme_id,
    Assignment.team_id,
    Assignment.travel_minutes,
)
_SESSION_COLUMNS = (
    *_ASSIGNMENT_COLUMNS,
    Assignment.need_id,
    Need.skill_id,
    Occurrence.id,
    Occurrence.starts_at,
    Occurrence.ends_at,
    Occurrence.status,
    Occurrence.sequence,
    Occurrence.updated_at,
    Event.title,
    Event.kind,
    Event.updated_at,
    Room.name,
    Home.id,
    Home.name,
    Home.timezone,
    Home.lat,
    Home.lon,
)


def _session(row, plan_state: str | None = None, successor_at=None) -> Commitment:
    (a_id, v_id, a_status, source, a_seq, a_changed, _confirmed_at, confirmed_by, plan_id,
     programme_id, team_id, travel, need_id, skill_id, o_id, starts, ends, o_status, o_seq,
     o_changed, title, kind, e_changed, room, home_id, home_name, tz, lat, lon) = row  # fmt: skip
    return Commitment(
        uid=session_uid(v_id, o_id, need_id),
        volunteer_id=v_id,
        assignment_id=a_id,
        kind="session",
        cancelled=a_status != "confirmed" or o_status != "confirmed",
        source=source,
        title=title,
        event_kind=kind,
        place=home_name,
        room=room,
        tz=tz,
        lat=lat,
        lon=lon,
        starts_at=_aware(starts),
        ends_at=_aware(ends),
        sequence=a_seq + o_seq,
        changed_at=max(_aware(a_changed), _aware(o_changed), _aware(e_changed)),
        home_id=home_id,
        need_id=need_id,
        occurrence_id=o_id,
        team_id=team_id,
        skill_id=skill_id,
        plan_id=plan_id,
        programme_id=programme_id,
        confirmed_by_id=confirmed_by,
        travel_minutes=travel,
        superseded=plan_state == "superseded",
        successor_at=_aware(successor_at) if successor_at else None,
    )


def _base_session_query():
    return (
        select(
            *_SESSION_COLUMNS,
            Plan.state,
            _successor_published_at(),
            Assignment.withdrawn_at,
            SwapOffer.id,
            Assignment.weekday,
            Programme.starts_on,
            Programme.ends_on,
        )
        .join(Need, Need.id == Assignment.need_id)
        .join(Event, Event.id == Need.event_id)
        .join(Home, Home.id == Event.home_id)
        .outerjoin(Plan, Plan.id == Assignment.plan_id)
        .outerjoin(Programme, Programme.id == Assignment.programme_id)
        .outerjoin(SwapOffer, SwapOffer.new_assignment_id == Assignment.id)
        .where(Assignment.status.in_(LIVE), _published_or_signup())
    )


def commitments(
    volunteer_ids: Iterable[int] | None = None,
    first: date | None = None,
    last: date | None = None,
    *,
    include_cancelled: bool = True,
    team_id: int | None = None,
) -> list[Commitment]:
    """Entries of the given volunteers (all when None) touching China dates [first, last]."""
    ids = None if volunteer_ids is None else list(volunteer_ids)
    if ids == []:
        return []
    lo, hi = _bounds(first, last)
    entries = _replanned(_sessions(ids, lo, hi, team_id) + _posts(ids, first, last, team_id))
    if not include_cancelled:
        entries = [e for e in entries if not e.cancelled]
    if first or last:
        entries = [
            e
            for e in entries
            if (first is None or e.last_day >= first) and (last is None or e.first_day <= last)
        ]
    entries.sort(key=lambda e: (e.starts_at, e.uid))
    return entries


def _replanned(entries: list[Commitment]) -> list[Commitment]:
    """Fold superseded plans in. What a re-plan kept has the same UID in the current plan, which
    wins. What it took away stays: dates before the new plan's publication as served (history,
    hours), later dates as cancelled (calendars then remove them, SEQUENCE one higher)."""
    live = {e.uid for e in entries if not e.superseded}
    latest: dict[str, Commitment] = {}
    for entry in entries:
        if entry.superseded and entry.uid not in live:
            kept = latest.get(entry.uid)
            if kept is None or (entry.plan_id or 0) > (kept.plan_id or 0):
                latest[entry.uid] = entry
    out = [e for e in entries if not e.superseded]
    for entry in latest.values():
        replaced_at = entry.successor_at
        if replaced_at is not None and entry.starts_at < replaced_at:
            out.append(entry)
        else:
            out.append(
                replace(
                    entry,
                    cancelled=True,
                    sequence=entry.sequence + 1,
                    changed_at=max(entry.changed_at, replaced_at or entry.changed_at),
                )
            )
    return out


@lru_cache(maxsize=32)
def _session_statement(has_ids: bool, has_team: bool, has_lo: bool, has_hi: bool):
    """The session query, built once per shape; values come as bound parameters. Dated and weekly
    assignments in one statement (UNION ALL, its last column tells them apart): one round trip."""
    base = _base_session_query()
    if has_ids:
        base = base.where(Assignment.volunteer_id.in_(bindparam("ids", expanding=True)))
    if has_team:
        base = base.where(Assignment.team_id == bindparam("team_id"))
    # A need on one date (sign-ups, or a plan's dated assignment).
    dated = base.join(Occurrence, Occurrence.id == Assignment.occurrence_id).join(
        Room, Room.id == Occurrence.room_id
    )
    # A tutoring need on a weekday: every occurrence of its event (expanded below).
    weekly = (
        base.join(Occurrence, Occurrence.event_id == Event.id)
        .join(Room, Room.id == Occurrence.room_id)
        .where(
            Assignment.weekday.is_not(None),
            Assignment.occurrence_id.is_(None),
            Occurrence.status.in_(("confirmed", "cancelled")),
        )
    )
    if has_lo:
        dated = dated.where(Occurrence.ends_at > bindparam("lo"))
        weekly = weekly.where(Occurrence.ends_at > bindparam("lo"))
    if has_hi:
        dated = dated.where(Occurrence.starts_at < bindparam("hi"))
        weekly = weekly.where(Occurrence.starts_at < bindparam("hi"))
    return union_all(
        dated.add_columns(literal_column("0").label("weekly")),
        weekly.add_columns(literal_column("1").label("weekly")),
    )


def _params(ids, team_id, **bounds) -> dict:
    params = {k: v for k, v in bounds.items() if v is not None}
    if ids is not None:
        params["ids"] = ids
    if team_id is not None:
        params["team_id"] = team_id
    return params


def _sessions(ids, lo, hi, team_id) -> list[Commitment]:
    statement = _session_statement(
        ids is not None, team_id is not None, lo is not None, hi is not None
    )
    params = _params(ids, team_id, lo=lo, hi=hi)
    # Core execution: plain rows, no ORM loading (feeds read this often).
    out = []
    width = len(_SESSION_COLUMNS)
    for row in db.session.connection().execute(statement, params):
        if not row[-1]:  # dated
            if _counts(row[2], row[6], row[8]):
                out.append(_session(row[:width], *row[width : width + 2]))
            continue
        *core, plan_state, successor_at, withdrawn_at, swapped_in, weekday, p_start, p_end, _ = row
        # Every occurrence of the event comes: the assignment's weekday is checked before an
        # entry is made (most rows of an event held on several weekdays are not its dates).
        starts, tz = _aware(core[15]), core[26]
        local = starts.astimezone(ZoneInfo(tz) if tz else clock.CHINA)
        if local.weekday() != weekday:
            continue
        if p_start is not None and not (p_start <= local.date() <= p_end):
            continue
        # A weekly assignment left (or taken over in a swap) part-way through the term: the
        # dates before stay with whoever served them.
        confirmed_at = core[6]
        if swapped_in and confirmed_at and starts < _aware(confirmed_at):
            continue
        entry = _session(core, plan_state, successor_at)
        if withdrawn_at and entry.starts_at < _aware(withdrawn_at) and core[17] == "confirmed":
            entry = replace(entry, cancelled=False)
        out.append(entry)
    return out


@lru_cache(maxsize=32)
def _post_statement(has_ids: bool, has_team: bool, has_first: bool, has_last: bool):
    query = (
        select(
            *_ASSIGNMENT_COLUMNS,
            Post.id,
            Post.name,
            Post.address,
            Post.starts_on,
            Post.ends_on,
            Post.cancelled_at,
            Post.sequence,
            Post.updated_at,
            Post.lat,
            Post.lon,
            Home.id,
            Home.name,
            Home.timezone,
            Plan.state,
            _successor_published_at(),
        )
        .join(Post, Post.id == Assignment.post_id)
        .outerjoin(Home, Home.id == Post.home_id)
        .outerjoin(Plan, Plan.id == Assignment.plan_id)
        .where(Assignment.status.in_(LIVE), _published_or_signup())
    )
    if has_ids:
        query = query.where(Assignment.volunteer_id.in_(bindparam("ids", expanding=True)))
    if has_team:
        query = query.where(Assignment.team_id == bindparam("team_id"))
    if has_first:
        query = query.where(Post.ends_on >= bindparam("first"))
    if has_last:
        query = query.where(Post.starts_on <= bindparam("last"))
    return query


def _posts(ids, first, last, team_id) -> list[Commitment]:
    query = _post_statement(
        ids is not None, team_id is not None, first is not None, last is not None
    )
    out = []
    for row in db.session.connection().execute(
        query, _params(ids, team_id, first=first, last=last)
    ):
        (a_id, v_id, a_status, source, a_seq, a_changed, confirmed_at, confirmed_by, plan_id,
         programme_id, team, travel, post_id, name, address, p_start, p_end, cancelled_at, p_seq,
         p_changed, lat, lon, home_id, home_name, tz, plan_state, successor_at) = row  # fmt: skip
        if not _counts(a_status, confirmed_at, plan_id):
            continue
        zone = ZoneInfo(tz) if tz else clock.CHINA
        out.append(
            Commitment(
                uid=post_uid(v_id, post_id),
                volunteer_id=v_id,
                assignment_id=a_id,
                kind="post",
                cancelled=a_status != "confirmed" or cancelled_at is not None,
                source=source,
                title=name,
                event_kind="post",
                place=home_name or address or name,
                room="",
                tz=tz or "Asia/Shanghai",
                lat=lat,
                lon=lon,
                starts_at=datetime.combine(p_start, time(0), zone).astimezone(UTC),
                ends_at=datetime.combine(p_end + timedelta(days=1), time(0), zone).astimezone(UTC),
                sequence=a_seq + p_seq,
                changed_at=max(_aware(a_changed), _aware(p_changed)),
                home_id=home_id,
                post_id=post_id,
                team_id=team,
                plan_id=plan_id,
                programme_id=programme_id,
                confirmed_by_id=confirmed_by,
                travel_minutes=travel,
                superseded=plan_state == "superseded",
                successor_at=_aware(successor_at) if successor_at else None,
            )
        )
    return out
