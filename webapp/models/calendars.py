"""Calendar feed tokens: a private feed URL per volunteer, home or team.

The database keeps only a hash of each token. The token itself is derived from the app's
SECRET_KEY and the row's random nonce (see webapp/blueprints/feeds/tokens.py), so that the owner's
page can show the link again while a copy of the database alone opens no feed. Rotating makes a
new row and revokes the old one; at most one active token per owner.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.accounts import User
from webapp.models.base import UTCDateTime, utcnow
from webapp.models.homes import Home
from webapp.models.volunteers import Team, Volunteer

FEED_KINDS = ("volunteer", "home", "team")


class CalendarToken(db.Model):
    __tablename__ = "calendar_tokens"
    __table_args__ = (
        CheckConstraint("owner_kind IN ('volunteer', 'home', 'team')", name="owner_kind_known"),
        CheckConstraint(
            "(owner_kind = 'volunteer' AND volunteer_id IS NOT NULL AND home_id IS NULL "
            "AND team_id IS NULL) OR "
            "(owner_kind = 'home' AND home_id IS NOT NULL AND volunteer_id IS NULL "
            "AND team_id IS NULL) OR "
            "(owner_kind = 'team' AND team_id IS NOT NULL AND volunteer_id IS NULL "
            "AND home_id IS NULL)",
            name="one_owner",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(10), nullable=False)
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE")
    )
    home_id: Mapped[int | None] = mapped_column(ForeignKey("homes.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    nonce: Mapped[str] = mapped_column(String(32), nullable=False)
    # sha256 of the token, hex: the only thing a presented token is looked up by.
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    volunteer: Mapped[Volunteer | None] = relationship()
    home: Mapped[Home | None] = relationship()
    team: Mapped[Team | None] = relationship()
    created_by: Mapped[User | None] = relationship()


# One active token per owner (NULL owners of the other kinds never collide in a unique index).
for _column in ("volunteer_id", "home_id", "team_id"):
    Index(
        f"uq_calendar_tokens_active_{_column}",
        CalendarToken.__table__.c[_column],
        unique=True,
        postgresql_where=CalendarToken.__table__.c.revoked_at.is_(None),
        sqlite_where=CalendarToken.__table__.c.revoked_at.is_(None),
    )
