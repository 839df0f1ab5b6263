"""A child's weekly times for the family video-call rota: when the parents can take a call and
the school timetable, as weekly windows (weekday, start, end). The rota's engine reads them;
staff keep them on the card.

Windows of one kind may not overlap on a weekday: an overlap is refused with the window it
meets, rather than merged, so that nothing changes behind the user's back. Services only flush;
a broken rule raises RuleError with the field it belongs to.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from webapp.blueprints.children.access import log_access
from webapp.blueprints.volunteers.services import RuleError
from webapp.core.lookup import get_or_404
from webapp.extensions import db
from webapp.models import Child
from webapp.models.video_calls import CHILD_TIME_KINDS, ChildWeeklyTime

DAY_MINUTES = 24 * 60


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def times_of(child: Child) -> list[ChildWeeklyTime]:
    """The child's windows, by kind (parents first), weekday and start."""
    rows = db.session.scalars(select(ChildWeeklyTime).where(ChildWeeklyTime.child_id == child.id))
    return sorted(
        rows, key=lambda t: (CHILD_TIME_KINDS.index(t.kind), t.weekday, t.start_minute, t.id)
    )


def add_time(
    child: Child, kind: str, weekday: int, start_minute: int, end_minute: int
) -> ChildWeeklyTime:
    """Add a window; refused when it is not a window within one day or overlaps another window
    of the same kind on that weekday."""
    if kind not in CHILD_TIME_KINDS:
        raise RuleError("kind", _("Choose the parents' free time or the school timetable."))
    if weekday not in range(7):
        raise RuleError("weekday", _("Choose a day of the week."))
    if not (0 <= start_minute < DAY_MINUTES and 0 < end_minute <= DAY_MINUTES):
        raise RuleError("start", _("The times must lie within one day."))
    if end_minute <= start_minute:
        raise RuleError("end", _("The end must be after the start."))
    for other in times_of(child):
        if (
            other.kind == kind
            and other.weekday == weekday
            and other.start_minute < end_minute
            and start_minute < other.end_minute
        ):
            raise RuleError(
                "start",
                _(
                    "This overlaps %(start)s–%(end)s of the same kind on that day: change or "
                    "remove that one first.",
                    start=hhmm(other.start_minute),
                    end=hhmm(other.end_minute),
                ),
            )
    row = ChildWeeklyTime(
        child_id=child.id,
        kind=kind,
        weekday=weekday,
        start_minute=start_minute,
        end_minute=end_minute,
    )
    db.session.add(row)
    db.session.flush()
    log_access(child, "edit", f"weekly time {row.id} added")
    return row


def remove_time(child: Child, time_id: int) -> None:
    """Remove one of the child's windows (404 when it is not one of theirs)."""
    row = get_or_404(ChildWeeklyTime, time_id, belongs=lambda t: t.child_id == child.id)
    db.session.delete(row)
    db.session.flush()
    log_access(child, "edit", f"weekly time {time_id} removed")
