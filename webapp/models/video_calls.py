"""The weekly family video-call rota (亲情视频): each child's weekly times (the parents' free
times, the school timetable) and the rota's placements, one call slot a week per child.

A placement belongs to a plan of a ``video_calls`` programme; siblings (one household) share
their slot. The published plan's placements are the rota the home's week, the child's card and
the manager's week list show.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import TimestampMixin
from webapp.models.children import Child
from webapp.models.homes import Room
from webapp.models.plans import Plan
from webapp.models.programmes import Programme

# "parents": when the parents can take a call; "school": when the child is at school (term).
CHILD_TIME_KINDS = ("parents", "school")
PLACEMENT_SOURCES = ("solver", "manual")


class ChildWeeklyTime(db.Model):
    __tablename__ = "child_weekly_times"
    __table_args__ = (
        CheckConstraint("kind IN ('parents', 'school')", name="kind_known"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint(
            "start_minute >= 0 AND start_minute < end_minute AND end_minute <= 1440",
            name="minutes_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    weekday: Mapped[int] = mapped_column(nullable=False)
    start_minute: Mapped[int] = mapped_column(nullable=False)
    end_minute: Mapped[int] = mapped_column(nullable=False)

    child: Mapped[Child] = relationship()


class CallPlacement(TimestampMixin, db.Model):
    """A child's weekly call in a plan: room, weekday and time (minutes from midnight)."""

    __tablename__ = "call_placements"
    __table_args__ = (
        # One call a week per child, held by the database.
        UniqueConstraint("plan_id", "child_id"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint(
            "start_minute >= 0 AND start_minute < end_minute AND end_minute <= 1440",
            name="minutes_order",
        ),
        CheckConstraint("source IN ('solver', 'manual')", name="source_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(nullable=False)
    start_minute: Mapped[int] = mapped_column(nullable=False)
    end_minute: Mapped[int] = mapped_column(nullable=False)
    pinned: Mapped[bool] = mapped_column(default=False, nullable=False)
    source: Mapped[str] = mapped_column(String(10), default="solver", nullable=False)

    plan: Mapped[Plan] = relationship()
    programme: Mapped[Programme] = relationship()
    child: Mapped[Child] = relationship()
    room: Mapped[Room] = relationship()

    @property
    def hhmm(self) -> str:
        """The call's start, e.g. "19:30"."""
        return f"{self.start_minute // 60:02d}:{self.start_minute % 60:02d}"

    def __repr__(self) -> str:
        return (
            f"<CallPlacement c{self.child_id} r{self.room_id} {self.weekday} {self.start_minute}>"
        )
