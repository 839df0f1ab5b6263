"""Events held in a home's rooms: a series with its rule, materialised as one occurrence per date.

A booking is an occurrence holding a room for a time range. Confirmed occurrences of one room
never overlap: PostgreSQL enforces it with an exclusion constraint (btree_gist); on SQLite the
booking service checks and inserts inside one BEGIN IMMEDIATE transaction.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    func,
    literal_column,
    text,
)
from sqlalchemy import (
    false as sa_false,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.accounts import User
from webapp.models.base import TimestampMixin, UTCDateTime
from webapp.models.homes import Home, Room
from webapp.models.volunteers import Skill

EVENT_KINDS = (
    "tutoring",
    "activity",
    "video_call",
    "reading_club",
    "camp",
    "safety_lecture",
    "festival",
)
AGE_GROUPS = ("3-6", "6-8", "8-10", "10+")
OCCURRENCE_STATUSES = ("requested", "confirmed", "declined", "cancelled")
# Statuses that hold (or wait to hold) a room.
ACTIVE_STATUSES = ("requested", "confirmed")


class Event(TimestampMixin, db.Model):
    """A one-off event or a weekly series; the rule stays here, its dates are occurrences."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("interval_weeks >= 1", name="interval_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("homes.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    age_group: Mapped[str | None] = mapped_column(String(10))
    capacity: Mapped[int] = mapped_column(nullable=False)
    notes: Mapped[str] = mapped_column(Text, default="", nullable=False)
    # The rule, in the home's local time. weekdays: "" for a one-off, else e.g. "1,3" (Tue, Thu).
    first_date: Mapped[date] = mapped_column(nullable=False)
    start_minute: Mapped[int] = mapped_column(nullable=False)
    end_minute: Mapped[int] = mapped_column(nullable=False)
    weekdays: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    interval_weeks: Mapped[int] = mapped_column(default=1, nullable=False)
    until: Mapped[date | None]
    count: Mapped[int | None]
    # Family video calls: minutes per child slot on the sign-up list.
    slot_minutes: Mapped[int | None]

    home: Mapped[Home] = relationship()
    room: Mapped[Room] = relationship()
    organiser: Mapped[User | None] = relationship()
    occurrences: Mapped[list[Occurrence]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Occurrence.starts_at"
    )
    needs: Mapped[list[Need]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Need.id"
    )

    @property
    def is_series(self) -> bool:
        return bool(self.weekdays)

    @property
    def weekday_list(self) -> list[int]:
        return [int(d) for d in self.weekdays.split(",") if d != ""]

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title}>"


class Occurrence(TimestampMixin, db.Model):
    """One date of an event: the booking of a room for [starts_at, ends_at)."""

    __tablename__ = "occurrences"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="start_before_end"),
        CheckConstraint(
            "status IN ('requested', 'confirmed', 'declined', 'cancelled')", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    # Bumped on every change, for calendar feeds (iCal SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0, nullable=False)
    note: Mapped[str] = mapped_column(String(200), default="", nullable=False)

    event: Mapped[Event] = relationship(back_populates="occurrences")
    room: Mapped[Room] = relationship()
    call_slots: Mapped[list[CallSlot]] = relationship(
        back_populates="occurrence", cascade="all, delete-orphan", order_by="CallSlot.starts_at"
    )

    @property
    def is_active(self) -> bool:
        """Holds its room or waits to: it can still be moved or cancelled."""
        return self.status in ACTIVE_STATUSES

    @property
    def is_confirmed(self) -> bool:
        """Takes place: volunteers and children can sign up for it."""
        return self.status == "confirmed"

    @property
    def awaits_decision(self) -> bool:
        """Waits for a manager of the home to approve or decline it."""
        return self.status == "requested"

    def __repr__(self) -> str:
        return f"<Occurrence {self.id} room={self.room_id} {self.starts_at:%Y-%m-%d %H:%M} {self.status}>"


# No two confirmed occurrences of one room overlap; '[)' lets bookings meet back to back.
Occurrence.__table__.append_constraint(
    ExcludeConstraint(
        (Occurrence.__table__.c.room_id, "="),
        (
            func.tstzrange(
                Occurrence.__table__.c.starts_at,
                Occurrence.__table__.c.ends_at,
                literal_column("'[)'"),
            ),
            "&&",
        ),
        name="ex_occurrences_room_no_overlap",
        using="gist",
        where=text("status = 'confirmed'"),
    ).ddl_if(dialect="postgresql")
)


class Need(db.Model):
    """Volunteers an event needs at each of its occurrences; the scheduler fills them."""

    __tablename__ = "needs"
    __table_args__ = (
        CheckConstraint("min_headcount >= 0", name="min_nonnegative"),
        CheckConstraint("max_headcount >= min_headcount", name="max_at_least_min"),
        CheckConstraint(
            "preferred_headcount IS NULL OR "
            "(preferred_headcount >= min_headcount AND preferred_headcount <= max_headcount)",
            name="preferred_between",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id", ondelete="SET NULL"))
    min_headcount: Mapped[int] = mapped_column(default=1, nullable=False)
    max_headcount: Mapped[int] = mapped_column(default=1, nullable=False)
    vetting_required: Mapped[bool] = mapped_column(default=True, nullable=False)
    # Headcount to aim for above the minimum (None: the minimum), as the planner reads it.
    preferred_headcount: Mapped[int | None]
    # Volunteers may sign up for its dates themselves (issue: volunteer self-service).
    open_for_signup: Mapped[bool] = mapped_column(
        default=False, server_default=sa_false(), nullable=False
    )

    event: Mapped[Event] = relationship(back_populates="needs")
    skill: Mapped[Skill | None] = relationship()


class CallSlot(db.Model):
    """A child's turn in a family video-call session. Only initials or a pseudonym are kept."""

    __tablename__ = "call_slots"
    __table_args__ = (UniqueConstraint("occurrence_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("occurrences.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    child_label: Mapped[str | None] = mapped_column(String(20))
    # The child's record; the label stays for display and for slots booked before records.
    child_id: Mapped[int | None] = mapped_column(
        ForeignKey("children.id", ondelete="SET NULL"), index=True
    )
    signed_up_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    occurrence: Mapped[Occurrence] = relationship(back_populates="call_slots")
