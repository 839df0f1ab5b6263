"""What volunteers have taken on, as dated entries: the one reading of plans and sign-ups.

Sources (the contract with the planning blueprint):
- assignments of a programme's published plan (status confirmed, or withdrawn: shown cancelled);
  a weekly tutoring assignment (need + weekday) covers every confirmed or cancelled occurrence of
  the need's event on that weekday within the programme's dates, one entry per date;
- a volunteer's own sign-ups (source `signup`, no plan): a need on one date, or a post;
- home visits (visits.py): one entry per visitor and day of a published home-visit plan.
Waitlisted sign-ups and sign-ups withdrawn before they were ever confirmed are not commitments.
A weekly assignment's date its volunteer skips or hands over (assignment_skips) is shown
cancelled for them (`skipped`), its SEQUENCE one higher.

Schedules, hours, calendar feeds, reminders and the "already booked" rule all read these entries.
Entries are plain dataclasses built from plain column queries (feeds are read often).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from webapp.core.commitments.entry import (
    POST_HOURS_PER_DAY,
    UID_DOMAIN,
    Commitment,
    post_uid,
    session_uid,
)
from webapp.core.commitments.posts import posts
from webapp.core.commitments.sessions import sessions
from webapp.core.commitments.visits import visits
from webapp.models import Occurrence

__all__ = [
    "POST_HOURS_PER_DAY",
    "UID_DOMAIN",
    "Commitment",
    "commitments",
    "committed_to",
    "post_uid",
    "session_uid",
]


def _bounds(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """UTC instants around China dates [first, last] (a day's margin covers other zones)."""
    lo = datetime.combine(first - timedelta(days=1), time(0), UTC) if first else None
    hi = datetime.combine(last + timedelta(days=2), time(0), UTC) if last else None
    return lo, hi


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
    entries = _replanned(
        sessions(ids, lo, hi, team_id)
        + posts(ids, first, last, team_id)
        + visits(ids, first, last, team_id)
    )
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


def committed_to(occurrence: Occurrence) -> list[int]:
    """Ids of the volunteers with a confirmed commitment on this date (sign-ups and published
    plans), as it stands: ask before the date is cancelled or moved."""
    day = occurrence.starts_at.astimezone(ZoneInfo(occurrence.room.home.timezone)).date()
    entries = commitments(None, day, day, include_cancelled=False)
    return sorted({e.volunteer_id for e in entries if e.occurrence_id == occurrence.id})
