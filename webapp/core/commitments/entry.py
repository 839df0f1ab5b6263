"""A commitment: one dated entry of what a volunteer has taken on (a session date or a post)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from webapp import clock

UID_DOMAIN = "shouwang"


@dataclass(frozen=True)
class Commitment:
    uid: str
    volunteer_id: int
    assignment_id: int
    # "session" (a need on one date), "post" (a summer post, for its dates) or "visit" (a day
    # of home visits: no assignment, assignment_id 0; its partner in partner_id)
    kind: str
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
    # A weekly assignment's date its volunteer skips (or handed over in a swap): cancelled for
    # them; the session itself goes on.
    skipped: bool = False
    # A home-visit day: the other person of the pair.
    partner_id: int | None = None

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


def aware(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime (SQLite hands back naive ones)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
