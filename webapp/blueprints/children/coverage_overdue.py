"""The overdue list of the coverage page: the counted children with an overdue duty, by
pseudonym (shown to coordinators only), longest overdue first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from webapp.blueprints.children.coverage import counted_children
from webapp.extensions import db
from webapp.models import Child, ChildDuty, Home

LIMIT = 200


@dataclass
class OverdueChild:
    child_id: int
    pseudonym: str
    home: str
    since: date
    duties: int


def overdue_children(
    on: date, home_ids: list[int] | None = None, limit: int = LIMIT
) -> tuple[list[OverdueChild], int]:
    """The counted children with an overdue duty on `on`, longest overdue first (at most
    `limit`), and how many there are in all."""
    since = func.min(ChildDuty.due_on)
    rows = db.session.execute(
        select(
            Child.id,
            Child.pseudonym,
            Home.name,
            since,
            func.count(ChildDuty.id),
            func.count().over(),  # how many in all, before the limit
        )
        .join(ChildDuty, ChildDuty.child_id == Child.id)
        .join(Home, Home.id == Child.home_id)
        .where(ChildDuty.overdue_on(on), *counted_children(home_ids))
        .group_by(Child.id, Child.pseudonym, Home.name)
        .order_by(since, Child.id)
        .limit(limit)
    ).all()
    return [OverdueChild(*row[:5]) for row in rows], rows[0][5] if rows else 0
