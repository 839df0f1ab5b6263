"""Site-wide key/value settings (e.g. whether the demo county is loaded)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db


class Setting(db.Model):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)

    @classmethod
    def get(cls, key: str, default: str | None = None) -> str | None:
        row = db.session.get(cls, key)
        return row.value if row else default

    @classmethod
    def put(cls, key: str, value: str) -> None:
        row = db.session.get(cls, key)
        if row is None:
            db.session.add(cls(key=key, value=value))
        else:
            row.value = value
