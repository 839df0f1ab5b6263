"""Administrative places of a county: county -> township (乡/镇) -> village (村)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db

PLACE_KINDS = ("county", "township", "village")


class Place(db.Model):
    __tablename__ = "places"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), index=True)
    lat: Mapped[float | None]
    lon: Mapped[float | None]

    parent: Mapped[Place | None] = relationship(remote_side="Place.id", back_populates="children")
    children: Mapped[list[Place]] = relationship(back_populates="parent", order_by="Place.name")

    @property
    def full_name(self) -> str:
        names, place = [], self
        while place is not None:
            names.append(place.name)
            place = place.parent
        return "".join(reversed(names))

    def __repr__(self) -> str:
        return f"<Place {self.kind} {self.name}>"
