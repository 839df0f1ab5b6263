"""Telling the volunteers committed to a date when it is cancelled or moved (their calendar feeds
show the change by themselves; this is the message in their inbox).

Homes sends the signals (webapp/core/signals.py) with the volunteers committed just before the
change; the receivers here are connected when the schedule blueprint joins an app.
"""

from __future__ import annotations

from sqlalchemy import select

from webapp.core import occasions, signals
from webapp.core.occasions import Closing, Occasion
from webapp.core.outbox import notify_message
from webapp.extensions import db
from webapp.models import Occurrence, Volunteer


def connect_receivers() -> None:
    """Hear the signals this blueprint reacts to (connecting twice changes nothing)."""
    signals.occurrence_cancelled.connect(tell_cancelled)
    signals.occurrence_moved.connect(tell_moved)


def _people(volunteer_ids: list[int]) -> list[Volunteer]:
    """The volunteers, in the order given (the order their messages are written in)."""
    if not volunteer_ids:
        return []
    rows = db.session.scalars(select(Volunteer).where(Volunteer.id.in_(volunteer_ids)))
    found = {volunteer.id: volunteer for volunteer in rows}
    return [found[i] for i in volunteer_ids if i in found]


def tell_cancelled(
    occurrence: Occurrence,
    *,
    volunteer_ids: list[int],
    reason: str = "",
    closed: Closing | None = None,
) -> None:
    occasion = occasions.of_occurrence(occurrence)
    for volunteer in _people(volunteer_ids):
        notify_message(
            volunteer.user,
            "session_cancelled",
            "occurrence",
            occurrence.id,
            occasion=occasion,
            reason=reason,
            closed=closed,
        )


def tell_moved(
    occurrence: Occurrence, *, volunteer_ids: list[int], before: Occasion | None = None
) -> None:
    occasion = occasions.of_occurrence(occurrence)
    for volunteer in _people(volunteer_ids):
        notify_message(
            volunteer.user,
            "session_moved",
            "occurrence",
            occurrence.id,
            occasion=occasion,
            before=before,
        )
