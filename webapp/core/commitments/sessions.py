"""Commitments to needs of occurrences: dated sign-ups and plan rows, and weekly tutoring
assignments expanded to every date of their event on their weekday."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, literal_column, null, select, type_coerce, union_all

from webapp import clock
from webapp.core.commitments.entry import Commitment, aware, session_uid
from webapp.core.commitments.sources import (
    ASSIGNMENT_COLUMNS,
    LIVE,
    bound_values,
    counts,
    published_or_signup,
    successor_published_at,
)
from webapp.extensions import db
from webapp.models import (
    Assignment,
    AssignmentSkip,
    Event,
    Home,
    Need,
    Occurrence,
    Plan,
    Programme,
    Room,
    SwapOffer,
)
from webapp.models.base import UTCDateTime

_SESSION_COLUMNS = (
    *ASSIGNMENT_COLUMNS,
    Assignment.need_id,
    Need.skill_id,
    Occurrence.id,
    Occurrence.starts_at,
    Occurrence.ends_at,
    Occurrence.status,
    Occurrence.sequence,
    Occurrence.updated_at,
    Event.title,
    Event.kind,
    Event.updated_at,
    Room.name,
    Home.id,
    Home.name,
    Home.timezone,
    Home.lat,
    Home.lon,
)


def _session(row, plan_state: str | None = None, successor_at=None) -> Commitment:
    (a_id, v_id, a_status, source, a_seq, a_changed, _confirmed_at, confirmed_by, plan_id,
     programme_id, team_id, travel, need_id, skill_id, o_id, starts, ends, o_status, o_seq,
     o_changed, title, kind, e_changed, room, home_id, home_name, tz, lat, lon) = row  # fmt: skip
    return Commitment(
        uid=session_uid(v_id, o_id, need_id),
        volunteer_id=v_id,
        assignment_id=a_id,
        kind="session",
        cancelled=a_status != "confirmed" or o_status != "confirmed",
        source=source,
        title=title,
        event_kind=kind,
        place=home_name,
        room=room,
        tz=tz,
        lat=lat,
        lon=lon,
        starts_at=aware(starts),
        ends_at=aware(ends),
        sequence=a_seq + o_seq,
        changed_at=max(aware(a_changed), aware(o_changed), aware(e_changed)),
        home_id=home_id,
        need_id=need_id,
        occurrence_id=o_id,
        team_id=team_id,
        skill_id=skill_id,
        plan_id=plan_id,
        programme_id=programme_id,
        confirmed_by_id=confirmed_by,
        travel_minutes=travel,
        superseded=plan_state == "superseded",
        successor_at=aware(successor_at) if successor_at else None,
    )


def _base_session_query():
    return (
        select(
            *_SESSION_COLUMNS,
            Plan.state,
            successor_published_at(),
            Assignment.withdrawn_at,
            SwapOffer.id,
            Assignment.weekday,
            Programme.starts_on,
            Programme.ends_on,
        )
        .join(Need, Need.id == Assignment.need_id)
        .join(Event, Event.id == Need.event_id)
        .join(Home, Home.id == Event.home_id)
        .outerjoin(Plan, Plan.id == Assignment.plan_id)
        .outerjoin(Programme, Programme.id == Assignment.programme_id)
        .outerjoin(SwapOffer, SwapOffer.new_assignment_id == Assignment.id)
        .where(Assignment.status.in_(LIVE), published_or_signup())
    )


@lru_cache(maxsize=32)
def _session_statement(has_ids: bool, has_team: bool, has_lo: bool, has_hi: bool):
    """The session query, built once per shape; values come as bound parameters. Dated and weekly
    assignments in one statement (UNION ALL, its last column tells them apart): one round trip."""
    base = _base_session_query()
    if has_ids:
        base = base.where(Assignment.volunteer_id.in_(bindparam("ids", expanding=True)))
    if has_team:
        base = base.where(Assignment.team_id == bindparam("team_id"))
    # A need on one date (sign-ups, or a plan's dated assignment).
    dated = base.join(Occurrence, Occurrence.id == Assignment.occurrence_id).join(
        Room, Room.id == Occurrence.room_id
    )
    # A tutoring need on a weekday: every occurrence of its event (expanded below).
    weekly = (
        base.join(Occurrence, Occurrence.event_id == Event.id)
        .join(Room, Room.id == Occurrence.room_id)
        .where(
            Assignment.weekday.is_not(None),
            Assignment.occurrence_id.is_(None),
            Occurrence.status.in_(("confirmed", "cancelled")),
        )
    )
    if has_lo:
        dated = dated.where(Occurrence.ends_at > bindparam("lo"))
        weekly = weekly.where(Occurrence.ends_at > bindparam("lo"))
    if has_hi:
        dated = dated.where(Occurrence.starts_at < bindparam("hi"))
        weekly = weekly.where(Occurrence.starts_at < bindparam("hi"))
    # A weekly assignment's date its volunteer skips (or handed over): when it was skipped.
    weekly = weekly.outerjoin(
        AssignmentSkip,
        and_(
            AssignmentSkip.assignment_id == Assignment.id,
            AssignmentSkip.occurrence_id == Occurrence.id,
        ),
    )
    return union_all(
        dated.add_columns(
            type_coerce(null(), UTCDateTime()).label("skipped_at"),
            literal_column("0").label("weekly"),
        ),
        weekly.add_columns(AssignmentSkip.created_at, literal_column("1").label("weekly")),
    )


def sessions(ids, lo, hi, team_id) -> list[Commitment]:
    statement = _session_statement(
        ids is not None, team_id is not None, lo is not None, hi is not None
    )
    values = bound_values(ids, team_id, lo=lo, hi=hi)
    # Core execution: plain rows, no ORM loading (feeds read this often).
    out = []
    width = len(_SESSION_COLUMNS)
    for row in db.session.connection().execute(statement, values):
        if not row[-1]:  # dated
            if counts(row[2], row[6], row[8]):
                out.append(_session(row[:width], *row[width : width + 2]))
            continue
        *core, plan_state, successor_at, withdrawn_at, swapped_in, weekday, p_start, p_end = row[
            :-2
        ]
        skipped_at = row[-2]
        # Every occurrence of the event comes: the assignment's weekday is checked before an
        # entry is made (most rows of an event held on several weekdays are not its dates).
        starts, tz = aware(core[15]), core[26]
        local = starts.astimezone(ZoneInfo(tz) if tz else clock.CHINA)
        if local.weekday() != weekday:
            continue
        if p_start is not None and not (p_start <= local.date() <= p_end):
            continue
        # A weekly assignment left (or taken over in a swap) part-way through the term: the
        # dates before stay with whoever served them.
        confirmed_at = core[6]
        if swapped_in and confirmed_at and starts < aware(confirmed_at):
            continue
        entry = _session(core, plan_state, successor_at)
        if withdrawn_at and entry.starts_at < aware(withdrawn_at) and core[17] == "confirmed":
            entry = replace(entry, cancelled=False)
        if skipped_at is not None:
            # Calendars drop the date (STATUS:CANCELLED, SEQUENCE one higher); the session
            # itself goes on, with a gap the home's roster shows.
            entry = replace(
                entry,
                cancelled=True,
                skipped=True,
                sequence=entry.sequence + 1,
                changed_at=max(entry.changed_at, aware(skipped_at)),
            )
        out.append(entry)
    return out
