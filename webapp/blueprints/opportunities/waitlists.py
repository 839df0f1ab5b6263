"""A cancelled date ends its waitlists: the people waiting are taken off and told (a closure of
the home or of a room cancels dates the same way as a manager's "cancel").

Homes sends the signal (webapp/core/signals.py); the receiver here is connected when the
opportunities blueprint joins an app. It writes in the sender's transaction.
"""

from __future__ import annotations

from sqlalchemy import select

from webapp.core import occasions, signals
from webapp.core.occasions import Closing
from webapp.core.outbox import notify_message
from webapp.extensions import db
from webapp.models import Assignment, Occurrence
from webapp.models.base import utcnow


def connect_receivers() -> None:
    """Hear the signals this blueprint reacts to (connecting twice changes nothing)."""
    signals.occurrence_cancelled.connect(end_waitlists)


def end_waitlists(
    occurrence: Occurrence, *, reason: str = "", closed: Closing | None = None, **_ignored
) -> list[Assignment]:
    """Take everyone off the waitlists of this date's needs and tell them it is cancelled."""
    waiting = list(
        db.session.scalars(
            select(Assignment)
            .where(
                Assignment.occurrence_id == occurrence.id,
                Assignment.status == "waitlisted",
            )
            .order_by(Assignment.id)
        )
    )
    now = utcnow()
    for assignment in waiting:
        assignment.status, assignment.withdrawn_at = "withdrawn", now
        assignment.sequence += 1
        notify_message(
            assignment.volunteer.user,
            "waitlist_ended",
            "assignment",
            assignment.id,
            occasion=occasions.of_assignment(assignment),
            reason=reason,
            closed=closed,
        )
    db.session.flush()
    return waiting
