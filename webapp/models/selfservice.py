"""Volunteer self-service: the database's guard against double sign-ups, swap offers and
skipped dates.

A sign-up is an Assignment with source `signup` and no plan (see webapp/models/plans.py). One
volunteer holds at most one live (confirmed or waitlisted) sign-up per need and date, and per
post: partial unique indexes, so that two clicks at once cannot both get in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, utcnow
from webapp.models.events import Occurrence
from webapp.models.plans import Assignment
from webapp.models.volunteers import Volunteer

SWAP_STATUSES = ("pending", "accepted", "declined", "cancelled")
LIVE_SIGNUP = "source = 'signup' AND status IN ('confirmed', 'waitlisted')"

_assignments = Assignment.__table__
Index(
    "uq_assignments_live_signup_need_date",
    _assignments.c.volunteer_id,
    _assignments.c.need_id,
    _assignments.c.occurrence_id,
    unique=True,
    postgresql_where=text(LIVE_SIGNUP + " AND need_id IS NOT NULL"),
    sqlite_where=text(LIVE_SIGNUP + " AND need_id IS NOT NULL"),
)
Index(
    "uq_assignments_live_signup_post",
    _assignments.c.volunteer_id,
    _assignments.c.post_id,
    unique=True,
    postgresql_where=text(LIVE_SIGNUP + " AND post_id IS NOT NULL"),
    sqlite_where=text(LIVE_SIGNUP + " AND post_id IS NOT NULL"),
)
# Capacity counts and the waitlist: sign-ups of one need on one date, by status.
Index(
    "ix_assignments_need_date_status",
    _assignments.c.need_id,
    _assignments.c.occurrence_id,
    _assignments.c.status,
)


class SwapOffer(db.Model):
    """ "Can you take this for me?": a volunteer offers one of their confirmed assignments to
    another volunteer, who accepts (every hard rule is checked again then) or declines."""

    __tablename__ = "swap_offers"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'cancelled')", name="status_known"
        ),
        CheckConstraint("from_volunteer_id <> to_volunteer_id", name="not_self"),
        # One pending offer of the whole assignment, and one of each of its dates.
        Index(
            "uq_swap_offers_pending_assignment",
            "assignment_id",
            unique=True,
            postgresql_where=text("status = 'pending' AND occurrence_id IS NULL"),
            sqlite_where=text("status = 'pending' AND occurrence_id IS NULL"),
        ),
        Index(
            "uq_swap_offers_pending_date",
            "assignment_id",
            "occurrence_id",
            unique=True,
            postgresql_where=text("status = 'pending' AND occurrence_id IS NOT NULL"),
            sqlite_where=text("status = 'pending' AND occurrence_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    from_volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    # The colleague, when the contact typed belongs to one; an offer to nobody known is kept
    # too (the offerer is answered the same either way and sees the same page).
    to_volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    contact: Mapped[str] = mapped_column(String(254), default="", server_default="", nullable=False)
    # One date of a weekly assignment (none: every date still to come).
    occurrence_id: Mapped[int | None] = mapped_column(
        ForeignKey("occurrences.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(10), default="pending", nullable=False)
    note: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Why an acceptance was refused, or what was decided (for both people's pages).
    outcome: Mapped[str] = mapped_column(Text, default="", nullable=False)
    new_assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="SET NULL")
    )

    assignment: Mapped[Assignment] = relationship(foreign_keys=[assignment_id])
    new_assignment: Mapped[Assignment | None] = relationship(foreign_keys=[new_assignment_id])
    from_volunteer: Mapped[Volunteer] = relationship(foreign_keys=[from_volunteer_id])
    to_volunteer: Mapped[Volunteer | None] = relationship(foreign_keys=[to_volunteer_id])
    occurrence: Mapped[Occurrence | None] = relationship()

    @property
    def is_pending(self) -> bool:
        """Still waiting for the colleague's answer."""
        return self.status == "pending"


class AssignmentSkip(db.Model):
    """One date of a weekly assignment that its volunteer will not come to: skipped, or handed
    over to a colleague in a swap. The session goes on; the date leaves the volunteer's schedule
    and feed, and the home's roster shows the gap."""

    __tablename__ = "assignment_skips"
    __table_args__ = (
        UniqueConstraint("assignment_id", "occurrence_id"),
        CheckConstraint("reason IN ('skip', 'swap')", name="reason_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("occurrences.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(10), default="skip", nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
