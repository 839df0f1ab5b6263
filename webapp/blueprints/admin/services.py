"""User administration queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from webapp.extensions import db
from webapp.models import User, UserRole

PAGE_SIZE = 25


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    pages: int


def search_users(q: str = "", role: str = "", page: int = 1) -> Page:
    query: Select = select(User)
    if q:
        like = f"%{q.strip().lower()}%"
        query = query.where(
            or_(func.lower(User.email).like(like), func.lower(User.name).like(like))
        )
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    items = list(
        db.session.scalars(
            query.order_by(User.name, User.id).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
        )
    )
    return Page(items=items, total=total, page=page, pages=pages)
