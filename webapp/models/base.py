"""Column types and mixins shared by all models."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, String, TypeDecorator, event
from sqlalchemy.orm import Mapped, mapped_column

from webapp.clock import utcnow
from webapp.pinyin import KEY_LENGTH, sort_key

__all__ = ["NameKeyMixin", "TimestampMixin", "UTCDateTime", "utcnow"]


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every database.

    PostgreSQL keeps time zones; SQLite does not, so we store UTC there and hand back aware values.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


def _key_on_insert(context) -> str:
    """For inserts that bypass the ORM's attribute events (bulk inserts of the benchmarks)."""
    return sort_key(context.get_current_parameters().get("name"))


class NameKeyMixin:
    """`name_key`: the pinyin sort key of `name` (webapp/pinyin.py), kept right on every write.

    Setting `name` through the ORM sets the key (form, import, invitation, registration, demo all
    go through it); a bulk insert gets it from the column default. Lists order by
    (name_key, name, id), so paging by name stays in the database.
    """

    name_key: Mapped[str] = mapped_column(
        String(KEY_LENGTH), default=_key_on_insert, server_default="", nullable=False, index=True
    )

    @classmethod
    def __declare_last__(cls) -> None:
        event.listen(cls.name, "set", _name_set)

    @classmethod
    def by_name(cls) -> tuple:
        """ORDER BY terms for listing by name."""
        return (cls.name_key, cls.name, cls.id)


def _name_set(target, value, _old, _initiator) -> None:
    target.name_key = sort_key(value)
