"""Telling the volunteers committed to a date when it is cancelled or moved (their calendar feeds
show the change by themselves; this is the message in their inbox)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from webapp.blueprints.homes.notify import in_language_of, notify
from webapp.blueprints.schedule.commitments import commitments
from webapp.extensions import db
from webapp.labels import format_moment
from webapp.models import Occurrence, Volunteer


def committed_to(occurrence: Occurrence) -> list[Volunteer]:
    """Volunteers with a confirmed commitment on this date (sign-ups and published plans)."""
    home = occurrence.room.home
    day = occurrence.starts_at.astimezone(ZoneInfo(home.timezone)).date()
    ids = {
        e.volunteer_id
        for e in commitments(None, day, day, include_cancelled=False)
        if e.occurrence_id == occurrence.id
    }
    if not ids:
        return []
    return list(db.session.scalars(select(Volunteer).where(Volunteer.id.in_(ids))))


def tell_cancelled(occurrence: Occurrence, people: list[Volunteer], reason: str = "") -> None:
    home = occurrence.room.home
    for volunteer in people:
        with in_language_of(volunteer.user):
            notify(
                volunteer.user,
                _("Cancelled: %(title)s", title=occurrence.event.title),
                _(
                    "“%(title)s” at %(place)s on %(start)s is cancelled. %(reason)s",
                    title=occurrence.event.title,
                    place=home.name,
                    start=format_moment(occurrence.starts_at, home.timezone),
                    reason=reason,
                ),
                "occurrence",
                occurrence.id,
            )


def tell_moved(occurrence: Occurrence, people: list[Volunteer]) -> None:
    home = occurrence.room.home
    for volunteer in people:
        with in_language_of(volunteer.user):
            notify(
                volunteer.user,
                _("Moved: %(title)s", title=occurrence.event.title),
                _(
                    "“%(title)s” at %(place)s now takes place on %(start)s. If you cannot come then, withdraw on your schedule page.",
                    title=occurrence.event.title,
                    place=home.name,
                    start=format_moment(occurrence.starts_at, home.timezone),
                ),
                "occurrence",
                occurrence.id,
            )
