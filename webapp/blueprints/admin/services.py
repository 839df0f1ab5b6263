"""User administration and the audit log: queries for the admin pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from webapp.clock import CHINA
from webapp.extensions import db
from webapp.inputs import parse_date, parse_id
from webapp.models import AuditLog, User, UserRole
from webapp.pagination import Page, paginate


def search_users(q: str = "", role: str = "", page: int = 1) -> Page:
    query: Select = select(User)
    if q:
        like = f"%{q.strip().lower()}%"
        query = query.where(
            or_(func.lower(User.email).like(like), func.lower(User.name).like(like))
        )
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    return paginate(query, page, User.by_name())


@dataclass(frozen=True)
class AuditFilters:
    """The audit log's filters, all in the query string so that a filtered view can be shared."""

    who: str = ""  # part of the actor's name or e-mail
    object_type: str = ""
    object_id: int | None = None
    date_from: date | None = None  # China dates, inclusive
    date_to: date | None = None
    action: str = ""

    @classmethod
    def from_args(cls, args) -> AuditFilters:
        object_type, _sep, raw_id = args.get("object", "").partition(":")
        object_type = object_type or args.get("type", "")
        return cls(
            who=args.get("who", "").strip()[:100],
            object_type=object_type.strip()[:40],
            object_id=parse_id(raw_id),
            date_from=_date(args.get("from", "")),
            date_to=_date(args.get("to", "")),
            action=args.get("action", "").strip()[:60],
        )

    def query_args(self) -> dict[str, str]:
        args = {
            "who": self.who,
            "type": "" if self.object_id else self.object_type,
            "object": f"{self.object_type}:{self.object_id}" if self.object_id else "",
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "action": self.action,
        }
        return {k: v for k, v in args.items() if v}


def _date(text: str) -> date | None:
    try:
        return parse_date(text.strip())
    except ValueError:  # not a date, or off the calendar we keep (webapp.inputs)
        return None


def _china_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=CHINA).astimezone(UTC)


def search_audit_log(filters: AuditFilters, page: int = 1) -> Page:
    query: Select = select(AuditLog).options(selectinload(AuditLog.actor))
    if filters.who:
        like = f"%{filters.who.lower()}%"
        query = query.where(
            AuditLog.actor_id.in_(
                select(User.id).where(
                    or_(func.lower(User.name).like(like), func.lower(User.email).like(like))
                )
            )
        )
    if filters.object_type:
        query = query.where(AuditLog.object_type == filters.object_type)
    if filters.object_id is not None:
        query = query.where(AuditLog.object_id == filters.object_id)
    if filters.date_from:
        query = query.where(AuditLog.created_at >= _china_midnight_utc(filters.date_from))
    if filters.date_to:
        end = _china_midnight_utc(filters.date_to + timedelta(days=1))
        query = query.where(AuditLog.created_at < end)
    if filters.action:
        query = query.where(AuditLog.action.startswith(filters.action))
    return paginate(query, page, (AuditLog.created_at.desc(), AuditLog.id.desc()), per_page=50)


def object_types_in_log() -> list[str]:
    return list(
        db.session.scalars(select(AuditLog.object_type).distinct().order_by(AuditLog.object_type))
    )
