"""Who can take what: the hard rules for a volunteer on a target, as reasons in plain words.

A target is a need on one date, a post for its dates, or an assignment (with every date it covers,
for a swap). The rules: clearance valid on every date when vetting is required, the skill, weekly
availability and away dates, no other commitment at the same time (with travel between places),
the weekly session limit, and travel time within the volunteer's (and the post's) limit.
An empty list of reasons means: eligible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import gettext as _

from webapp import clock
from webapp.blueprints.planning.adapter import minutes_between_places
from webapp.core.commitments import Commitment, commitments
from webapp.labels import weekday_label
from webapp.models import Volunteer


@dataclass
class Target:
    kind: str  # "session" or "post"
    title: str
    tz: str
    lat: float | None
    lon: float | None
    intervals: list[tuple[datetime, datetime]]  # UTC; a post: its whole days
    vetting_required: bool = True
    skill_id: int | None = None
    skill_label: str = ""
    max_travel_minutes: int | None = None
    # Commitments to leave out of the clash check (the one being swapped, say).
    ignore_uids: set[str] = field(default_factory=set)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz) if self.tz else clock.CHINA

    @property
    def first_day(self) -> date:
        return self.intervals[0][0].astimezone(self.zone).date()

    @property
    def last_day(self) -> date:
        end = self.intervals[-1][1].astimezone(self.zone) - timedelta(microseconds=1)
        return end.date()


def minutes_between(volunteer: Volunteer, lat: float | None, lon: float | None) -> int | None:
    """One-way minutes from the volunteer's home base (None: a place without coordinates)."""
    return minutes_between_places(
        volunteer.transport_mode, (volunteer.lat, volunteer.lon), (lat, lon)
    )


def _day(day: date) -> str:
    return format_date(day, "long")


def vetting_reason(volunteer: Volunteer, first: date, last: date) -> str | None:
    if volunteer.is_cleared(first) and volunteer.is_cleared(last):
        return None
    status = volunteer.vetting_status
    if status == "cleared" and volunteer.is_cleared():  # valid today, lapses before the end
        return _(
            "Your clearance expires on %(date)s, before %(last)s.",
            date=_day(volunteer.expires_on),
            last=_day(last),
        )
    if status == "cleared" or status == "expired":
        return _("This needs a valid clearance; yours has expired. Ask a coordinator.")
    if status == "pending":
        return _("This needs a clearance; yours is still pending.")
    if status == "rejected":
        return _("This needs a clearance, which you do not have.")
    return _("This needs a clearance; you have not been vetted yet. Ask a coordinator.")


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)


def availability_reasons(volunteer: Volunteer, target: Target) -> list[str]:
    reasons = []
    zone = target.zone
    for range_ in volunteer.date_ranges:
        if (
            range_.kind == "away"
            and range_.starts_on <= target.last_day
            and (target.first_day <= range_.ends_on)
        ):
            reasons.append(
                _(
                    "You are away from %(start)s to %(end)s.",
                    start=_day(range_.starts_on),
                    end=_day(range_.ends_on),
                )
            )
            break
    if target.kind == "post":
        available = [r for r in volunteer.date_ranges if r.kind == "available"]
        if available and not any(
            r.starts_on <= target.first_day and target.last_day <= r.ends_on for r in available
        ):
            reasons.append(
                _(
                    "Your available dates do not cover %(start)s to %(end)s.",
                    start=_day(target.first_day),
                    end=_day(target.last_day),
                )
            )
        return reasons
    windows = volunteer.weekly_availability
    if not windows:  # nothing recorded: the volunteer's own sign-up says they can come
        return reasons
    for starts, ends in target.intervals:
        start, end = _local(starts, zone), _local(ends, zone)
        start_min = start.hour * 60 + start.minute
        end_min = start_min + int((end - start).total_seconds() // 60)
        if not any(
            w.weekday == start.weekday() and w.start_minute <= start_min and end_min <= w.end_minute
            for w in windows
        ):
            reasons.append(
                _(
                    "You are not available on %(weekday)s %(start)s–%(end)s (see your weekly availability).",
                    weekday=weekday_label(start.weekday()),
                    start=start.strftime("%H:%M"),
                    end=end.strftime("%H:%M"),
                )
            )
            break
    return reasons


def _clash(
    volunteer: Volunteer, target: Target, mine: list[Commitment], zone: ZoneInfo
) -> str | None:
    """Another commitment at the same time, or too close to travel between the two places."""
    for starts, ends in target.intervals:
        for other in mine:
            if other.cancelled or other.uid in target.ignore_uids:
                continue
            gap = timedelta(0)
            if other.kind == "session" and target.kind == "session":
                between = minutes_between_places(
                    volunteer.transport_mode, (target.lat, target.lon), (other.lat, other.lon)
                )
                gap = timedelta(minutes=between or 0)
            if other.starts_at < ends + gap and starts < other.ends_at + gap:
                when = _local(other.starts_at, other.zone)
                if other.kind == "post":
                    return _(
                        "You are already at “%(title)s” from %(start)s to %(end)s.",
                        title=other.title,
                        start=_day(other.first_day),
                        end=_day(other.last_day),
                    )
                return _(
                    "You already have “%(title)s” at %(place)s on %(date)s %(time)s.",
                    title=other.title,
                    place=other.place,
                    date=_day(when.date()),
                    time=when.strftime("%H:%M"),
                )
    return None


def _weekly_load(volunteer: Volunteer, target: Target, mine: list[Commitment]) -> str | None:
    if target.kind != "session" or volunteer.max_sessions_per_week <= 0:
        return None
    zone = target.zone
    for starts, _ends in target.intervals:
        week = _local(starts, zone).isocalendar()[:2]
        same_week = [
            c
            for c in mine
            if c.kind == "session"
            and not c.cancelled
            and c.uid not in target.ignore_uids
            and _local(c.starts_at, c.zone).isocalendar()[:2] == week
        ]
        if len(same_week) >= volunteer.max_sessions_per_week:
            return _(
                "You already have %(count)s sessions that week; your limit is %(max)s (change it in your profile).",
                count=len(same_week),
                max=volunteer.max_sessions_per_week,
            )
    return None


def reasons_against(
    volunteer: Volunteer, target: Target, mine: list[Commitment] | None = None
) -> list[str]:
    """Why the volunteer cannot take the target; [] when they can.

    `mine`: the volunteer's commitments around the target's dates (loaded when not given).
    """
    reasons: list[str] = []
    if target.vetting_required:
        reason = vetting_reason(volunteer, target.first_day, target.last_day)
        if reason:
            reasons.append(reason)
    if target.skill_id and target.skill_id not in {s.id for s in volunteer.skills}:
        reasons.append(_("This needs the skill “%(skill)s”.", skill=target.skill_label))
    reasons.extend(availability_reasons(volunteer, target))
    minutes = minutes_between(volunteer, target.lat, target.lon)
    limit = volunteer.max_travel_minutes
    if target.max_travel_minutes is not None:
        limit = min(limit, target.max_travel_minutes)
    if minutes is not None and minutes > limit:
        reasons.append(
            _(
                "It is %(minutes)s minutes away for you; the limit is %(limit)s minutes.",
                minutes=minutes,
                limit=limit,
            )
        )
    if mine is None:
        mine = commitments(
            [volunteer.id],
            target.first_day - timedelta(days=7),
            target.last_day + timedelta(days=7),
            include_cancelled=False,
        )
    clash = _clash(volunteer, target, mine, target.zone)
    if clash:
        reasons.append(clash)
    load = _weekly_load(volunteer, target, mine)
    if load:
        reasons.append(load)
    return reasons
