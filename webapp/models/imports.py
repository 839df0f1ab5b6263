"""A volunteer import waiting for the coordinator's confirmation (kept server-side, not in the cookie)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.models.base import UTCDateTime, utcnow


class PendingImport(db.Model):
    __tablename__ = "pending_imports"

    # A random token: the preview's URL names it; only its creator may see or confirm it.
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_by_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    # The cells as read from the file: {"header": [...], "rows": [[line, {field: text}], ...]}.
    payload: Mapped[dict] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    # Confirming writes the rows once: a second confirm (a double click, two tabs) finds these
    # set and answers with the same result instead of importing again.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    result: Mapped[dict | None] = mapped_column(JSON)
