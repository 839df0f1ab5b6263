"""Surrogate-parent pairing (代理家长结对): a minimal child record, pairings and their care log.

Children's data is sensitive personal information: we keep a pseudonym or initials, an age band,
the home, and the guardian's consent with its date. No photo, no ID number, no address.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.accounts import User
from webapp.models.base import TimestampMixin, UTCDateTime
from webapp.models.homes import Home
from webapp.models.volunteers import Volunteer

AGE_BANDS = ("under_6", "6_to_9", "10_to_13", "14_to_17")
UNDER_14_BANDS = ("under_6", "6_to_9", "10_to_13")
CARE_LOG_KINDS = ("talk", "visit", "other")


class Child(TimestampMixin, db.Model):
    __tablename__ = "children"

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(20), nullable=False)
    age_band: Mapped[str] = mapped_column(String(10), nullable=False)
    home_id: Mapped[int] = mapped_column(ForeignKey("homes.id", ondelete="RESTRICT"), index=True)
    guardian_consent: Mapped[bool] = mapped_column(default=False, nullable=False)
    consent_on: Mapped[date | None]
    # Set when a coordinator erased the child's data: the row stays, without anything personal,
    # so that counts of pairings and contacts in reports stay right.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    home: Mapped[Home] = relationship()
    pairings: Mapped[list[Pairing]] = relationship(
        back_populates="child", order_by="Pairing.started_on"
    )

    @property
    def under_14(self) -> bool:
        return self.age_band in UNDER_14_BANDS

    @property
    def consent_recorded(self) -> bool:
        return self.guardian_consent and self.consent_on is not None

    @property
    def active_pairing(self) -> Pairing | None:
        return next((p for p in self.pairings if p.ended_on is None), None)

    def __repr__(self) -> str:
        return f"<Child {self.id} {self.pseudonym}>"


class Pairing(TimestampMixin, db.Model):
    """A surrogate parent and a child, with contact duties: a weekly talk and a monthly visit."""

    __tablename__ = "pairings"
    __table_args__ = (
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="end_after_start"),
        Index("ix_pairings_active_volunteer", "volunteer_id", "ended_on"),
        # One active surrogate parent per child, held by the database on every engine.
        Index(
            "uq_pairings_one_active_per_child",
            "child_id",
            unique=True,
            postgresql_where=text("ended_on IS NULL"),
            sqlite_where=text("ended_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    started_on: Mapped[date] = mapped_column(nullable=False)
    ended_on: Mapped[date | None]
    weekly_talk: Mapped[bool] = mapped_column(default=True, nullable=False)
    monthly_visit: Mapped[bool] = mapped_column(default=True, nullable=False)

    volunteer: Mapped[Volunteer] = relationship()
    child: Mapped[Child] = relationship(back_populates="pairings")
    logs: Mapped[list[CareLog]] = relationship(
        back_populates="pairing",
        cascade="all, delete-orphan",
        order_by="(CareLog.happened_on.desc(), CareLog.id.desc())",
    )

    @property
    def active(self) -> bool:
        return self.ended_on is None

    def __repr__(self) -> str:
        return f"<Pairing {self.id} v{self.volunteer_id} c{self.child_id}>"


class CareLog(db.Model):
    """One contact: date, kind (talk, visit, other) and a one-line note."""

    __tablename__ = "care_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(
        ForeignKey("pairings.id", ondelete="CASCADE"), index=True
    )
    happened_on: Mapped[date] = mapped_column(nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    note: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    pairing: Mapped[Pairing] = relationship(back_populates="logs")
    author: Mapped[User | None] = relationship()
