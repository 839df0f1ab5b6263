"""The volunteer list: its filters (from and to the query string), the search query, sorting,
paging, and what a page of rows shows besides the volunteers (skills, teams).

The same filters drive the list page, its htmx table and the CSV/XLSX export.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import Select, and_, case, exists, func, not_, or_, select

from webapp import clock
from webapp.extensions import db
from webapp.inputs import SQL_INT_MAX, parse_date
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

PAGE_SIZE = 25
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
        team=team if team == "none" or (team.isdigit() and int(team) <= SQL_INT_MAX) else "",
        skill=args.get("skill", "").strip()[:40],
        available_from=start,
        available_to=end,
        sort=sort if sort in SORTS else "name",
        direction=direction if direction in ("asc", "desc") else "asc",
        page=page,
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def cleared_condition(today: date):
    return and_(
        Volunteer.vetting_status == "cleared",
        or_(Volunteer.expires_on.is_(None), Volunteer.expires_on >= today),
    )


def _vetting_condition(status: str, today: date):
    if status == "cleared":
        return cleared_condition(today)
    if status == "expired":
        lapsed = and_(Volunteer.vetting_status == "cleared", Volunteer.expires_on < today)
        return or_(Volunteer.vetting_status == "expired", lapsed)
    return Volunteer.vetting_status == status


def _availability_condition(start: date, end: date):
    """Not away on any day of the range, and either available for all of it (a date range covers
    it) or, without date ranges of the "available" kind, someone with a weekly timetable."""
    ranges = VolunteerDateRange
    away = exists().where(
        ranges.volunteer_id == Volunteer.id,
        ranges.kind == "away",
        ranges.starts_on <= end,
        ranges.ends_on >= start,
    )
    covering = exists().where(
        ranges.volunteer_id == Volunteer.id,
        ranges.kind == "available",
        ranges.starts_on <= start,
        ranges.ends_on >= end,
    )
    any_available = exists().where(ranges.volunteer_id == Volunteer.id, ranges.kind == "available")
    weekly = exists().where(WeeklyAvailability.volunteer_id == Volunteer.id)
    return and_(not_(away), or_(covering, and_(not_(any_available), weekly)))


def filtered_query(filters: VolunteerFilters, today: date | None = None) -> Select:
    today = today or clock.today()
    query = select(Volunteer)
    if filters.q:
        like = f"%{_escape_like(filters.q.lower())}%"
        skill_ids = (
            select(volunteer_skills.c.volunteer_id)
            .join(Skill, Skill.id == volunteer_skills.c.skill_id)
            .where(
                or_(
                    func.lower(Skill.name_zh).like(like, escape="\\"),
                    func.lower(Skill.name_en).like(like, escape="\\"),
                    func.lower(Skill.code).like(like, escape="\\"),
                )
            )
        )
        query = query.where(
            or_(
                func.lower(Volunteer.name).like(like, escape="\\"),
                Volunteer.phone.like(like, escape="\\"),
                func.lower(Volunteer.email).like(like, escape="\\"),
                func.lower(Volunteer.place_name).like(like, escape="\\"),
                Volunteer.id.in_(skill_ids),
            )
        )
    if filters.kind:
        query = query.where(Volunteer.kind == filters.kind)
    if filters.vetting:
        query = query.where(_vetting_condition(filters.vetting, today))
    if filters.team == "none":
        query = query.where(~Volunteer.id.in_(select(TeamMember.volunteer_id)))
    elif filters.team:
        query = query.where(
            Volunteer.id.in_(
                select(TeamMember.volunteer_id).where(TeamMember.team_id == int(filters.team))
            )
        )
    if filters.skill:
        query = query.where(
            Volunteer.id.in_(
                select(volunteer_skills.c.volunteer_id)
                .join(Skill, Skill.id == volunteer_skills.c.skill_id)
                .where(Skill.code == filters.skill)
            )
        )
    if filters.available_from and filters.available_to:
        query = query.where(_availability_condition(filters.available_from, filters.available_to))
    return query


def _order(filters: VolunteerFilters):
    if filters.sort == "name":  # by pinyin (webapp/pinyin.py), then characters, then id
        terms = Volunteer.by_name()
        return [t.desc() for t in terms] if filters.direction == "desc" else list(terms)
    column = {
        "kind": Volunteer.kind,
        "vetting": Volunteer.vetting_status,
        "place": Volunteer.place_name,
        "updated": Volunteer.updated_at,
    }[filters.sort]
    if filters.direction == "desc":
        return [column.desc(), Volunteer.id.desc()]
    return [column.asc(), Volunteer.id.asc()]


@dataclass
class VolunteerPage:
    items: list[Volunteer]
    total: int
    cleared: int
    page: int
    pages: int
    teams: dict[int, str] = field(default_factory=dict)
    skills: dict[int, list[Skill]] = field(default_factory=dict)


def _cleared_case(vetting_status, expires_on, today: date):
    cleared = and_(vetting_status == "cleared", or_(expires_on.is_(None), expires_on >= today))
    return case((cleared, 1), else_=0)


def _counts(query: Select, today: date) -> tuple[int, int]:
    """How many volunteers match the filters, and how many of them are cleared today."""
    sub = query.with_only_columns(Volunteer.id, Volunteer.vetting_status, Volunteer.expires_on)
    sub = sub.subquery()
    total, cleared = db.session.execute(
        select(
            func.count(),
            func.coalesce(
                func.sum(_cleared_case(sub.c.vetting_status, sub.c.expires_on, today)), 0
            ),
        ).select_from(sub)
    ).one()
    return total, int(cleared)


def _page_rows(query: Select, filters: VolunteerFilters, page: int, today: date) -> list:
    """One page of volunteers, each row with the totals over all matches (window functions): the
    counts come with the page instead of in a statement of their own."""
    cleared = _cleared_case(Volunteer.vetting_status, Volunteer.expires_on, today)
    counted = query.add_columns(func.count().over(), func.sum(cleared).over())
    return list(
        db.session.execute(
            counted.order_by(*_order(filters)).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
        )
    )


def search_volunteers(filters: VolunteerFilters, today: date | None = None) -> VolunteerPage:
    today = today or clock.today()
    query = filtered_query(filters, today)
    if filters.page == 1:  # the usual case: one statement; page 1 is never past the end
        page, rows = 1, _page_rows(query, filters, 1, today)
        total, cleared = (rows[0][1], int(rows[0][2])) if rows else (0, 0)
    else:  # a later page may lie past the end (an old link): count first, then show the last
        total, cleared = _counts(query, today)
        page = min(filters.page, max(1, -(-total // PAGE_SIZE)))
        rows = _page_rows(query, filters, page, today)
    items = [row[0] for row in rows]
    return VolunteerPage(
        items=items,
        total=total,
        cleared=cleared,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        teams=team_names_for([v.id for v in items]),
        skills=skills_for([v.id for v in items]),
    )


def skills_for(volunteer_ids: Iterable[int]) -> dict[int, list[Skill]]:
    """Each volunteer's skills, from the link table in one query: loading the relationship of
    every row of a page cost the list a fifth of its time."""
    ids = list(volunteer_ids)
    if not ids:
        return {}
    skills: dict[int, list[Skill]] = {}
    for volunteer_id, skill in db.session.execute(
        select(volunteer_skills.c.volunteer_id, Skill)
        .join(Skill, Skill.id == volunteer_skills.c.skill_id)
        .where(volunteer_skills.c.volunteer_id.in_(ids))
        .order_by(Skill.id)
    ):
        skills.setdefault(volunteer_id, []).append(skill)
    return skills


def team_names_for(volunteer_ids: Iterable[int]) -> dict[int, str]:
    ids = list(volunteer_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(TeamMember.volunteer_id, Team.name)
        .join(Team, Team.id == TeamMember.team_id)
        .where(TeamMember.volunteer_id.in_(ids))
        .order_by(*Team.by_name())
    )
    names: dict[int, str] = {}
    for volunteer_id, name in rows:
        names[volunteer_id] = f"{names[volunteer_id]}, {name}" if volunteer_id in names else name
    return names
