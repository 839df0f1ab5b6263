"""One date at a time: a weekly assignment's volunteer skips one date (up to the withdrawal
cut-off), and the people to ask (organiser, managers, coordinators) are told of the gap.

A skipped date is a row of assignment_skips; the commitments read model shows it cancelled for
the volunteer (their schedule folds it away, their feed drops it) and the home's roster shows who
is not coming. Handing one date over to a colleague (webapp/blueprints/opportunities/swaps.py)
writes the same row, with the reason `swap`.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from webapp import audit
from webapp.blueprints.opportunities.contacts import contact_text, contacts_for
from webapp.blueprints.opportunities.signups import SignupError, cutoff_hours, upcoming_entries
from webapp.core import occasions
from webapp.core.commitments import Commitment
from webapp.core.outbox import notify_message
from webapp.extensions import db
from webapp.labels import format_moment
from webapp.models import Assignment, AssignmentSkip, User
from webapp.models.base import utcnow


def is_weekly(assignment: Assignment) -> bool:
    """A weekly tutoring assignment: one row for every date of its event on its weekday."""
    return assignment.weekday is not None and assignment.occurrence_id is None


def coming_date(assignment: Assignment, occurrence_id: int | None) -> Commitment:
    """The assignment's entry on that date, still to come and not skipped; else 404."""
    if not assignment.is_confirmed or not is_weekly(assignment):
        raise SignupError(_("Only a weekly assignment can be changed one date at a time."), 409)
    for entry in upcoming_entries(assignment):
        if entry.occurrence_id == occurrence_id:
            return entry
    raise SignupError(_("This date is not one of your coming dates."), 404)


def check_cutoff(assignment: Assignment, entry: Commitment) -> None:
    """Online changes close `cutoff_hours()` before the start; later, through the people named."""
    hours = cutoff_hours()
    if utcnow() > entry.starts_at - timedelta(hours=hours):
        raise SignupError(
            _(
                "It is too late to change this date here: changes close %(hours)s hours before the start (%(start)s). Please contact %(contact)s.",
                hours=hours,
                start=format_moment(entry.starts_at, entry.tz),
                contact=contact_text(contacts_for(assignment)),
            ),
            403,
        )


def mark_skipped(assignment: Assignment, entry: Commitment, actor: User, reason: str) -> None:
    already = db.session.scalar(
        select(AssignmentSkip.id).where(
            AssignmentSkip.assignment_id == assignment.id,
            AssignmentSkip.occurrence_id == entry.occurrence_id,
        )
    )
    if already is not None:
        raise SignupError(_("You are already not coming on this date."), 409)
    db.session.add(
        AssignmentSkip(
            assignment_id=assignment.id,
            occurrence_id=entry.occurrence_id,
            reason=reason,
            created_by_id=actor.id,
        )
    )
    db.session.flush()
    audit.record(
        "assignment.date_skipped",
        "assignment",
        assignment.id,
        after={"one_date": entry.first_day.isoformat()},
        actor_id=actor.id,
    )


def skip(assignment: Assignment, occurrence_id: int | None, actor: User) -> Commitment:
    """The volunteer will not come on this one date; every other date stays theirs."""
    entry = coming_date(assignment, occurrence_id)
    check_cutoff(assignment, entry)
    mark_skipped(assignment, entry, actor, "skip")
    tell_the_gap(assignment, entry)
    return entry


def tell_the_gap(assignment: Assignment, entry: Commitment) -> None:
    """The people to ask about the assignment learn who is missing where and when."""
    occasion = occasions.of_assignment(assignment, [entry])
    for person in contacts_for(assignment):
        notify_message(
            person,
            "date_skipped",
            "assignment",
            assignment.id,
            volunteer=assignment.volunteer,
            occasion=occasion,
            day=entry.first_day.isoformat(),
        )
