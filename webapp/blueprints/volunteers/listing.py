"""The volunteer list: its filters (from and to the query string), the search query, sorting,
paging, and what a page of rows shows besides the volunteers (skills, teams).

The same filters drive the list page, its htmx table and the CSV/XLSX export.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from sqlalchemy import (
    Date,
    Integer,
    Row,
    Select,
    String,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    union_all,
)

from webapp import clock
from webapp.extensions import db
from webapp.inputs import SQL_INT_MAX, parse_date, parse_id
from webapp.labels import vetting_label
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
        team=team if team == "none" or parse_id(team) is not None else "",
        skill=args.get("skill", "").strip()[:40],
        available_from=start,
        available_to=end,
        sort=sort if sort in SORTS else "name",
        direction=direction if direction in ("asc", "desc") else "asc",
        page=page,
    )


# The list's statements are built once per shape of the filters (which ones are set, the sort)
# with bind parameters for their values: building a select on every request cost more than
# running it. They name table columns, not mapped attributes, so that they run as plain Core
# statements returning rows: the table shows a few columns and needs no Volunteer entities.
_V = Volunteer.__table__.c
_RANGES = VolunteerDateRange.__table__.c
_WEEKLY = WeeklyAvailability.__table__.c
_SKILLS = Skill.__table__.c
_TEAMS = Team.__table__.c
_MEMBERS = TeamMember.__table__.c
_VOLUNTEER_SKILLS = volunteer_skills.c
_TODAY = bindparam("today", type_=Date)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _cleared(columns, today):
    """`columns`: the Volunteer entity or the table's columns."""
    return and_(
        columns.vetting_status == "cleared",
        or_(columns.expires_on.is_(None), columns.expires_on >= today),
    )


def cleared_condition(today: date):
    return _cleared(Volunteer, today)


def _vetting_condition(status: str):
    if status == "cleared":
        return _cleared(_V, _TODAY)
    if status == "expired":
        lapsed = and_(_V.vetting_status == "cleared", _V.expires_on < _TODAY)
        return or_(_V.vetting_status == "expired", lapsed)
    return _V.vetting_status == status


def _availability_condition(start, end):
    """Not away on any day of the range, and either available for all of it (a date range covers
    it) or, without date ranges of the "available" kind, someone with a weekly timetable."""
    away = exists().where(
        _RANGES.volunteer_id == _V.id,
        _RANGES.kind == "away",
        _RANGES.starts_on <= end,
        _RANGES.ends_on >= start,
    )
    covering = exists().where(
        _RANGES.volunteer_id == _V.id,
        _RANGES.kind == "available",
        _RANGES.starts_on <= start,
        _RANGES.ends_on >= end,
    )
    any_available = exists().where(_RANGES.volunteer_id == _V.id, _RANGES.kind == "available")
    weekly = exists().where(_WEEKLY.volunteer_id == _V.id)
    return and_(not_(away), or_(covering, and_(not_(any_available), weekly)))


def _shape(filters: VolunteerFilters) -> tuple:
    """What the filters' WHERE clause looks like, apart from the values bound into it."""
    return (
        bool(filters.q),
        bool(filters.kind),
        filters.vetting,
        filters.team if filters.team == "none" else bool(filters.team),
        bool(filters.skill),
        bool(filters.available_from and filters.available_to),
    )


def _values(filters: VolunteerFilters, today: date) -> dict:
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


def _conditions(shape: tuple) -> list:
    q, kind, vetting, team, skill, available = shape
    conditions = []
    if q:
        like = bindparam("like", type_=String)
        skill_ids = (
            select(_VOLUNTEER_SKILLS.volunteer_id)
            .join(Skill.__table__, _SKILLS.id == _VOLUNTEER_SKILLS.skill_id)
            .where(
                or_(
                    func.lower(_SKILLS.name_zh).like(like, escape="\\"),
                    func.lower(_SKILLS.name_en).like(like, escape="\\"),
                    func.lower(_SKILLS.code).like(like, escape="\\"),
                )
            )
        )
        conditions.append(
            or_(
                func.lower(_V.name).like(like, escape="\\"),
                _V.phone.like(like, escape="\\"),
                func.lower(_V.email).like(like, escape="\\"),
                func.lower(_V.place_name).like(like, escape="\\"),
                _V.id.in_(skill_ids),
            )
        )
    if kind:
        conditions.append(_V.kind == bindparam("kind", type_=String))
    if vetting:
        conditions.append(_vetting_condition(vetting))
    if team == "none":
        conditions.append(~_V.id.in_(select(_MEMBERS.volunteer_id)))
    elif team:
        team_id = bindparam("team_id", type_=Integer)
        conditions.append(
            _V.id.in_(select(_MEMBERS.volunteer_id).where(_MEMBERS.team_id == team_id))
        )
    if skill:
        conditions.append(
            _V.id.in_(
                select(_VOLUNTEER_SKILLS.volunteer_id)
                .join(Skill.__table__, _SKILLS.id == _VOLUNTEER_SKILLS.skill_id)
                .where(_SKILLS.code == bindparam("skill", type_=String))
            )
        )
    if available:
        start, end = bindparam("start", type_=Date), bindparam("end", type_=Date)
        conditions.append(_availability_condition(start, end))
    return conditions


def filtered_query(filters: VolunteerFilters, today: date | None = None) -> Select:
    """The volunteers matching the filters, as entities (for the export)."""
    conditions = _conditions(_shape(filters))
    return select(Volunteer).where(*conditions).params(_values(filters, today or clock.today()))


def _order(sort: str, direction: str) -> list:
    if sort == "name":  # by pinyin (webapp/pinyin.py), then characters, then id
        terms = [_V[term.key] for term in Volunteer.by_name()]
        return [t.desc() for t in terms] if direction == "desc" else terms
    column = {
        "kind": _V.kind,
        "vetting": _V.vetting_status,
        "place": _V.place_name,
        "updated": _V.updated_at,
    }[sort]
    if direction == "desc":
        return [column.desc(), _V.id.desc()]
    return [column.asc(), _V.id.asc()]


# What a row of the table shows.
_ROW_COLUMNS = (
    _V.id,
    _V.name,
    _V.name_key,
    _V.kind,
    _V.vetting_status,
    _V.expires_on,
    _V.place_name,
    _V.phone,
)


@lru_cache(maxsize=256)
def _page_statement(shape: tuple, sort: str, direction: str) -> Select:
    """One page of rows, each with the totals over all matches (window functions): the counts
    come with the page, not in a statement of their own. A page past the end (an old link)
    shows the last one, still in the same statement."""
    cleared = case((_cleared(_V, _TODAY), 1), else_=0)
    matches = (
        select(
            *_ROW_COLUMNS,
            func.row_number().over(order_by=_order(sort, direction)).label("number"),
            func.count().over().label("total"),
            func.sum(cleared).over().label("cleared"),
        )
        .where(*_conditions(shape))
        .subquery()
    )
    offset = bindparam("offset", type_=Integer)
    last = (matches.c.total - 1) // PAGE_SIZE * PAGE_SIZE  # the last page's offset
    first = case((offset <= last, offset), else_=last)
    return (
        select(matches)
        .where(matches.c.number > first, matches.c.number <= first + PAGE_SIZE)
        .order_by(matches.c.number)
    )


@dataclass(frozen=True)
class VettingState:
    """What vetting_label and the badge read of a volunteer, for a row that is no entity."""

    vetting_status: str
    expires_on: date | None
    is_cleared = Volunteer.is_cleared


@dataclass
class VolunteerPage:
    items: list[Row]
    total: int
    cleared: int
    page: int
    pages: int
    teams: dict[int, str] = field(default_factory=dict)
    skills: dict[int, list[str]] = field(default_factory=dict)  # the skills' labels
    vetting: dict[int, tuple[str, bool]] = field(default_factory=dict)  # label, cleared today


def search_volunteers(
    filters: VolunteerFilters, today: date | None = None, locale: str | None = None
) -> VolunteerPage:
    today = today or clock.today()
    shape, values = _shape(filters), _values(filters, today)
    statement = _page_statement(shape, filters.sort, filters.direction)
    # Pages past the end show the last one; an offset beyond any page stays a 32-bit integer.
    offset = min(filters.page - 1, SQL_INT_MAX // PAGE_SIZE) * PAGE_SIZE
    rows = db.session.execute(statement, {**values, "offset": offset}).all()
    total, cleared = (rows[0].total, int(rows[0].cleared)) if rows else (0, 0)
    page = (rows[0].number - 1) // PAGE_SIZE + 1 if rows else 1
    skills, teams = _skills_and_teams([row.id for row in rows], locale)
    return VolunteerPage(
        items=rows,
        total=total,
        cleared=cleared,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        teams=teams,
        skills=skills,
        vetting=_vetting_badges(rows),
    )


def _vetting_badges(rows: list[Row]) -> dict[int, tuple[str, bool]]:
    """Each row's vetting label and whether it counts as cleared today, worked out once per
    distinct status and expiry date (as the profile page shows them: vetting_label)."""
    by_state: dict[tuple, tuple[str, bool]] = {}
    badges = {}
    for row in rows:
        key = (row.vetting_status, row.expires_on)
        badge = by_state.get(key)
        if badge is None:
            state = VettingState(*key)
            badge = by_state[key] = (vetting_label(state), state.is_cleared())
        badges[row.id] = badge
    return badges


_IDS = bindparam("ids", expanding=True)


@lru_cache(maxsize=2)
def _skills_and_teams_statement(name_field: str) -> Select:
    """The skills (by id) and teams (by name) of a page's volunteers in one statement."""
    skill_name = _SKILLS[name_field]
    skills = (
        select(
            literal_column("0", Integer).label("part"),
            _VOLUNTEER_SKILLS.volunteer_id.label("volunteer_id"),
            literal("", String).label("key"),
            literal("", String).label("key_name"),
            _SKILLS.id.label("id"),
            skill_name.label("label"),
        )
        .join(Skill.__table__, _SKILLS.id == _VOLUNTEER_SKILLS.skill_id)
        .where(_VOLUNTEER_SKILLS.volunteer_id.in_(_IDS))
    )
    teams = (
        select(
            literal_column("1", Integer),
            _MEMBERS.volunteer_id,
            _TEAMS.name_key,
            _TEAMS.name,
            _TEAMS.id,
            _TEAMS.name,
        )
        .join(Team.__table__, _TEAMS.id == _MEMBERS.team_id)
        .where(_MEMBERS.volunteer_id.in_(_IDS))
    )
    # Team.by_name(): name_key, name, id; the skills' keys are empty, so they go by id.
    return union_all(skills, teams).order_by("part", "key", "key_name", "id")


def _skills_and_teams(
    volunteer_ids: list[int], locale: str | None
) -> tuple[dict[int, list[str]], dict[int, str]]:
    """Each volunteer's skill labels, and team names joined by commas."""
    skills: dict[int, list[str]] = {}
    teams: dict[int, str] = {}
    if not volunteer_ids:
        return skills, teams
    statement = _skills_and_teams_statement(Skill.name_field(locale))
    for part, volunteer_id, _key, _key_name, _id, label in db.session.execute(
        statement, {"ids": volunteer_ids}
    ):
        if part == 0:
            skills.setdefault(volunteer_id, []).append(label)
        else:
            _add_team_name(teams, volunteer_id, label)
    return skills, teams


def _add_team_name(names: dict[int, str], volunteer_id: int, name: str) -> None:
    """A volunteer's teams as one text, comma-separated in the order read."""
    names[volunteer_id] = f"{names[volunteer_id]}, {name}" if volunteer_id in names else name


@lru_cache(maxsize=2)
def _choices_statement(name_field: str) -> Select:
    """Every skill (by id) and team (by name), for the filter form, in one statement."""
    skills = select(
        literal_column("0", Integer).label("part"),
        literal("", String).label("key"),
        literal("", String).label("key_name"),
        _SKILLS.id.label("id"),
        _SKILLS.code.label("code"),
        _SKILLS[name_field].label("label"),
    )
    teams = select(
        literal_column("1", Integer),
        _TEAMS.name_key,
        _TEAMS.name,
        _TEAMS.id,
        literal("", String),
        _TEAMS.name,
    )
    return union_all(skills, teams).order_by("part", "key", "key_name", "id")


def filter_choices(locale: str | None) -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    """The filter form's skills (code, label) and teams (id, name)."""
    skills: list[tuple[str, str]] = []
    teams: list[tuple[int, str]] = []
    statement = _choices_statement(Skill.name_field(locale))
    for part, _key, _key_name, id_, code, label in db.session.execute(statement):
        if part == 0:
            skills.append((code, label))
        else:
            teams.append((id_, label))
    return skills, teams


_TEAM_NAMES = (
    select(_MEMBERS.volunteer_id, _TEAMS.name)
    .join(Team.__table__, _TEAMS.id == _MEMBERS.team_id)
    .where(_MEMBERS.volunteer_id.in_(_IDS))
    .order_by(*(_TEAMS[term.key] for term in Team.by_name()))
)


def team_names_for(volunteer_ids: Iterable[int]) -> dict[int, str]:
    ids = list(volunteer_ids)
    if not ids:
        return {}
    names: dict[int, str] = {}
    for volunteer_id, name in db.session.execute(_TEAM_NAMES, {"ids": ids}):
        _add_team_name(names, volunteer_id, name)
    return names
