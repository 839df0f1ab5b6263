"""Storing a month's coverage counts when its report goes out, so that they stay as reported.

A month is stored once, whole (every home, whoever exported it), and only after it has ended: a
report of the running month is provisional and stays live. The first storing wins; later views,
exports and the command read the stored counts (coverage.month_reports), so erasing a child
afterwards leaves the reported counts as they were.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp import clock
from webapp.blueprints.children import coverage
from webapp.extensions import db
from webapp.models import CoverageCount, CoverageMonth, User


def is_reported(month: date) -> bool:
    return (
        db.session.scalar(select(CoverageMonth.month).where(CoverageMonth.month == month))
        is not None
    )


def close_month(month: date, user: User | None = None, today: date | None = None) -> bool:
    """Store the month's counts; False when they were stored already. MonthError while the month
    runs. Flushes, never commits."""
    today = today or clock.today()
    if not coverage.is_over(month, today):
        raise coverage.MonthError(
            _("The month is not over yet: its counts can be stored from the next month on.")
        )
    if is_reported(month):
        return False
    groups = coverage.live_groups(month, None, today)
    rows = []
    for home_id, name, township in coverage.homes_in_scope(None):
        schools = [(school, c) for (h, school), c in groups.items() if h == home_id]
        for school, counts in schools or [(None, coverage.Counts())]:
            rows.append(
                CoverageCount(
                    home_id=home_id,
                    home_name=name,
                    township=township,
                    school=school,
                    children=counts.children,
                    talk=counts.talk,
                    call=counts.call,
                    visit=counts.visit,
                    overdue=counts.overdue,
                )
            )
    try:
        # A concurrent request storing the same month loses on the primary key, not with a 500.
        with db.session.begin_nested():
            db.session.add(
                CoverageMonth(
                    month=month,
                    reported_at=clock.utcnow(),
                    reported_by_id=user.id if user is not None else None,
                    counts=rows,
                )
            )
    except IntegrityError:
        return False
    return True


def close_ended_months(today: date | None = None, back: int = coverage.HISTORY_MONTHS) -> int:
    """The worker's hourly job: store each of the last `back` ended months not stored yet, so the
    page reads past months from stored counts and a month is kept as it stood when it ended (a
    duty done late does not rewrite it). Commits; returns how many months it stored."""
    today = today or clock.today()
    month = coverage.previous_month(today.replace(day=1))
    stored = 0
    for _step in range(back):
        stored += close_month(month, None, today)
        month = coverage.previous_month(month)
    db.session.commit()
    return stored
