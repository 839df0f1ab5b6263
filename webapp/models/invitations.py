"""Invitations to sign in: how a volunteer added by a coordinator (by hand or by import) gets
an account for their existing profile, without anyone linking accounts by a guessable phone
number or e-mail address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, utcnow
from webapp.models.volunteers import Volunteer


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    # SHA-256 of the token in the link; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # Set when the link is used, or when a newer invitation replaces it.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    volunteer: Mapped[Volunteer] = relationship()
