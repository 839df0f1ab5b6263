"""Family video-call sessions: children sign up for their turn (a child record of the home; the
service still takes initials or a pseudonym for sign-ups made before child records, never a full
name), and a turn is cleared again. A held call counts as the child's weekly video-call contact
(children.contacts.record_held_calls)."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select, update

from webapp.blueprints.homes.booking import BookingError
from webapp.core.lookup import get_or_404
from webapp.extensions import db
from webapp.models import CallSlot, Child, Home, Occurrence, User

# Initials or a pseudonym: up to 8 letters (Chinese or Latin, dots allowed), no digits or spaces,
# so that a full name with a phone number cannot be typed in (children's data stays minimal).
CHILD_LABEL = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z.·]{0,7}$")


def children_of(home: Home) -> list[Child]:
    """The children registered at a home (pseudonyms only, not erased), for the sign-up."""
    return list(
        db.session.scalars(
            select(Child)
            .where(Child.home_id == home.id, Child.erased_at.is_(None))
            .order_by(Child.pseudonym)
        )
    )


def sign_up_child(
    occurrence: Occurrence,
    slot_id: int,
    child_label: str,
    actor: User,
    child_id: int | None = None,
) -> CallSlot:
    """Sign a child up: one of the home's children, or initials or a pseudonym typed in."""
    slot = get_or_404(CallSlot, slot_id, belongs=lambda s: s.occurrence_id == occurrence.id)
    if child_id is not None:
        child = next((c for c in children_of(occurrence.room.home) if c.id == child_id), None)
        if child is None:
            raise BookingError(_("Choose a child of this home."), field="child_id")
        label = child.pseudonym
    else:
        child = None
        label = (child_label or "").strip()
        if not CHILD_LABEL.match(label):
            raise BookingError(
                _(
                    "Enter only initials or a pseudonym: up to 8 letters, no digits or spaces "
                    "(no full name, no phone number)."
                ),
                field="child_label",
            )
    if not occurrence.is_confirmed:
        raise BookingError(_("Children can sign up only for confirmed sessions."), status=409)
    # Conditional update: two people taking the last slot at once cannot both get it.
    result = db.session.execute(
        update(CallSlot)
        .where(CallSlot.id == slot.id, CallSlot.child_label.is_(None))
        .values(
            child_label=label,
            child_id=child.id if child else None,
            signed_up_by_id=actor.id,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise BookingError(_("This slot has just been taken. Choose another one."), status=409)
    db.session.refresh(slot)
    return slot


def clear_slot(occurrence: Occurrence, slot_id: int) -> CallSlot:
    slot = get_or_404(CallSlot, slot_id, belongs=lambda s: s.occurrence_id == occurrence.id)
    slot.child_label = None
    slot.child_id = None
    slot.signed_up_by_id = None
    db.session.flush()
    return slot
