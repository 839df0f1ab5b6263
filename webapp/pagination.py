"""Server-side paging for list pages."""

from __future__ import annotations

from collections.abc import Sequence
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


def bounds(total: int, page: int, per_page: int) -> tuple[int, int]:
    """(page, pages): at least one page, and the page number clamped into 1..pages."""
    pages = max(1, -(-total // per_page))
    return min(max(1, page), pages), pages


def paginate(query: Select, page: int, order_by: tuple[Any, ...], per_page: int = 25) -> Page:
    """One page of `query`; out-of-range page numbers are clamped, never an error."""
    total = (
        db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    )
    page, pages = bounds(total, page, per_page)
    rows = db.session.scalars(
        query.order_by(*order_by).limit(per_page).offset((page - 1) * per_page)
    )
    return Page(items=list(rows), total=total, page=page, pages=pages, per_page=per_page)


def page_of(items: Sequence, page: int, per_page: int = 25) -> Page:
    """One page of a list already in memory (clamped like ``paginate``)."""
    page, pages = bounds(len(items), page, per_page)
    start = (page - 1) * per_page
    return Page(list(items[start : start + per_page]), len(items), page, pages, per_page)


def page_of_groups(
    groups: Sequence, sizes: Sequence[int], page: int, per_page: int = 25
) -> tuple[Page, int]:
    """Paging rows that come in groups (a group's ``size`` rows stay in its order): the page of
    the groups that have rows on it, and where the page starts inside its first group."""
    total = sum(sizes)
    page, pages = bounds(total, page, per_page)
    start, seen, on_page, first = (page - 1) * per_page, 0, [], 0
    for group, size in zip(groups, sizes, strict=True):
        if seen + size > start and seen < start + per_page:
            if not on_page:
                first = start - seen
            on_page.append(group)
        seen += size
    return Page(on_page, total, page, pages, per_page), first
