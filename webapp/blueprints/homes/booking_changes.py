"""Changes to a booking once made: approval of a request, declining, cancelling, moving a date.

The same guards as booking (webapp.blueprints.homes.booking): the writers' lock, the clash check
with its clear message, and the database's refusal of overlaps as the last word. The organiser
is told here; a cancelled or moved date is also signalled (webapp/core/signals.py) with the
volunteers committed to it, whom the schedule blueprint tells.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import update

from webapp.blueprints.homes import availability as av
from webapp.blueprints.homes.booking import (
    BookingError,
    add_call_slots,
    check_times,
    clash_guard,
    clash_message,
    date_problems,
    find_clashes,
    status_label,
    tell_organiser,
)
from webapp.core import occasions, signals
from webapp.core.commitments import committed_to
from webapp.core.locking import serialise_writers
from webapp.core.occasions import Closing
from webapp.core.outbox import notify_message
from webapp.extensions import db
from webapp.models import Event, Occurrence, User
from webapp.models.base import utcnow

# --- approval ---------------------------------------------------------------------------------


def _set_status(occurrence: Occurrence, expected: str, new: str) -> bool:
    """Conditional update: only one of two racing decisions finds the expected status."""
    result = db.session.execute(
        update(Occurrence)
        .where(Occurrence.id == occurrence.id, Occurrence.status == expected)
        .values(status=new, sequence=Occurrence.sequence + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _already_decided(occurrence: Occurrence) -> BookingError:
    db.session.refresh(occurrence)
    return BookingError(
        _(
            "This booking is no longer waiting for approval (it is now %(status)s).",
            status=status_label(occurrence.status),
        ),
        status=409,
    )


def approve(occurrence: Occurrence, actor: User) -> Occurrence:
    """Confirm a requested booking after checking again that the room is still free."""
    serialise_writers()
    if not occurrence.awaits_decision:
        raise _already_decided(occurrence)
    home = occurrence.room.home
    start, end = av.to_local(home, occurrence.starts_at), av.to_local(home, occurrence.ends_at)
    problems = date_problems(
        occurrence.room,
        [start.date()],
        start.hour * 60 + start.minute,
        end.hour * 60 + end.minute if end.date() == start.date() else 24 * 60,
        exclude_id=occurrence.id,
    )
    if problems:
        raise BookingError(problems[0].reason, status=409, problems=problems)

    def on_clash() -> BookingError:
        found = find_clashes(
            occurrence.room_id, occurrence.starts_at, occurrence.ends_at, occurrence.id
        )
        if found:
            return BookingError(clash_message(found[0]), status=409)
        return BookingError(_("This room was just booked by someone else."), status=409)

    with clash_guard(on_clash):
        changed = _set_status(occurrence, "requested", "confirmed")
    if not changed:
        raise _already_decided(occurrence)
    db.session.refresh(occurrence)
    tell_organiser(occurrence, actor, "booking_approved")
    return occurrence


def decline(occurrence: Occurrence, actor: User, reason: str) -> Occurrence:
    """Refuse a requested booking, saying why: the organiser is told the reason, and it stays
    on the booking (its note)."""
    reason = reason.strip()
    if not reason:
        raise BookingError(_("Say why, so that the organiser knows."), field="reason")
    serialise_writers()
    if not _set_status(occurrence, "requested", "declined"):
        raise _already_decided(occurrence)
    db.session.refresh(occurrence)
    occurrence.note = reason[:200]
    tell_organiser(occurrence, actor, "booking_declined", reason=reason)
    return occurrence


# --- cancelling and moving --------------------------------------------------------------------


def cancel(
    occurrence: Occurrence, actor: User, reason: str = "", closed: Closing | None = None
) -> Occurrence:
    """Cancel one date; `closed`: the closure (or closed room) behind it, so that everyone told
    reads its dates and reason in their own language."""
    if not occurrence.is_active:
        raise BookingError(_("This booking is already cancelled or declined."), status=409)
    volunteers = committed_to(occurrence)
    occurrence.status = "cancelled"
    occurrence.sequence += 1
    occurrence.note = reason[:200]
    tell_organiser(occurrence, actor, "booking_cancelled", reason=reason, closed=closed)
    signals.occurrence_cancelled.send(
        occurrence, volunteer_ids=volunteers, reason=reason, closed=closed
    )
    db.session.flush()
    return occurrence


def cancel_series(event: Event, actor: User, reason: str = "") -> list[Occurrence]:
    """Cancel every date of the series that has not started yet."""
    now = utcnow()
    cancelled = []
    for occurrence in event.occurrences:
        if occurrence.is_active and occurrence.starts_at >= now:
            volunteers = committed_to(occurrence)  # before the status changes
            signals.occurrence_cancelled.send(occurrence, volunteer_ids=volunteers, reason=reason)
            occurrence.status = "cancelled"
            occurrence.sequence += 1
            occurrence.note = reason[:200]
            cancelled.append(occurrence)
    if cancelled and event.organiser and event.organiser.id != actor.id:
        occasion = occasions.of_occurrence(cancelled[0])
        occasion.last = av.to_local(event.home, cancelled[-1].starts_at).date()
        occasion.dates = len(cancelled)
        occasion.weekdays = tuple(
            sorted({av.to_local(event.home, o.starts_at).weekday() for o in cancelled})
        )
        occasion.contacts = occasions.contacts([actor, *event.home.managers])
        notify_message(
            event.organiser, "series_cancelled", "event", event.id, occasion=occasion, reason=reason
        )
    db.session.flush()
    return cancelled


def move(
    occurrence: Occurrence,
    day: date,
    start_minute: int,
    end_minute: int,
    actor: User,
    correcting: bool = False,
) -> Occurrence:
    """Move one date of a series (or a one-off) to another time; the rest stays."""
    if not occurrence.is_active:
        raise BookingError(_("A cancelled or declined booking cannot be moved."), status=409)
    room = occurrence.room
    home = room.home
    check_times(home, day, start_minute, end_minute, actor, correcting)
    serialise_writers()
    volunteers = committed_to(occurrence)
    before = occasions.of_occurrence(occurrence)  # the time people had in mind
    problems = date_problems(room, [day], start_minute, end_minute, exclude_id=occurrence.id)
    if problems:
        raise BookingError(problems[0].reason, status=409, problems=problems)

    def on_clash() -> BookingError:
        found = date_problems(room, [day], start_minute, end_minute, exclude_id=occurrence.id)
        reason = found[0].reason if found else _("This room was just booked by someone else.")
        return BookingError(reason, status=409, problems=found)

    slot_minutes = occurrence.event.slot_minutes
    new_start, new_end = av.to_utc(home, day, start_minute), av.to_utc(home, day, end_minute)
    same_length = new_end - new_start == occurrence.ends_at - occurrence.starts_at
    shift = new_start - occurrence.starts_at
    with clash_guard(on_clash):
        occurrence.starts_at, occurrence.ends_at = new_start, new_end
        occurrence.sequence += 1
        if same_length:  # children keep their turns, at the new time
            for slot in occurrence.call_slots:
                slot.starts_at, slot.ends_at = slot.starts_at + shift, slot.ends_at + shift
        else:
            add_call_slots(occurrence, slot_minutes)
    tell_organiser(occurrence, actor, "booking_moved", before=before)
    signals.occurrence_moved.send(occurrence, volunteer_ids=volunteers, before=before)
    return occurrence
