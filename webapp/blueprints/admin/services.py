"""User administration and the audit log: queries for the admin pages."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select

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


def search_audit_log(action: str = "", page: int = 1) -> Page:
    query: Select = select(AuditLog)
    if action:
        query = query.where(AuditLog.action.startswith(action.strip()))
    return paginate(query, page, (AuditLog.created_at.desc(), AuditLog.id.desc()), per_page=50)
