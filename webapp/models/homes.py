"""Children's homes (留守儿童之家), their managers and rooms."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.accounts import User
from webapp.models.base import TimestampMixin
from webapp.models.places import Place

ROOM_KINDS = ("activity", "library", "video_call", "classroom")

home_managers = Table(
    "home_managers",
    db.metadata,
    Column("home_id", ForeignKey("homes.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Home(TimestampMixin, db.Model):
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
    managers: Mapped[list[User]] = relationship(secondary=home_managers, order_by="User.name")
    rooms: Mapped[list[Room]] = relationship(
        back_populates="home", cascade="all, delete-orphan", order_by="Room.id"
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

    home: Mapped[Home] = relationship(back_populates="rooms")

    def __repr__(self) -> str:
        return f"<Room {self.id} {self.name}>"
