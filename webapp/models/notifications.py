"""The notifications outbox: messages waiting to be sent. Delivery is a later job's work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.accounts import User
from webapp.models.base import TimestampMixin, UTCDateTime

OUTBOX_STATUSES = ("pending", "sent", "failed")


class OutboxMessage(TimestampMixin, db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(254), nullable=False)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    related_type: Mapped[str | None] = mapped_column(String(40))
    related_id: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(10), default="pending", nullable=False, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    to_user: Mapped[User | None] = relationship()
