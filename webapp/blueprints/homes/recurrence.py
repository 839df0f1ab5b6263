"""Weekly recurrence: which dates a series falls on. Pure functions, no database."""

from __future__ import annotations

from datetime import date, timedelta

# A term has about 20 weeks; no series may run away with the table.
MAX_OCCURRENCES = 200


class RecurrenceError(ValueError):
    pass


def expand(
    first_date: date,
    weekdays: list[int] | tuple[int, ...] = (),
    interval_weeks: int = 1,
    until: date | None = None,
    count: int | None = None,
    limit: int = MAX_OCCURRENCES,
) -> list[date]:
    """Dates of a series: on the chosen weekdays (0 = Monday) of every N-th week from first_date.

    No weekdays means a one-off on first_date. The series ends on `until` (inclusive) or after
    `count` dates, whichever comes first; one of them is required for a series.
    """
    if not weekdays:
        return [first_date]
    if interval_weeks < 1:
        raise RecurrenceError("interval_weeks must be at least 1")
    if until is None and count is None:
        raise RecurrenceError("a series needs an end: until or count")
    if count is not None and count < 1:
        raise RecurrenceError("count must be at least 1")
    if until is not None and until < first_date:
        raise RecurrenceError("until is before the first date")
    days = sorted(set(weekdays))
    if any(d < 0 or d > 6 for d in days):
        raise RecurrenceError("weekdays are 0 (Monday) to 6 (Sunday)")
    wanted = min(count, limit) if count is not None else limit
    week_start = first_date - timedelta(days=first_date.weekday())
    dates: list[date] = []
    while len(dates) < wanted:
        for weekday in days:
            day = week_start + timedelta(days=weekday)
            if day < first_date:
                continue
            if until is not None and day > until:
                return dates
            dates.append(day)
            if len(dates) >= wanted:
                return dates
        week_start += timedelta(weeks=interval_weeks)
        if until is None and count is None:  # pragma: no cover - guarded above
            break
    return dates


def would_exceed_limit(
    first_date: date, weekdays, interval_weeks: int, until: date | None, count: int | None
) -> bool:
    """True when the rule asks for more dates than a series may hold."""
    if not weekdays:
        return False
    if count is not None:
        return count > MAX_OCCURRENCES
    return len(expand(first_date, weekdays, interval_weeks, until, None, MAX_OCCURRENCES + 1)) > (
        MAX_OCCURRENCES
    )
