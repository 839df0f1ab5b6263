"""People who log in: users and their roles."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, event, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import NameKeyMixin, TimestampMixin, UTCDateTime

ADMIN = "admin"
COORDINATOR = "coordinator"
HOME_MANAGER = "home_manager"
VOLUNTEER = "volunteer"
ROLES = (ADMIN, COORDINATOR, HOME_MANAGER, VOLUNTEER)


class User(UserMixin, NameKeyMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(default=True, nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # The role names read with the login session (webapp.login_sessions), so that every request
    # need not load the role rows as objects; forgotten as soon as the rows change or expire.
    _role_names = None  # a plain attribute (a frozenset of names once read), not a column

    def use_role_names(self, names: Iterable[str]) -> None:
        self._role_names = frozenset(names)

    @property
    def roles(self) -> set[str]:
        if self._role_names is not None:
            return set(self._role_names)
        return {row.role for row in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        if self._role_names is not None:
            return not self._role_names.isdisjoint(roles)
        return bool(self.roles.intersection(roles))

    def set_roles(self, roles: set[str]) -> None:
        unknown = set(roles) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles: {sorted(unknown)}")
        self._role_names = None
        keep = [row for row in self.role_rows if row.role in roles]
        present = {row.role for row in keep}
        self.role_rows = keep + [UserRole(role=r) for r in sorted(roles - present)]

    @property
    def is_active(self) -> bool:  # flask-login reads this
        return self.active

    # The token of the login session this request runs in (set by webapp.login_sessions); never
    # stored: the database keeps only its hash.
    login_token = None  # a plain attribute, not a column

    def get_id(self) -> str:
        """What flask-login puts in the session and remember-me cookies: the session's token."""
        if not self.login_token:
            raise RuntimeError("log in through webapp.login_sessions.start()")
        return self.login_token

    @classmethod
    def by_email(cls, email: str) -> User | None:
        return db.session.scalar(select(cls).where(func.lower(cls.email) == email.strip().lower()))

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


@event.listens_for(User.role_rows, "append", propagate=True)
@event.listens_for(User.role_rows, "remove", propagate=True)
@event.listens_for(User.role_rows, "bulk_replace", propagate=True)
def _forget_role_names(user: User, *args) -> None:
    user._role_names = None


@event.listens_for(User, "expire", propagate=True)
@event.listens_for(User, "refresh", propagate=True)
def _forget_role_names_on_reload(user: User | None, *args) -> None:
    if user is not None:  # None: the object was already garbage-collected
        user._role_names = None


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")
