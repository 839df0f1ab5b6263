"""Commitments to summer posts: one entry per post, for its dates."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select

from webapp import clock
from webapp.core.commitments.entry import Commitment, aware, post_uid
from webapp.core.commitments.sources import (
    ASSIGNMENT_COLUMNS,
    LIVE,
    bound_values,
    counts,
    published_or_signup,
    successor_published_at,
)
from webapp.extensions import db
from webapp.models import Assignment, Home, Plan, Post


@lru_cache(maxsize=32)
def _post_statement(has_ids: bool, has_team: bool, has_first: bool, has_last: bool):
    query = (
        select(
            *ASSIGNMENT_COLUMNS,
            Post.id,
            Post.name,
            Post.address,
            Post.starts_on,
            Post.ends_on,
            Post.cancelled_at,
            Post.sequence,
            Post.updated_at,
            Post.lat,
            Post.lon,
            Home.id,
            Home.name,
            Home.timezone,
            Plan.state,
            successor_published_at(),
        )
        .join(Post, Post.id == Assignment.post_id)
        .outerjoin(Home, Home.id == Post.home_id)
        .outerjoin(Plan, Plan.id == Assignment.plan_id)
        .where(Assignment.status.in_(LIVE), published_or_signup())
    )
    if has_ids:
        query = query.where(Assignment.volunteer_id.in_(bindparam("ids", expanding=True)))
    if has_team:
        query = query.where(Assignment.team_id == bindparam("team_id"))
    if has_first:
        query = query.where(Post.ends_on >= bindparam("first"))
    if has_last:
        query = query.where(Post.starts_on <= bindparam("last"))
    return query


def posts(ids, first, last, team_id) -> list[Commitment]:
    query = _post_statement(
        ids is not None, team_id is not None, first is not None, last is not None
    )
    out = []
    for row in db.session.connection().execute(
        query, bound_values(ids, team_id, first=first, last=last)
    ):
        (a_id, v_id, a_status, source, a_seq, a_changed, confirmed_at, confirmed_by, plan_id,
         programme_id, team, travel, post_id, name, address, p_start, p_end, cancelled_at, p_seq,
         p_changed, lat, lon, home_id, home_name, tz, plan_state, successor_at) = row  # fmt: skip
        if not counts(a_status, confirmed_at, plan_id):
            continue
        zone = ZoneInfo(tz) if tz else clock.CHINA
        out.append(
            Commitment(
                uid=post_uid(v_id, post_id),
                volunteer_id=v_id,
                assignment_id=a_id,
                kind="post",
                cancelled=a_status != "confirmed" or cancelled_at is not None,
                source=source,
                title=name,
                event_kind="post",
                place=home_name or address or name,
                room="",
                tz=tz or "Asia/Shanghai",
                lat=lat,
                lon=lon,
                starts_at=datetime.combine(p_start, time(0), zone).astimezone(UTC),
                ends_at=datetime.combine(p_end + timedelta(days=1), time(0), zone).astimezone(UTC),
                sequence=a_seq + p_seq,
                changed_at=max(aware(a_changed), aware(p_changed)),
                home_id=home_id,
                post_id=post_id,
                team_id=team,
                plan_id=plan_id,
                programme_id=programme_id,
                confirmed_by_id=confirmed_by,
                travel_minutes=travel,
                superseded=plan_state == "superseded",
                successor_at=aware(successor_at) if successor_at else None,
            )
        )
    return out
