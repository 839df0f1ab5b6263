"""Commitments to home visits (暑期家访): one entry per visitor and day of a published (or
superseded) home-visit plan, whatever the number of households that day.

The day runs from VISIT_DAY_STARTS to VISIT_DAY_ENDS China time (the schedule, the hours and the
"already booked" rule read it so). The UID names the volunteer, the programme and the day, so a
re-plan that keeps the day keeps the calendar event; its SEQUENCE is the highest of the day's
placements (publishing raises it when the day changes for the visitor).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, or_, select

from webapp import clock
from webapp.core.commitments.entry import UID_DOMAIN, Commitment, aware
from webapp.core.commitments.sources import bound_values, successor_published_at
from webapp.extensions import db
from webapp.labels import join_list
from webapp.models import Plan
from webapp.models.children import Household
from webapp.models.home_visits import VisitPlacement

VISIT_DAY_STARTS = time(8, 30)
VISIT_DAY_ENDS = time(17, 0)
EVENT_KIND = "home_visit"


def visit_uid(volunteer_id: int, programme_id: int, day) -> str:
    return f"v{volunteer_id}-hv{programme_id}-{day:%Y%m%d}@{UID_DOMAIN}"


@lru_cache(maxsize=16)
def _visit_statement(has_ids: bool, has_first: bool, has_last: bool):
    """The placements' query, built once per shape (building it cost more than running it);
    values come as bound parameters."""
    query = (
        select(
            VisitPlacement.plan_id,
            VisitPlacement.programme_id,
            VisitPlacement.first_visitor_id,
            VisitPlacement.second_visitor_id,
            VisitPlacement.day,
            VisitPlacement.position,
            VisitPlacement.route_minutes,
            VisitPlacement.sequence,
            VisitPlacement.updated_at,
            Household.village,
            Household.label,
            Household.lat,
            Household.lon,
            Plan.state,
            Plan.published_by_id,
            Plan.published_at,
            successor_published_at(),
        )
        .join(Plan, Plan.id == VisitPlacement.plan_id)
        .join(Household, Household.id == VisitPlacement.household_id)
        .where(Plan.state.in_(("published", "superseded")))
        .order_by(VisitPlacement.day, VisitPlacement.position, VisitPlacement.id)
    )
    if has_ids:
        ids = bindparam("ids", expanding=True)
        query = query.where(
            or_(VisitPlacement.first_visitor_id.in_(ids), VisitPlacement.second_visitor_id.in_(ids))
        )
    if has_first:
        query = query.where(VisitPlacement.day >= bindparam("first"))
    if has_last:
        query = query.where(VisitPlacement.day <= bindparam("last"))
    return query


def visits(ids, first, last, team_id) -> list[Commitment]:
    """The visit days of the given volunteers (all when None) within China dates [first, last]."""
    if team_id is not None:
        return []  # visitors go as pairs, never as a team
    query = _visit_statement(ids is not None, first is not None, last is not None)
    rows = db.session.connection().execute(query, bound_values(ids, None, first=first, last=last))
    days: dict[tuple, dict] = {}
    wanted = None if ids is None else set(ids)
    for row in rows:
        (plan_id, programme_id, a, b, day, _position, minutes, seq, changed, village, label, lat,
         lon, state, published_by, published_at, successor_at) = row  # fmt: skip
        for vid, partner in ((a, b), (b, a)):
            if wanted is not None and vid not in wanted:
                continue
            key = (plan_id, vid, day)
            entry = days.setdefault(
                key,
                {
                    "programme_id": programme_id,
                    "partner": partner,
                    "villages": [],
                    "minutes": 0,
                    "sequence": 0,
                    "changed": aware(changed),
                    "lat": lat,
                    "lon": lon,
                    "state": state,
                    "published_by": published_by,
                    "published_at": published_at,
                    "successor_at": successor_at,
                },
            )
            place = village or label
            if place not in entry["villages"]:
                entry["villages"].append(place)
            entry["minutes"] = max(entry["minutes"], minutes)
            entry["sequence"] = max(entry["sequence"], seq)
            entry["changed"] = max(entry["changed"], aware(changed))
    return [_entry(plan_id, vid, day, e) for (plan_id, vid, day), e in days.items()]


def _entry(plan_id: int, vid: int, day, e: dict) -> Commitment:
    villages = join_list(e["villages"])
    changed = e["changed"]
    if e["published_at"] is not None:
        changed = max(changed, aware(e["published_at"]))
    return Commitment(
        uid=visit_uid(vid, e["programme_id"], day),
        volunteer_id=vid,
        assignment_id=0,  # no assignment: the placements are the plan's rows
        kind="visit",
        cancelled=False,
        source="solver",
        title=_("Home visits: %(villages)s", villages=villages),
        event_kind=EVENT_KIND,
        place=villages,
        room="",
        tz=str(clock.CHINA),
        lat=e["lat"],
        lon=e["lon"],
        starts_at=datetime.combine(day, VISIT_DAY_STARTS, clock.CHINA).astimezone(UTC),
        ends_at=datetime.combine(day, VISIT_DAY_ENDS, clock.CHINA).astimezone(UTC),
        sequence=e["sequence"],
        changed_at=changed,
        plan_id=plan_id,
        programme_id=e["programme_id"],
        confirmed_by_id=e["published_by"],
        travel_minutes=e["minutes"],
        superseded=e["state"] == "superseded",
        successor_at=aware(e["successor_at"]) if e["successor_at"] else None,
        partner_id=e["partner"],
    )
