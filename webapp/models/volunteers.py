"""Volunteers, their skills, availability and vetting; college summer teams."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import (
    false as sa_false,
)
from sqlalchemy import (
    true as sa_true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp import clock
from webapp.extensions import db
from webapp.models.accounts import User
from webapp.models.base import NameKeyMixin, TimestampMixin

if TYPE_CHECKING:
    from webapp.models.homes import Home

VOLUNTEER_KINDS = ("surrogate_parent", "college_student", "teacher", "community")
TRANSPORT_MODES = ("walk", "bicycle", "ebike", "bus", "car")
VETTING_STATUSES = ("none", "pending", "cleared", "expired", "rejected")
DATE_RANGE_KINDS = ("available", "away")

volunteer_skills = Table(
    "volunteer_skills",
    db.metadata,
    Column("volunteer_id", ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True),
)


class Skill(db.Model):
    """A subject or skill (语文, 心理辅导, first aid ...); coordinators may add more."""

    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    name_zh: Mapped[str] = mapped_column(String(60), nullable=False)
    name_en: Mapped[str] = mapped_column(String(60), nullable=False)

    @staticmethod
    def name_field(locale: str | None) -> str:
        """The column that names a skill in this language (queries that read labels use it)."""
        return "name_en" if (locale or "").startswith("en") else "name_zh"

    def label(self, locale: str | None) -> str:
        return getattr(self, Skill.name_field(locale))

    def __repr__(self) -> str:
        return f"<Skill {self.code}>"


class Volunteer(NameKeyMixin, TimestampMixin, db.Model):
    __tablename__ = "volunteers"
    __table_args__ = (
        CheckConstraint("max_travel_minutes >= 0", name="max_travel_nonnegative"),
        CheckConstraint("max_sessions_per_week >= 0", name="max_sessions_nonnegative"),
        CheckConstraint("max_minutes_per_week >= 0", name="max_minutes_nonnegative"),
        CheckConstraint("max_posts >= 0", name="max_posts_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    gender: Mapped[str | None] = mapped_column(String(10))
    place_name: Mapped[str] = mapped_column(String(100), default="", nullable=False)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    transport_mode: Mapped[str] = mapped_column(String(10), default="bus", nullable=False)
    max_travel_minutes: Mapped[int] = mapped_column(default=45, nullable=False)
    max_sessions_per_week: Mapped[int] = mapped_column(default=2, nullable=False)
    notes: Mapped[str] = mapped_column(Text, default="", nullable=False)
    vetting_status: Mapped[str] = mapped_column(
        String(10), default="none", nullable=False, index=True
    )
    cleared_on: Mapped[date | None]
    expires_on: Mapped[date | None] = mapped_column(index=True)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    vetting_note: Mapped[str] = mapped_column(Text, default="", nullable=False)
    # What the planner reads beyond the profile: weekly minutes (sessions plus travel), summer
    # posts at most, adult (a post needs a cleared adult), may lead a post, and the cohort
    # (college or class) to be placed with; preferences and companions are tables below.
    max_minutes_per_week: Mapped[int] = mapped_column(
        default=600, server_default="600", nullable=False
    )
    max_posts: Mapped[int] = mapped_column(default=1, server_default="1", nullable=False)
    is_adult: Mapped[bool] = mapped_column(default=True, server_default=sa_true(), nullable=False)
    can_lead: Mapped[bool] = mapped_column(default=False, server_default=sa_false(), nullable=False)
    cohort: Mapped[str] = mapped_column(String(60), default="", server_default="", nullable=False)
    # The volunteer asks for messages by SMS (to `phone`) rather than by e-mail.
    prefers_sms: Mapped[bool] = mapped_column(
        default=False, server_default=sa_false(), nullable=False
    )

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    checked_by: Mapped[User | None] = relationship(foreign_keys=[checked_by_id])
    skills: Mapped[list[Skill]] = relationship(secondary=volunteer_skills, order_by="Skill.id")
    weekly_availability: Mapped[list[WeeklyAvailability]] = relationship(
        back_populates="volunteer",
        cascade="all, delete-orphan",
        order_by="(WeeklyAvailability.weekday, WeeklyAvailability.start_minute)",
    )
    date_ranges: Mapped[list[VolunteerDateRange]] = relationship(
        back_populates="volunteer",
        cascade="all, delete-orphan",
        order_by="VolunteerDateRange.starts_on",
    )
    preferred_homes: Mapped[list[Home]] = relationship(
        secondary="volunteer_preferred_homes", order_by="Home.id"
    )
    preferred_skills: Mapped[list[Skill]] = relationship(
        secondary="volunteer_preferred_skills", order_by="Skill.id"
    )
    companions: Mapped[list[Volunteer]] = relationship(
        secondary="volunteer_companions",
        primaryjoin="Volunteer.id == volunteer_companions.c.volunteer_id",
        secondaryjoin="Volunteer.id == volunteer_companions.c.companion_id",
        order_by="Volunteer.id",
    )

    def is_cleared(self, on: date | None = None) -> bool:
        """Cleared and not expired on the given day: the gate for any work with children."""
        on = on or clock.today()
        if self.vetting_status != "cleared":
            return False
        return self.expires_on is None or self.expires_on >= on

    def __repr__(self) -> str:
        return f"<Volunteer {self.id} {self.name}>"


class WeeklyAvailability(db.Model):
    """One weekly time range; weekday 0 = Monday, minutes since midnight in the home's zone."""

    __tablename__ = "weekly_availability"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("start_minute < end_minute", name="start_before_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(nullable=False)
    start_minute: Mapped[int] = mapped_column(nullable=False)
    end_minute: Mapped[int] = mapped_column(nullable=False)

    volunteer: Mapped[Volunteer] = relationship(back_populates="weekly_availability")


class VolunteerDateRange(db.Model):
    """Available (e.g. for the summer) or away, both ends inclusive."""

    __tablename__ = "volunteer_date_ranges"
    __table_args__ = (CheckConstraint("starts_on <= ends_on", name="start_before_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    starts_on: Mapped[date] = mapped_column(nullable=False)
    ends_on: Mapped[date] = mapped_column(nullable=False)

    volunteer: Mapped[Volunteer] = relationship(back_populates="date_ranges")


class Team(NameKeyMixin, TimestampMixin, db.Model):
    """A college summer team (暑期三下乡); the solver places it whole or not at all."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    college: Mapped[str] = mapped_column(String(100), nullable=False)
    # The programme (e.g. "2026 暑期三下乡") the team serves; a volunteer joins one team per programme.
    programme: Mapped[str] = mapped_column(
        String(60), default="", server_default="", nullable=False
    )
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id", ondelete="SET NULL"))
    contact: Mapped[str] = mapped_column(String(100), default="", nullable=False)

    leader: Mapped[Volunteer | None] = relationship(foreign_keys=[leader_id])
    memberships: Mapped[list[TeamMember]] = relationship(
        back_populates="team", cascade="all, delete-orphan"
    )

    @property
    def members(self) -> list[Volunteer]:
        return [m.volunteer for m in self.memberships]


class TeamMember(db.Model):
    __tablename__ = "team_members"
    __table_args__ = (
        UniqueConstraint("team_id", "volunteer_id"),
        # At most one team per programme: the programme is copied from the team on joining.
        UniqueConstraint("volunteer_id", "programme", name="uq_team_members_volunteer_programme"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    programme: Mapped[str] = mapped_column(
        String(60), default="", server_default="", nullable=False
    )

    team: Mapped[Team] = relationship(back_populates="memberships")
    volunteer: Mapped[Volunteer] = relationship()
