"""A volunteer's availability: weekly time ranges and dated available/away ranges.

Services only flush; a broken rule raises RuleError with the field it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from flask_babel import gettext as _

from webapp.blueprints.volunteers.services import RuleError
from webapp.core.lookup import found_or_404
from webapp.extensions import db
from webapp.models import Volunteer, VolunteerDateRange, WeeklyAvailability
from webapp.models.volunteers import DATE_RANGE_KINDS

DAY_START = 6 * 60  # 06:00
DAY_END = 22 * 60  # 22:00


def check_time_range(start_minute: int, end_minute: int) -> str | None:
    """The reason a weekly time range is not acceptable, or None."""
    if start_minute < DAY_START or end_minute > DAY_END:
        return _("Times must lie between 06:00 and 22:00.")
    if end_minute <= start_minute:
        return _("The end must be after the start.")
    return None


def overlapping(ranges: Iterable[tuple], start, end):
    """The first (start, end) range that shares time with [start, end), or None (half-open)."""
    for other in ranges:
        if other[0] < end and start < other[1]:
            return other
    return None


def minutes_label(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def add_weekly_slot(
    volunteer: Volunteer, weekday: int, start_minute: int, end_minute: int
) -> WeeklyAvailability:
    if weekday not in range(7):
        raise RuleError("weekday", _("Choose a day of the week."))
    reason = check_time_range(start_minute, end_minute)
    if reason:
        raise RuleError("end" if end_minute <= start_minute else "start", reason)
    same_day = [
        (s.start_minute, s.end_minute)
        for s in volunteer.weekly_availability
        if s.weekday == weekday
    ]
    clash = overlapping(same_day, start_minute, end_minute)
    if clash:
        raise RuleError(
            "start",
            _(
                "This overlaps %(start)s–%(end)s on the same day.",
                start=minutes_label(clash[0]),
                end=minutes_label(clash[1]),
            ),
        )
    slot = WeeklyAvailability(weekday=weekday, start_minute=start_minute, end_minute=end_minute)
    volunteer.weekly_availability.append(slot)
    db.session.flush()
    return slot


def remove_weekly_slot(volunteer: Volunteer, slot_id: int) -> None:
    slot = found_or_404(next((s for s in volunteer.weekly_availability if s.id == slot_id), None))
    volunteer.weekly_availability.remove(slot)
    db.session.flush()


def add_date_range(
    volunteer: Volunteer, kind: str, starts_on: date, ends_on: date
) -> VolunteerDateRange:
    """Both ends inclusive. Ranges of the same kind may not overlap; "away" may lie inside an
    "available" range (away for a week within the summer)."""
    if kind not in DATE_RANGE_KINDS:
        raise RuleError("kind", _("Choose available or away."))
    if ends_on < starts_on:
        raise RuleError("ends_on", _("The end must be on or after the start."))
    same_kind = [
        (r.starts_on, r.ends_on + timedelta(days=1))
        for r in volunteer.date_ranges
        if r.kind == kind
    ]
    clash = overlapping(same_kind, starts_on, ends_on + timedelta(days=1))
    if clash:
        raise RuleError(
            "starts_on",
            _(
                "This overlaps the range %(start)s to %(end)s.",
                start=clash[0].isoformat(),
                end=(clash[1] - timedelta(days=1)).isoformat(),
            ),
        )
    row = VolunteerDateRange(kind=kind, starts_on=starts_on, ends_on=ends_on)
    volunteer.date_ranges.append(row)
    db.session.flush()
    return row


def remove_date_range(volunteer: Volunteer, range_id: int) -> None:
    row = found_or_404(next((r for r in volunteer.date_ranges if r.id == range_id), None))
    volunteer.date_ranges.remove(row)
    db.session.flush()


def weekly_grid(volunteer: Volunteer) -> list[list[WeeklyAvailability]]:
    """Seven columns (Monday first), each the day's ranges in order."""
    grid: list[list[WeeklyAvailability]] = [[] for _ in range(7)]
    for slot in sorted(volunteer.weekly_availability, key=lambda s: (s.weekday, s.start_minute)):
        grid[slot.weekday].append(slot)
    return grid
