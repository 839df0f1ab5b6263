"""What each feed holds, as FeedEvents, and who may see or rotate which feed link.

- a volunteer's feed: every commitment (confirmed; withdrawn or cancelled ones stay, cancelled);
- a home's feed: its public events: confirmed or cancelled dates of every event but the family
  video calls, with title, kind and room only (no notes, no call slots, no children);
- a team's feed: the posts the team is placed at, one event per post.
No feed carries children's names or labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from webapp import clock
from webapp.blueprints.feeds.ical import FeedEvent
from webapp.core.commitments import UID_DOMAIN, Commitment, commitments
from webapp.extensions import db
from webapp.labels import event_kind_label
from webapp.models import CalendarToken, Event, Home, Occurrence, Room, Team, User, Volunteer
from webapp.models.accounts import ADMIN, COORDINATOR

HISTORY_DAYS = 180
HOME_AHEAD_DAYS = 400
# Not public: a family video call is between a child and the parents.
PRIVATE_EVENT_KINDS = ("video_call",)


def _since():
    return clock.today() - timedelta(days=HISTORY_DAYS)


def from_commitment(entry: Commitment, labels: dict[str, str] | None = None) -> FeedEvent:
    labels = {} if labels is None else labels
    if entry.event_kind not in labels:
        labels[entry.event_kind] = (
            _("Summer post") if entry.kind == "post" else event_kind_label(entry.event_kind)
        )
    kind = labels[entry.event_kind]
    location = entry.place + (f" · {entry.room}" if entry.room else "")
    return FeedEvent(
        uid=entry.uid,
        summary=entry.title,
        location=location,
        description=kind,
        starts_at=entry.starts_at,
        ends_at=entry.ends_at,
        tz=entry.tz,
        all_day=entry.all_day,
        sequence=entry.sequence,
        changed_at=entry.changed_at,
        cancelled=entry.cancelled,
    )


def volunteer_feed(volunteer_id: int, name: str) -> tuple[str, list[FeedEvent]]:
    entries = commitments([volunteer_id], _since())
    labels: dict[str, str] = {}
    return _("%(name)s · Shouwang", name=name), [from_commitment(e, labels) for e in entries]


def home_feed(home_id: int, name: str, tz: str) -> tuple[str, list[FeedEvent]]:
    today = clock.today()
    start = datetime.combine(today - timedelta(days=HISTORY_DAYS), datetime.min.time(), UTC)
    end = datetime.combine(today + timedelta(days=HOME_AHEAD_DAYS), datetime.min.time(), UTC)
    rows = db.session.execute(
        select(
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
        )
        .join(Event, Event.id == Occurrence.event_id)
        .join(Room, Room.id == Occurrence.room_id)
        .where(
            Event.home_id == home_id,
            Event.kind.not_in(PRIVATE_EVENT_KINDS),
            Occurrence.status.in_(("confirmed", "cancelled")),
            Occurrence.starts_at >= start,
            Occurrence.starts_at < end,
        )
        .order_by(Occurrence.starts_at, Occurrence.id)
    )
    events = []
    for o_id, starts, ends, status, seq, o_changed, title, kind, e_changed, room in rows:
        events.append(
            FeedEvent(
                uid=f"home{home_id}-o{o_id}@{UID_DOMAIN}",
                summary=title,
                location=f"{name} · {room}",
                description=event_kind_label(kind),
                starts_at=_aware(starts),
                ends_at=_aware(ends),
                tz=tz,
                all_day=False,
                sequence=seq,
                changed_at=max(_aware(o_changed), _aware(e_changed)),
                cancelled=status != "confirmed",
            )
        )
    return _("%(home)s · Shouwang", home=name), events


def team_feed(team_id: int, name: str) -> tuple[str, list[FeedEvent]]:
    """One event per post the team is placed at (its members' entries folded together)."""
    by_post: dict[int, list[Commitment]] = {}
    for entry in commitments(None, _since(), team_id=team_id):
        if entry.post_id is not None:
            by_post.setdefault(entry.post_id, []).append(entry)
    events = []
    for post_id, entries in sorted(by_post.items()):
        first = entries[0]
        live = [e for e in entries if not e.cancelled]
        events.append(
            FeedEvent(
                uid=f"team{team_id}-p{post_id}@{UID_DOMAIN}",
                summary=f"{name} · {first.title}",
                location=first.place,
                description=_("%(count)s team members placed", count=len(live)),
                starts_at=first.starts_at,
                ends_at=first.ends_at,
                tz=first.tz,
                all_day=True,
                sequence=max(e.sequence for e in entries),
                changed_at=max(e.changed_at for e in entries),
                cancelled=not live,
            )
        )
    events.sort(key=lambda e: (e.starts_at, e.uid))
    return _("%(team)s · Shouwang", team=name), events


@dataclass(frozen=True)
class FeedOwner:
    """What a feed needs of its token row and owner (read in one statement)."""

    kind: str  # "volunteer", "home" or "team"
    owner_id: int
    name: str
    created_at: datetime  # the token's: Last-Modified of a feed without events
    locale: str  # the owner's language for volunteers; Chinese for homes and teams
    tz: str = ""  # a home's time zone


_OWNER_BY_HASH = (
    select(
        CalendarToken.owner_kind,
        CalendarToken.volunteer_id,
        CalendarToken.home_id,
        CalendarToken.team_id,
        CalendarToken.created_at,
        Volunteer.name,
        User.locale,
        Home.name,
        Home.timezone,
        Team.name,
    )
    .outerjoin(Volunteer, Volunteer.id == CalendarToken.volunteer_id)
    .outerjoin(User, User.id == Volunteer.user_id)
    .outerjoin(Home, Home.id == CalendarToken.home_id)
    .outerjoin(Team, Team.id == CalendarToken.team_id)
    .where(CalendarToken.token_hash == bindparam("hash"), CalendarToken.revoked_at.is_(None))
)


def feed_owner(token_hash: str) -> FeedOwner | None:
    """The owner of the active token with this hash, or None (unknown or revoked)."""
    row = db.session.execute(_OWNER_BY_HASH, {"hash": token_hash}).first()
    if row is None:
        return None
    kind, volunteer_id, home_id, team_id, created_at, v_name, locale, h_name, tz, t_name = row
    if kind == "volunteer":
        return FeedOwner(kind, volunteer_id, v_name, created_at, locale or "zh_CN")
    if kind == "home":
        return FeedOwner(kind, home_id, h_name, created_at, "zh_CN", tz)
    return FeedOwner(kind, team_id, t_name, created_at, "zh_CN")


def feed_for(owner: FeedOwner) -> tuple[str, list[FeedEvent]]:
    with force_locale(owner.locale):
        if owner.kind == "volunteer":
            return volunteer_feed(owner.owner_id, owner.name)
        if owner.kind == "home":
            return home_feed(owner.owner_id, owner.name, owner.tz)
        return team_feed(owner.owner_id, owner.name)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- who manages which link ----------------------------------------------------------------


def may_manage_team_feed(user: User, team: Team) -> bool:
    if user.has_role(ADMIN, COORDINATOR):
        return True
    return any(m.volunteer.user_id == user.id for m in team.memberships)
