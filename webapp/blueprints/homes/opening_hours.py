"""A home's opening hours: weekday rows with time ranges, grouped into timetables by their
validity (a dated summer timetable replaces the undated term one on its dates)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from webapp.blueprints.homes import availability as av
from webapp.blueprints.homes.booking import BookingError
from webapp.core.lookup import get_or_404
from webapp.extensions import db
from webapp.labels import weekday_label
from webapp.models import Home, OpeningHours


@dataclass(frozen=True)
class Timetable:
    """Opening-hours rows sharing one validity, as a week table."""

    valid_from: date | None
    valid_to: date | None
    label: str
    rows: list[OpeningHours]

    def on(self, weekday: int) -> list[OpeningHours]:
        return [row for row in self.rows if row.weekday == weekday]


def timetables(home: Home) -> list[Timetable]:
    groups: dict[tuple, list[OpeningHours]] = {}
    for row in home.opening_hours:
        groups.setdefault((row.valid_from, row.valid_to), []).append(row)
    result = []
    for (valid_from, valid_to), rows in groups.items():
        rows.sort(key=lambda r: (r.weekday, r.start_minute))
        label = next((r.label for r in rows if r.label), "")
        result.append(Timetable(valid_from, valid_to, label, rows))
    result.sort(key=lambda t: (t.valid_from or date.min, t.valid_to or date.max))
    return result


def add_opening_hours(
    home: Home,
    weekdays: list[int],
    start_minute: int,
    end_minute: int,
    valid_from: date | None,
    valid_to: date | None,
    label: str = "",
) -> list[OpeningHours]:
    """Add one period on each chosen weekday; refuses overlaps within the same timetable."""
    if end_minute <= start_minute:
        raise BookingError(_("Closing time must be after opening time."), field="end")
    if valid_from and valid_to and valid_to < valid_from:
        raise BookingError(_("“Valid to” is before “valid from”."), field="valid_to")
    if not weekdays:
        raise BookingError(_("Choose at least one weekday."), field="weekdays")
    added = []
    for weekday in sorted(set(weekdays)):
        for row in home.opening_hours:
            same_table = (row.valid_from, row.valid_to) == (valid_from, valid_to)
            if (
                same_table
                and row.weekday == weekday
                and row.start_minute < end_minute
                and start_minute < row.end_minute
            ):
                raise BookingError(
                    _(
                        "%(day)s already has opening hours %(hours)s in this timetable.",
                        day=weekday_label(weekday),
                        hours=f"{av.hhmm(row.start_minute)}–{av.hhmm(row.end_minute)}",
                    ),
                    status=409,
                    field="start",
                )
        row = OpeningHours(
            weekday=weekday,
            start_minute=start_minute,
            end_minute=end_minute,
            valid_from=valid_from,
            valid_to=valid_to,
            label=label.strip(),
        )
        home.opening_hours.append(row)
        added.append(row)
    db.session.flush()
    return added


def opening_hours_row(home: Home, row_id: int) -> OpeningHours:
    """One weekday's opening hours of this home (another home's: 404)."""
    return get_or_404(OpeningHours, row_id, belongs=lambda row: row.home_id == home.id)


def delete_opening_hours(home: Home, row_id: int) -> None:
    row = opening_hours_row(home, row_id)
    home.opening_hours.remove(row)
    db.session.flush()
