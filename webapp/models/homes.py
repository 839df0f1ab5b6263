"""Children's homes (留守儿童之家), their managers and rooms."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.accounts import User
from webapp.models.base import NameKeyMixin, TimestampMixin
from webapp.models.places import Place

ROOM_KINDS = ("activity", "library", "video_call", "classroom")

home_managers = Table(
    "home_managers",
    db.metadata,
    Column("home_id", ForeignKey("homes.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Home(NameKeyMixin, TimestampMixin, db.Model):
    __tablename__ = "homes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai", nullable=False)
    notes: Mapped[str] = mapped_column(Text, default="", nullable=False)

    place: Mapped[Place | None] = relationship()
    managers: Mapped[list[User]] = relationship(
        secondary=home_managers, order_by="(User.name_key, User.name)"
    )
    rooms: Mapped[list[Room]] = relationship(
        back_populates="home", cascade="all, delete-orphan", order_by="Room.id"
    )
    opening_hours: Mapped[list[OpeningHours]] = relationship(
        back_populates="home",
        cascade="all, delete-orphan",
        order_by="(OpeningHours.valid_from, OpeningHours.weekday, OpeningHours.start_minute)",
    )
    closures: Mapped[list[Closure]] = relationship(
        back_populates="home", cascade="all, delete-orphan", order_by="Closure.starts_on"
    )

    def __repr__(self) -> str:
        return f"<Home {self.id} {self.name}>"


class Room(TimestampMixin, db.Model):
    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("homes.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    capacity: Mapped[int] = mapped_column(default=20, nullable=False)
    bookable: Mapped[bool] = mapped_column(default=True, nullable=False)
    requires_approval: Mapped[bool] = mapped_column(default=False, nullable=False)
    # A video-call room: how many family calls it holds at once (one tablet or phone each).
    calls_at_once: Mapped[int] = mapped_column(default=1, server_default="1", nullable=False)

    home: Mapped[Home] = relationship(back_populates="rooms")

    def __repr__(self) -> str:
        return f"<Room {self.id} {self.name}>"


class OpeningHours(db.Model):
    """One opening period on one weekday (0 = Monday), in the home's local time.

    Rows with the same validity form a timetable; on a given date the timetable with the latest
    start of validity that covers the date applies, so a summer timetable replaces the term one.
    """

    __tablename__ = "opening_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("start_minute >= 0 AND end_minute <= 1440", name="minute_range"),
        CheckConstraint("start_minute < end_minute", name="start_before_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("homes.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(nullable=False)
    start_minute: Mapped[int] = mapped_column(nullable=False)
    end_minute: Mapped[int] = mapped_column(nullable=False)
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    label: Mapped[str] = mapped_column(String(60), default="", nullable=False)

    home: Mapped[Home] = relationship(back_populates="opening_hours")

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Closure(TimestampMixin, db.Model):
    """Dates (inclusive) when a home, or one of its rooms, is closed: holidays, repairs."""

    __tablename__ = "closures"
    __table_args__ = (CheckConstraint("starts_on <= ends_on", name="start_before_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("homes.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(nullable=False)
    ends_on: Mapped[date] = mapped_column(nullable=False)
    reason: Mapped[str] = mapped_column(String(200), nullable=False)

    home: Mapped[Home] = relationship(back_populates="closures")
    room: Mapped[Room | None] = relationship()

    def covers(self, day: date, room_id: int | None = None) -> bool:
        applies = self.room_id is None or room_id is None or self.room_id == room_id
        return applies and self.starts_on <= day <= self.ends_on
