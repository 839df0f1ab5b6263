"""Server-side paging for list pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from webapp.extensions import db


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    pages: int
    per_page: int


def paginate(query: Select, page: int, order_by: tuple[Any, ...], per_page: int = 25) -> Page:
    """One page of `query`; out-of-range page numbers are clamped, never an error."""
    total = (
        db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    )
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = db.session.scalars(
        query.order_by(*order_by).limit(per_page).offset((page - 1) * per_page)
    )
    return Page(items=list(rows), total=total, page=page, pages=pages, per_page=per_page)
