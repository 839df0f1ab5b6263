"""Coverage counts as they were reported: once a month's report went out (its XLSX exported, or
`flask close-coverage`), its counts are stored here and every later view of that month reads
them, so that erasing a child later leaves the counts already reported (PIPL erasure keeps only
counts). Counts only: no child is named or referenced.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime


class CoverageMonth(db.Model):
    """A reported month (its first day): one row, so that a month is stored once."""

    __tablename__ = "coverage_months"

    month: Mapped[date] = mapped_column(primary_key=True)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    reported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    counts: Mapped[list[CoverageCount]] = relationship(
        back_populates="coverage_month", cascade="all, delete-orphan", passive_deletes=True
    )


class CoverageCount(db.Model):
    """One home and school's counts in a reported month. school is None for a home that had no
    child counted (kept so that the home is listed, with zeros). Names are kept as reported."""

    __tablename__ = "coverage_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(
        ForeignKey("coverage_months.month", ondelete="CASCADE"), index=True
    )
    home_id: Mapped[int | None] = mapped_column(ForeignKey("homes.id", ondelete="SET NULL"))
    home_name: Mapped[str] = mapped_column(String(100), nullable=False)
    township: Mapped[str] = mapped_column(String(100), default="", nullable=False)
    school: Mapped[str | None] = mapped_column(String(100))
    children: Mapped[int] = mapped_column(nullable=False)
    talk: Mapped[int] = mapped_column(nullable=False)
    call: Mapped[int] = mapped_column(nullable=False)
    visit: Mapped[int] = mapped_column(nullable=False)
    overdue: Mapped[int] = mapped_column(nullable=False)

    coverage_month: Mapped[CoverageMonth] = relationship(back_populates="counts")
