"""Swaps: "can you take this for me?" between two volunteers.

The offer names a colleague by phone or e-mail, and tells the offerer nothing about them (known
or not, the same answer). At acceptance every hard rule is checked for the colleague on every
date the offer covers (clearance on each date included), inside the same lock as sign-ups, and
the swap happens at once or not at all: the offerer's assignment is withdrawn and an equal one
made for the colleague (a sign-up stays a sign-up; a plan's assignment stays in its plan); an
offer of one date of a weekly assignment skips that date for the offerer and gives the colleague
that date alone. Both are told.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, func, or_, select, update

from webapp import audit
from webapp.blueprints.opportunities import dates
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


def offer(
    assignment: Assignment, contact: str, note: str = "", occurrence_id: int | None = None
) -> SwapOffer:
    """Offer the assignment (or, with `occurrence_id`, one date of a weekly one) to whoever the
    contact belongs to. Nothing about that person comes back: known or not, with a log-in or
    not, eligible or not, the offer is recorded and the offerer is answered the same way; the
    colleague, if there is one, is asked, and every rule is checked when they accept (its
    reasons go to them)."""
    if not assignment.is_confirmed:
        raise SignupError(_("Only a confirmed assignment can be offered."), 409)
    if assignment.team_id is not None:
        raise SignupError(_("Team placements are changed by the coordinator, not by a swap."), 409)
    text = contact.strip()
    if not text:
        raise SignupError(_("Type your colleague's phone number or e-mail address."), 422)
    if occurrence_id is not None:
        dates.check_cutoff(assignment, dates.coming_date(assignment, occurrence_id))
    else:
        target_of(assignment)  # refuses when no date is left to hand over
    colleague = find_colleague(text)
    if colleague is not None and colleague.id == assignment.volunteer_id:
        raise SignupError(_("You cannot swap with yourself."), 422)
    pending = db.session.scalar(
        select(SwapOffer.id).where(
            SwapOffer.assignment_id == assignment.id,
            SwapOffer.status == "pending",
            SwapOffer.occurrence_id.is_(None)
            if occurrence_id is None
            else SwapOffer.occurrence_id == occurrence_id,
        )
    )
    if pending is not None:
        raise SignupError(_("You already offered this; take that offer back first."), 409)
    swap = SwapOffer(
        assignment_id=assignment.id,
        from_volunteer_id=assignment.volunteer_id,
        to_volunteer_id=colleague.id if colleague is not None else None,
        contact=text[:254],
        occurrence_id=occurrence_id,
        note=note.strip()[:200],
    )
    db.session.add(swap)
    db.session.flush()
    if colleague is not None and colleague.user is not None:
        _ask(swap, colleague)
    return swap


def _date_target(assignment: Assignment, entry) -> Target:
    return session_target(assignment.need, db.session.get(Occurrence, entry.occurrence_id))


def _ask(swap: SwapOffer, colleague: Volunteer) -> None:
    notify_message(
        colleague.user,
        "swap_offer",
        "swap",
        swap.id,
        offerer=swap.from_volunteer,
        occasion=offer_occasion(swap),
        note=swap.note,
    )


def offer_occasion(swap: SwapOffer) -> occasions.Occasion:
    """What, where and when the offer covers: its one date, or the dates still to come."""
    if swap.occurrence_id is None:
        return occasions.of_assignment(swap.assignment)
    entry = dates.coming_date(swap.assignment, swap.occurrence_id)
    return occasions.of_assignment(swap.assignment, [entry])


def described(offers: list[SwapOffer]) -> dict[int, occasions.Occasion]:
    """What, where and when each offer covers, for the colleague's page (an offer whose dates
    have all passed is left out: its accept button says why)."""
    out = {}
    for swap in offers:
        try:
            out[swap.id] = offer_occasion(swap)
        except SignupError:
            continue
    return out


def offer_target(swap: SwapOffer) -> Target:
    """What the offer covers now: its one date, or the assignment's dates still to come."""
    if swap.occurrence_id is not None:
        return _date_target(swap.assignment, dates.coming_date(swap.assignment, swap.occurrence_id))
    return target_of(swap.assignment)


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


def pending_offer_of(assignment: Assignment, occurrence_id: int | None) -> SwapOffer:
    """The pending offer of the assignment (or of its one date); none is 404."""
    swap = db.session.scalar(
        select(SwapOffer).where(
            SwapOffer.assignment_id == assignment.id,
            SwapOffer.status == "pending",
            SwapOffer.occurrence_id.is_(None)
            if occurrence_id is None
            else SwapOffer.occurrence_id == occurrence_id,
        )
    )
    if swap is None:
        raise SignupError(_("There is no pending offer of this."), 404)
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
        swap.from_volunteer.user, "swap_declined", "swap", swap.id, colleague=swap.to_volunteer
    )
    return swap


def cancel(swap: SwapOffer) -> SwapOffer:
    _decide(swap, "cancelled")
    return swap


def accept(swap: SwapOffer, actor: User) -> Assignment:
    """Check every rule again for the colleague, then move the assignment (or its one date),
    all at once. A refusal's reasons go to the colleague, who is the one accepting."""
    assignment = swap.assignment
    lock_target(Post if assignment.post_id else Need, assignment.post_id or assignment.need_id)
    db.session.refresh(assignment)
    if not swap.is_pending:
        raise SignupError(_("This offer has already been answered or withdrawn."), 409)
    if not assignment.is_confirmed or assignment.volunteer_id != swap.from_volunteer_id:
        raise SignupError(_("This assignment has changed since it was offered."), 409)
    one_date = swap.occurrence_id is not None
    entry = dates.coming_date(assignment, swap.occurrence_id) if one_date else None
    target = offer_target(swap)
    occasion = offer_occasion(swap)  # its dates still to come, before the swap
    colleague = swap.to_volunteer
    reasons = reasons_against(colleague, target)
    if reasons:
        swap.outcome = reasons[0]
        raise SignupError(_("You cannot take this: %(reason)s", reason=reasons[0]), 422, reasons)
    _decide(swap, "accepted")
    _end_own_wait(colleague, assignment)
    now = utcnow()
    if one_date:
        dates.mark_skipped(assignment, entry, actor, "swap")
    else:
        assignment.status, assignment.withdrawn_at = "withdrawn", now
        assignment.sequence += 1
        assignment.note = _("Swapped to %(name)s", name=colleague.name)[:200]
    db.session.flush()
    # One date handed over stays outside the plan (a re-plan must not read it as the weekly
    # slot): a dated row of the programme, as a sign-up is; every date: the same row again.
    taken = Assignment(
        plan_id=None if one_date else assignment.plan_id,
        programme_id=assignment.programme_id,
        volunteer_id=colleague.id,
        need_id=assignment.need_id,
        weekday=None if one_date else assignment.weekday,
        occurrence_id=swap.occurrence_id if one_date else assignment.occurrence_id,
        post_id=assignment.post_id,
        status="confirmed",
        source="signup" if one_date else assignment.source,
        pinned=False if one_date else assignment.pinned,
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
        after={
            "to_volunteer": colleague.id,
            "new_assignment": taken.id,
            "one_date": entry.first_day.isoformat() if entry else None,
        },
    )
    _tell_both(swap, colleague, occasion)
    return taken


def _end_own_wait(colleague: Volunteer, assignment: Assignment) -> None:
    """The colleague may be waiting on the waitlist of the same thing: that wait is over."""
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


def _tell_both(swap: SwapOffer, colleague: Volunteer, occasion: occasions.Occasion) -> None:
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
