"""What is owed to a child and who looked at the child's card.

A duty, as in Primero, is a due date plus a done date; it recurs as in DHIS2's tracker: first due
`first_after_days` after it starts, then every `interval_days` after it was last done. Whether a
duty is overdue, due today or due soon is decided here once, in Python (`ChildDuty.state`) and in
SQL (`ChildDuty.overdue_on`), so that dashboards, lists, reminders and reports agree.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from webapp.extensions import db
from webapp.models.accounts import User
from webapp.models.base import TimestampMixin, UTCDateTime
from webapp.models.children import Child, Pairing
from webapp.models.homes import Home

# weekly_talk and monthly_visit: the surrogate parent's; teacher_talk: the class teacher's monthly
# talk (每月谈心); guardian_call: a monthly call with the guardian; video_call: the weekly family
# video call (亲情视频); plan_review: the care plan's review.
DUTY_KINDS = (
    "weekly_talk",
    "monthly_visit",
    "teacher_talk",
    "guardian_call",
    "video_call",
    "plan_review",
)
# Which contact kind completes which duty.
CONTACT_KIND_OF_DUTY = {
    "weekly_talk": "talk",
    "monthly_visit": "visit",
    "teacher_talk": "talk",
    "guardian_call": "call",
    "video_call": "video_call",
    "plan_review": "review",
}
# "Upcoming" means due within this many days (Primero's window).
SOON_DAYS = 7
DUTY_STATES = ("overdue", "today", "soon", "later", "ended")
MEETING_KINDS = ("guardian_meeting", "children_meeting")
ACCESS_ACTIONS = ("view", "edit", "export", "erase")


class ChildDuty(TimestampMixin, db.Model):
    __tablename__ = "child_duties"
    __table_args__ = (
        CheckConstraint("interval_days > 0", name="interval_positive"),
        CheckConstraint("first_after_days >= 0", name="first_after_not_negative"),
        # The overdue count per home is an index range scan on open duties by due date.
        Index("ix_child_duties_open_due", "ended_on", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    # The responsible person: a paired carer (surrogate parent or teacher), else a user (a home
    # manager for the video call, a coordinator for the plan review).
    pairing_id: Mapped[int | None] = mapped_column(
        ForeignKey("pairings.id", ondelete="CASCADE"), index=True
    )
    responsible_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    starts_on: Mapped[date] = mapped_column(nullable=False)
    first_after_days: Mapped[int] = mapped_column(nullable=False)
    interval_days: Mapped[int] = mapped_column(nullable=False)
    # The current due date and the last done date: the next due date is last done + interval.
    due_on: Mapped[date] = mapped_column(nullable=False)
    last_done_on: Mapped[date | None]
    ended_on: Mapped[date | None]

    child: Mapped[Child] = relationship()
    pairing: Mapped[Pairing | None] = relationship()
    responsible_user: Mapped[User | None] = relationship()

    @staticmethod
    def first_due(starts_on: date, first_after_days: int) -> date:
        return starts_on + timedelta(days=first_after_days)

    def mark_done(self, done_on: date) -> None:
        """A contact answered this duty: it falls due again one interval after the latest one."""
        if self.last_done_on is None or done_on > self.last_done_on:
            self.last_done_on = done_on
            self.due_on = done_on + timedelta(days=self.interval_days)

    def state(self, today: date) -> str:
        """overdue, today, soon (within SOON_DAYS), later, or ended; `today` in China time."""
        if self.ended_on is not None and self.ended_on <= today:
            return "ended"
        if self.due_on < today:
            return "overdue"
        if self.due_on == today:
            return "today"
        if self.due_on <= today + timedelta(days=SOON_DAYS):
            return "soon"
        return "later"

    @classmethod
    def overdue_on(cls, today: date) -> ColumnElement[bool]:
        """The SQL twin of `state(today) == "overdue"`, for counts and lists."""
        return and_(
            cls.due_on < today,
            (cls.ended_on.is_(None)) | (cls.ended_on > today),
        )

    def __repr__(self) -> str:
        return f"<ChildDuty {self.id} c{self.child_id} {self.kind} due {self.due_on}>"


class CareGoal(TimestampMixin, db.Model):
    """One goal of a child's care plan (一人一策): who does what by when, done on, result."""

    __tablename__ = "care_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    goal: Mapped[str] = mapped_column(String(200), nullable=False)
    who: Mapped[str] = mapped_column(String(100), default="", nullable=False)
    action: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    due_on: Mapped[date | None]
    done_on: Mapped[date | None]
    result: Mapped[str] = mapped_column(Text, default="", nullable=False)

    child: Mapped[Child] = relationship()


class ChildMeeting(TimestampMixin, db.Model):
    """A guardian meeting or the monthly 留守儿童会 of a home or a school, recorded afterwards."""

    __tablename__ = "child_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    home_id: Mapped[int | None] = mapped_column(
        ForeignKey("homes.id", ondelete="CASCADE"), index=True
    )
    school: Mapped[str] = mapped_column(String(100), default="", nullable=False)
    held_on: Mapped[date] = mapped_column(nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(100), default="", nullable=False)
    note: Mapped[str] = mapped_column(Text, default="", nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    home: Mapped[Home | None] = relationship()
    attendance: Mapped[list[MeetingAttendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )


class MeetingAttendance(db.Model):
    __tablename__ = "meeting_attendance"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("child_meetings.id", ondelete="CASCADE"), primary_key=True
    )
    child_id: Mapped[int] = mapped_column(
        ForeignKey("children.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    child_present: Mapped[bool] = mapped_column(default=True, nullable=False)
    guardian_present: Mapped[bool] = mapped_column(default=False, nullable=False)

    meeting: Mapped[ChildMeeting] = relationship(back_populates="attendance")
    child: Mapped[Child] = relationship()


class ChildAccess(db.Model):
    """Who viewed, changed, exported or erased a child's record, and when (Primero's access log).

    child_id is empty for an export that covers many children (the coverage XLSX).
    """

    __tablename__ = "child_access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int | None] = mapped_column(
        ForeignKey("children.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(10), nullable=False)
    detail: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)

    child: Mapped[Child | None] = relationship()
    user: Mapped[User | None] = relationship()
