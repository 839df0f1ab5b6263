"""The volunteer list's filters: read from the query string (and written back for links and
exports), and the WHERE clause they make. The list page, its htmx table and the CSV/XLSX export
all filter through here.

The clause is built once per shape of the filters (which ones are set), with bind parameters for
the values (`where_shape`, `where_values`): building a select on every request cost more than
running it. It names table columns, not mapped attributes, so that the list runs as plain Core
statements returning rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import (
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    exists,
    func,
    not_,
    or_,
    select,
)

from webapp import clock
from webapp.inputs import SQL_INT_MAX, parse_date, parse_id
from webapp.models import (
    Skill,
    Team,
    TeamMember,
    Volunteer,
    VolunteerDateRange,
    WeeklyAvailability,
    volunteer_skills,
)
from webapp.models.volunteers import VETTING_STATUSES, VOLUNTEER_KINDS

SORTS = ("name", "kind", "vetting", "place", "updated")


@dataclass(frozen=True)
class VolunteerFilters:
    q: str = ""
    kind: str = ""
    vetting: str = ""
    team: str = ""  # a team id, "none", or ""
    skill: str = ""
    available_from: date | None = None
    available_to: date | None = None
    sort: str = "name"
    direction: str = "asc"
    page: int = 1

    def query_args(self, **overrides) -> dict[str, str]:
        """The filters as query-string arguments (empty ones left out), for links and exports."""
        values = replace(self, **overrides) if overrides else self
        args = {
            "q": values.q,
            "kind": values.kind,
            "vetting": values.vetting,
            "team": values.team,
            "skill": values.skill,
            "available_from": values.available_from.isoformat() if values.available_from else "",
            "available_to": values.available_to.isoformat() if values.available_to else "",
            "sort": "" if values.sort == "name" else values.sort,
            "dir": "" if values.direction == "asc" else values.direction,
            "page": "" if values.page == 1 else str(values.page),
        }
        return {key: value for key, value in args.items() if value}


def _parse_date(value: str | None) -> date | None:
    try:
        return parse_date(value)
    except ValueError:
        return None


def filters_from_args(args: Mapping[str, str]) -> VolunteerFilters:
    """Read the filters from a query string; values we do not know are dropped, never a 500."""
    kind = args.get("kind", "")
    vetting = args.get("vetting", "")
    team = args.get("team", "").strip()
    sort = args.get("sort", "name")
    direction = args.get("dir", "asc")
    try:
        page = min(max(1, int(args.get("page", "1"))), SQL_INT_MAX)
    except ValueError:
        page = 1
    start, end = _parse_date(args.get("available_from")), _parse_date(args.get("available_to"))
    if start and not end:
        end = start
    if end and not start:
        start = end
    if start and end and end < start:
        start, end = end, start
    return VolunteerFilters(
        q=args.get("q", "").strip()[:100],
        kind=kind if kind in VOLUNTEER_KINDS else "",
        vetting=vetting if vetting in VETTING_STATUSES else "",
        team=team if team == "none" or parse_id(team) is not None else "",
        skill=args.get("skill", "").strip()[:40],
        available_from=start,
        available_to=end,
        sort=sort if sort in SORTS else "name",
        direction=direction if direction in ("asc", "desc") else "asc",
        page=page,
    )


# The tables' columns, for the Core statements of the list.
V = Volunteer.__table__.c
RANGES = VolunteerDateRange.__table__.c
WEEKLY = WeeklyAvailability.__table__.c
SKILLS = Skill.__table__.c
TEAMS = Team.__table__.c
MEMBERS = TeamMember.__table__.c
VOLUNTEER_SKILLS = volunteer_skills.c
TODAY = bindparam("today", type_=Date)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def cleared_clause(columns, today):
    """`columns`: the Volunteer entity or the table's columns."""
    return and_(
        columns.vetting_status == "cleared",
        or_(columns.expires_on.is_(None), columns.expires_on >= today),
    )


def cleared_condition(today: date):
    return cleared_clause(Volunteer, today)


def _vetting_condition(status: str):
    if status == "cleared":
        return cleared_clause(V, TODAY)
    if status == "expired":
        lapsed = and_(V.vetting_status == "cleared", V.expires_on < TODAY)
        return or_(V.vetting_status == "expired", lapsed)
    return V.vetting_status == status


def _availability_condition(start, end):
    """Not away on any day of the range, and either available for all of it (a date range covers
    it) or, without date ranges of the "available" kind, someone with a weekly timetable."""
    away = exists().where(
        RANGES.volunteer_id == V.id,
        RANGES.kind == "away",
        RANGES.starts_on <= end,
        RANGES.ends_on >= start,
    )
    covering = exists().where(
        RANGES.volunteer_id == V.id,
        RANGES.kind == "available",
        RANGES.starts_on <= start,
        RANGES.ends_on >= end,
    )
    any_available = exists().where(RANGES.volunteer_id == V.id, RANGES.kind == "available")
    weekly = exists().where(WEEKLY.volunteer_id == V.id)
    return and_(not_(away), or_(covering, and_(not_(any_available), weekly)))


def where_shape(filters: VolunteerFilters) -> tuple:
    """What the filters' WHERE clause looks like, apart from the values bound into it."""
    return (
        bool(filters.q),
        bool(filters.kind),
        filters.vetting,
        filters.team if filters.team == "none" else bool(filters.team),
        bool(filters.skill),
        bool(filters.available_from and filters.available_to),
    )


def where_values(filters: VolunteerFilters, today: date) -> dict:
    """The values bound into the statements of the filters' shape."""
    values: dict = {"today": today}
    if filters.q:
        values["like"] = f"%{_escape_like(filters.q.lower())}%"
    if filters.kind:
        values["kind"] = filters.kind
    if filters.team and filters.team != "none":
        values["team_id"] = int(filters.team)
    if filters.skill:
        values["skill"] = filters.skill
    if filters.available_from and filters.available_to:
        values["start"], values["end"] = filters.available_from, filters.available_to
    return values


def where_clauses(shape: tuple) -> list:
    q, kind, vetting, team, skill, available = shape
    conditions = []
    if q:
        like = bindparam("like", type_=String)
        skill_ids = (
            select(VOLUNTEER_SKILLS.volunteer_id)
            .join(Skill.__table__, SKILLS.id == VOLUNTEER_SKILLS.skill_id)
            .where(
                or_(
                    func.lower(SKILLS.name_zh).like(like, escape="\\"),
                    func.lower(SKILLS.name_en).like(like, escape="\\"),
                    func.lower(SKILLS.code).like(like, escape="\\"),
                )
            )
        )
        conditions.append(
            or_(
                func.lower(V.name).like(like, escape="\\"),
                V.phone.like(like, escape="\\"),
                func.lower(V.email).like(like, escape="\\"),
                func.lower(V.place_name).like(like, escape="\\"),
                V.id.in_(skill_ids),
            )
        )
    if kind:
        conditions.append(V.kind == bindparam("kind", type_=String))
    if vetting:
        conditions.append(_vetting_condition(vetting))
    if team == "none":
        conditions.append(~V.id.in_(select(MEMBERS.volunteer_id)))
    elif team:
        team_id = bindparam("team_id", type_=Integer)
        conditions.append(V.id.in_(select(MEMBERS.volunteer_id).where(MEMBERS.team_id == team_id)))
    if skill:
        conditions.append(
            V.id.in_(
                select(VOLUNTEER_SKILLS.volunteer_id)
                .join(Skill.__table__, SKILLS.id == VOLUNTEER_SKILLS.skill_id)
                .where(SKILLS.code == bindparam("skill", type_=String))
            )
        )
    if available:
        start, end = bindparam("start", type_=Date), bindparam("end", type_=Date)
        conditions.append(_availability_condition(start, end))
    return conditions


def filtered_query(filters: VolunteerFilters, today: date | None = None) -> Select:
    """The volunteers matching the filters, as entities (for the export)."""
    conditions = where_clauses(where_shape(filters))
    return (
        select(Volunteer).where(*conditions).params(where_values(filters, today or clock.today()))
    )
