"""The child's card (一人一卡), the carers paired with a child, and the contact records.

Children's data is sensitive personal information: every list shows the pseudonym; the real name
is optional and shown only to roles allowed to see names. No photo, no ID number, no address.
Duties, care goals, meetings and the access log are in webapp/models/child_care.py.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from webapp.extensions import db
from webapp.models.accounts import User
from webapp.models.base import TimestampMixin, UTCDateTime
from webapp.models.homes import Home
from webapp.models.volunteers import Volunteer

AGE_BANDS = ("under_6", "6_to_9", "10_to_13", "14_to_17")
UNDER_14_BANDS = ("under_6", "6_to_9", "10_to_13")
# Contact kinds: a talk, a home visit, a phone call with the child or guardian, the family video
# call, a meeting attended, a care-plan review; "other" for what fits none.
CARE_LOG_KINDS = ("talk", "visit", "call", "video_call", "meeting", "review", "other")
SEXES = ("f", "m")
# The 2016 national survey's three-level guardianship assessment.
GUARDIANSHIP_LEVELS = ("good", "fair", "poor")
# Counties' four-colour priority, most urgent first.
PRIORITIES = ("red", "yellow", "blue", "green")
# Who a pairing makes responsible: a surrogate parent (代理家长) or the class teacher.
PAIRING_ROLES = ("surrogate", "teacher")


class Household(TimestampMixin, db.Model):
    """Where a child lives with the guardian: siblings share one. A home visit goes to a
    household once, and siblings take their family video call together. Only the village and
    map point are kept (for planning visits), never a street address."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A label the staff recognise without naming anyone (e.g. "石门村 三组 1").
    label: Mapped[str] = mapped_column(String(50), nullable=False)
    village: Mapped[str] = mapped_column(String(50), default="", nullable=False)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"))
    lat: Mapped[float | None]
    lon: Mapped[float | None]

    children: Mapped[list[Child]] = relationship(back_populates="household", order_by="Child.id")

    def __repr__(self) -> str:
        return f"<Household {self.id} {self.label}>"


class Child(TimestampMixin, db.Model):
    __tablename__ = "children"

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(20), nullable=False)
    age_band: Mapped[str] = mapped_column(String(10), nullable=False)
    home_id: Mapped[int] = mapped_column(ForeignKey("homes.id", ondelete="RESTRICT"), index=True)
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="SET NULL"), index=True
    )
    guardian_consent: Mapped[bool] = mapped_column(default=False, nullable=False)
    consent_on: Mapped[date | None]
    # Consent to counting the child in reports, separate from consent to care.
    report_consent: Mapped[bool] = mapped_column(default=False, nullable=False)
    real_name: Mapped[str | None] = mapped_column(String(50))
    sex: Mapped[str | None] = mapped_column(String(1))
    birth_year: Mapped[int | None]
    school: Mapped[str] = mapped_column(String(100), default="", nullable=False, index=True)
    grade: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    village: Mapped[str] = mapped_column(String(50), default="", nullable=False)
    guardian_name: Mapped[str] = mapped_column(String(50), default="", nullable=False)
    guardian_relation: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    guardian_phone: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    guardianship: Mapped[str | None] = mapped_column(String(10))
    father_work_city: Mapped[str] = mapped_column(String(50), default="", nullable=False)
    father_phone: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    father_last_home_on: Mapped[date | None]
    mother_work_city: Mapped[str] = mapped_column(String(50), default="", nullable=False)
    mother_phone: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    mother_last_home_on: Mapped[date | None]
    priority: Mapped[str | None] = mapped_column(String(10))
    priority_reason: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    next_review_on: Mapped[date | None]
    # Set when a coordinator erased the child's data: the row stays, without anything personal,
    # so that counts of pairings and contacts in reports stay right.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    home: Mapped[Home] = relationship()
    household: Mapped[Household | None] = relationship(back_populates="children")
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
        # One active surrogate parent and one class teacher per child, held by the database.
        Index(
            "uq_pairings_one_active_per_child_role",
            "child_id",
            "role",
            unique=True,
            postgresql_where=text("ended_on IS NULL"),
            sqlite_where=text("ended_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(
        String(10), default="surrogate", server_default="surrogate", nullable=False
    )
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
    """One contact with a child: who, when, kind and a one-line note.

    Made by a paired carer (pairing_id set) or by anyone else allowed (a manager recording a video
    call, a coordinator a meeting). It completes the duty it answers (duty_id). Coverage counts
    these rows, so they are indexed by date and kind.
    """

    __tablename__ = "care_logs"
    __table_args__ = (
        Index("ix_care_logs_child_happened", "child_id", "happened_on"),
        Index("ix_care_logs_happened_kind_child", "happened_on", "kind", "child_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    pairing_id: Mapped[int | None] = mapped_column(
        ForeignKey("pairings.id", ondelete="CASCADE"), index=True
    )
    duty_id: Mapped[int | None] = mapped_column(
        ForeignKey("child_duties.id", ondelete="SET NULL"), index=True
    )
    happened_on: Mapped[date] = mapped_column(nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    note: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The carer who made the contact, when it is a volunteer (for "my children" and hours).
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    child: Mapped[Child] = relationship()
    pairing: Mapped[Pairing | None] = relationship(back_populates="logs")
    author: Mapped[User | None] = relationship()
    volunteer: Mapped[Volunteer | None] = relationship()

    @validates("pairing")
    def _child_of_pairing(self, _key: str, pairing: Pairing | None) -> Pairing | None:
        # A carer's contact belongs to the paired child and names the carer.
        if pairing is not None:
            self.child = pairing.child
            self.volunteer = pairing.volunteer
        return pairing
