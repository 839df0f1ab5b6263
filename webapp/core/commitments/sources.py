"""What the session and post queries share: which assignments count, and their columns."""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from webapp.models import Assignment, Plan

LIVE = ("confirmed", "withdrawn")


def published_or_signup():
    """Sign-ups, published plans, and superseded ones (read for history and cancellations)."""
    return or_(
        and_(Assignment.plan_id.is_(None), Assignment.source == "signup"),
        Plan.state.in_(("published", "superseded")),
    )


def successor_published_at():
    """When the programme's current plan was published (for rows of a superseded plan)."""
    current = aliased(Plan)
    return (
        select(func.max(current.published_at))
        .where(current.programme_id == Plan.programme_id, current.state == "published")
        .correlate(Plan)
        .scalar_subquery()
    )


def counts(a_status: str, confirmed_at, plan_id) -> bool:
    """Whether an assignment row in LIVE shows at all: a withdrawn sign-up only if it had been
    confirmed (leaving a waitlist is not a cancelled event)."""
    return a_status == "confirmed" or plan_id is not None or confirmed_at is not None


# The assignment's part of every row (sessions and posts alike), in this order.
ASSIGNMENT_COLUMNS = (
    Assignment.id,
    Assignment.volunteer_id,
    Assignment.status,
    Assignment.source,
    Assignment.sequence,
    Assignment.updated_at,
    Assignment.confirmed_at,
    Assignment.confirmed_by_id,
    Assignment.plan_id,
    Assignment.programme_id,
    Assignment.team_id,
    Assignment.travel_minutes,
)


def bound_values(ids, team_id, **bounds) -> dict:
    """A statement's parameters: the bounds given, the volunteers and the team when named."""
    params = {k: v for k, v in bounds.items() if v is not None}
    if ids is not None:
        params["ids"] = ids
    if team_id is not None:
        params["team_id"] = team_id
    return params
