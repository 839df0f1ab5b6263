"""The summer home-visit campaign (暑期家访): which pair of adults visits which household on
which day, in visiting order. A placement belongs to a plan of a ``home_visits`` programme;
the published plan's placements are the route sheets and the visitors' schedules.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import TimestampMixin
from webapp.models.children import Household
from webapp.models.plans import Plan
from webapp.models.programmes import Programme
from webapp.models.volunteers import Volunteer


class VisitPlacement(TimestampMixin, db.Model):
    __tablename__ = "visit_placements"
    __table_args__ = (
        # Every household once in a campaign, held by the database.
        UniqueConstraint("plan_id", "household_id"),
        CheckConstraint("first_visitor_id <> second_visitor_id", name="two_people"),
        CheckConstraint("position >= 1", name="position_positive"),
        CheckConstraint("source IN ('solver', 'manual')", name="source_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    first_visitor_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    second_visitor_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date] = mapped_column(nullable=False)
    # Visiting order within the pair's day (1 = first), and the day's whole route in minutes.
    position: Mapped[int] = mapped_column(nullable=False)
    route_minutes: Mapped[int] = mapped_column(default=0, nullable=False)
    pinned: Mapped[bool] = mapped_column(default=False, nullable=False)
    source: Mapped[str] = mapped_column(String(10), default="solver", nullable=False)
    # Bumped on every change the visitors should see (iCal SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0, nullable=False)

    plan: Mapped[Plan] = relationship()
    programme: Mapped[Programme] = relationship()
    household: Mapped[Household] = relationship()
    first_visitor: Mapped[Volunteer] = relationship(foreign_keys=[first_visitor_id])
    second_visitor: Mapped[Volunteer] = relationship(foreign_keys=[second_visitor_id])

    @property
    def visitor_ids(self) -> tuple[int, int]:
        return (self.first_visitor_id, self.second_visitor_id)

    def __repr__(self) -> str:
        return f"<VisitPlacement hh{self.household_id} {self.day} #{self.position}>"
