"""Swaps: "can you take this for me?" between two volunteers.

The offer names a colleague by phone or e-mail. At acceptance every hard rule is checked again for
the colleague on every date the assignment still covers (clearance on each date included), inside
the same lock as sign-ups, and the swap happens at once or not at all: the offerer's assignment is
withdrawn and an equal one made for the colleague (a sign-up stays a sign-up; a plan's assignment
stays in its plan). Both are told.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, func, or_, select, update

from webapp import audit
from webapp.blueprints.opportunities.eligibility import Target, reasons_against
from webapp.blueprints.opportunities.signups import (
    SignupError,
    lock_target,
    post_target,
    session_target,
    upcoming_entries,
)
from webapp.core import occasions
from webapp.core.outbox import notify_message
from webapp.extensions import db
from webapp.models import Assignment, Need, Occurrence, Post, SwapOffer, User, Volunteer
from webapp.models.base import utcnow


def find_colleague(contact: str) -> Volunteer | None:
    text = contact.strip().lower()
    if not text:
        return None
    return db.session.scalar(
        select(Volunteer).where(or_(Volunteer.phone == text, func.lower(Volunteer.email) == text))
    )


def target_of(assignment: Assignment) -> Target:
    """The assignment's remaining dates as one target (a weekly one: each date still to come)."""
    upcoming = upcoming_entries(assignment)
    if not upcoming:
        raise SignupError(_("This has already taken place; nothing is left to swap."), 409)
    if assignment.post_id:
        target = post_target(assignment.post)
    else:
        first = upcoming[0]
        target = session_target(assignment.need, db.session.get(Occurrence, first.occurrence_id))
        target.intervals = [(c.starts_at, c.ends_at) for c in upcoming]
    return target


def offer(assignment: Assignment, contact: str, note: str = "") -> SwapOffer:
    if not assignment.is_confirmed:
        raise SignupError(_("Only a confirmed assignment can be offered."), 409)
    if assignment.team_id is not None:
        raise SignupError(_("Team placements are changed by the coordinator, not by a swap."), 409)
    colleague = find_colleague(contact)
    if colleague is None:
        raise SignupError(_("No volunteer has this phone number or e-mail address."), 422)
    if colleague.id == assignment.volunteer_id:
        raise SignupError(_("You cannot swap with yourself."), 422)
    if colleague.user is None:
        raise SignupError(
            _(
                "%(name)s has no log-in yet and cannot accept. Ask a coordinator.",
                name=colleague.name,
            ),
            422,
        )
    target = target_of(assignment)
    reasons = reasons_against(colleague, target)
    if reasons:
        raise SignupError(
            _("%(name)s cannot take this: %(reason)s", name=colleague.name, reason=reasons[0]),
            422,
            reasons,
        )
    pending = db.session.scalar(
        select(SwapOffer).where(
            SwapOffer.assignment_id == assignment.id, SwapOffer.status == "pending"
        )
    )
    if pending is not None:
        raise SignupError(
            _(
                "You already offered this to %(name)s; cancel that offer first.",
                name=pending.to_volunteer.name,
            ),
            409,
        )
    swap = SwapOffer(
        assignment_id=assignment.id,
        from_volunteer_id=assignment.volunteer_id,
        to_volunteer_id=colleague.id,
        note=note.strip()[:200],
    )
    db.session.add(swap)
    db.session.flush()
    notify_message(
        colleague.user,
        "swap_offer",
        "swap",
        swap.id,
        offerer=assignment.volunteer,
        occasion=occasions.of_assignment(assignment),
        note=swap.note,
    )
    return swap


def incoming_offer(volunteer: Volunteer | None, swap_id: int) -> SwapOffer:
    swap = db.session.get(SwapOffer, swap_id)
    if swap is None or volunteer is None or swap.to_volunteer_id != volunteer.id:
        raise SignupError(_("This swap offer does not exist or is not for you."), 404)
    return swap


def outgoing_offer(volunteer: Volunteer | None, swap_id: int) -> SwapOffer:
    swap = db.session.get(SwapOffer, swap_id)
    if swap is None or volunteer is None or swap.from_volunteer_id != volunteer.id:
        raise SignupError(_("This swap offer does not exist or is not yours."), 404)
    return swap


def _decide(swap: SwapOffer, status: str) -> None:
    """Only one decision wins, even when both people click at once."""
    changed = db.session.execute(
        update(SwapOffer)
        .where(SwapOffer.id == swap.id, SwapOffer.status == "pending")
        .values(status=status, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.refresh(swap)
        raise SignupError(_("This offer has already been answered or withdrawn."), 409)
    db.session.refresh(swap)


def decline(swap: SwapOffer) -> SwapOffer:
    _decide(swap, "declined")
    notify_message(
        swap.from_volunteer.user,
        "swap_declined",
        "swap",
        swap.id,
        colleague=swap.to_volunteer,
        occasion=occasions.of_assignment(swap.assignment),
    )
    return swap


def cancel(swap: SwapOffer) -> SwapOffer:
    _decide(swap, "cancelled")
    return swap


def accept(swap: SwapOffer, actor: User) -> Assignment:
    """Check every rule again for the colleague, then move the assignment, all at once."""
    assignment = swap.assignment
    lock_target(Post if assignment.post_id else Need, assignment.post_id or assignment.need_id)
    db.session.refresh(assignment)
    if not swap.is_pending:
        raise SignupError(_("This offer has already been answered or withdrawn."), 409)
    if not assignment.is_confirmed or assignment.volunteer_id != swap.from_volunteer_id:
        raise SignupError(_("This assignment has changed since it was offered."), 409)
    target = target_of(assignment)
    occasion = occasions.of_assignment(assignment)  # its dates still to come, before the swap
    colleague = swap.to_volunteer
    reasons = reasons_against(colleague, target)
    if reasons:
        swap.outcome = reasons[0]
        raise SignupError(_("You cannot take this: %(reason)s", reason=reasons[0]), 422, reasons)
    _decide(swap, "accepted")
    # The colleague may be waiting on the waitlist of the same thing: that wait is over.
    for waiting in db.session.scalars(
        select(Assignment).where(
            Assignment.volunteer_id == colleague.id,
            Assignment.status == "waitlisted",
            Assignment.need_id.is_(assignment.need_id)
            if assignment.need_id is None
            else Assignment.need_id == assignment.need_id,
            Assignment.occurrence_id.is_(None)
            if assignment.occurrence_id is None
            else Assignment.occurrence_id == assignment.occurrence_id,
            Assignment.post_id.is_(None)
            if assignment.post_id is None
            else Assignment.post_id == assignment.post_id,
        )
    ):
        waiting.status, waiting.withdrawn_at = "withdrawn", utcnow()
    now = utcnow()
    assignment.status, assignment.withdrawn_at = "withdrawn", now
    assignment.sequence += 1
    assignment.note = _("Swapped to %(name)s", name=colleague.name)[:200]
    db.session.flush()
    taken = Assignment(
        plan_id=assignment.plan_id,
        programme_id=assignment.programme_id,
        volunteer_id=colleague.id,
        need_id=assignment.need_id,
        weekday=assignment.weekday,
        occurrence_id=assignment.occurrence_id,
        post_id=assignment.post_id,
        status="confirmed",
        source=assignment.source,
        pinned=assignment.pinned,
        confirmed_at=now,
        confirmed_by_id=actor.id,
        note=_("Swap from %(name)s", name=swap.from_volunteer.name)[:200],
    )
    db.session.add(taken)
    db.session.flush()
    swap.new_assignment_id = taken.id
    swap.outcome = ""
    audit.record(
        "assignment.swap",
        "assignment",
        assignment.id,
        after={"to_volunteer": colleague.id, "new_assignment": taken.id},
    )
    notify_message(
        swap.from_volunteer.user,
        "swap_accepted",
        "swap",
        swap.id,
        colleague=colleague,
        occasion=occasion,
    )
    notify_message(
        colleague.user,
        "swap_taken_over",
        "swap",
        swap.id,
        offerer=swap.from_volunteer,
        occasion=occasion,
    )
    return taken


def pending_condition(volunteer_id) -> ColumnElement[bool]:
    """Pending offers to or from the volunteer (`volunteer_id`: a value or a bound parameter)."""
    return and_(
        or_(SwapOffer.to_volunteer_id == volunteer_id, SwapOffer.from_volunteer_id == volunteer_id),
        SwapOffer.status == "pending",
    )


def offers_for(
    volunteer: Volunteer, offer_ids: list[int] | None = None
) -> tuple[list[SwapOffer], list[SwapOffer]]:
    """(pending offers to the volunteer, pending offers the volunteer made). `offer_ids`: the ids
    of pending_condition()'s offers when the caller has read them already (none: no query)."""
    if offer_ids == []:
        return [], []
    query = select(SwapOffer).where(pending_condition(volunteer.id)).order_by(SwapOffer.id)
    if offer_ids is not None:
        query = query.where(SwapOffer.id.in_(offer_ids))
    pending = db.session.scalars(query).all()
    incoming = [o for o in pending if o.to_volunteer_id == volunteer.id]
    outgoing = [o for o in pending if o.from_volunteer_id == volunteer.id]
    return incoming, outgoing
