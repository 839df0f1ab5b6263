"""The volunteer list: one page of rows for the filters (list_filters.py), sorted, with the
totals, and what a page shows besides the volunteers (skills, teams, vetting badges).

The page is one Core statement per shape of the filters and sort, built once (the table shows a
few columns and needs no Volunteer entities).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from sqlalchemy import (
    Integer,
    Row,
    Select,
    String,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    select,
    union_all,
)

from webapp import clock
from webapp.blueprints.volunteers.list_filters import (
    MEMBERS,
    SKILLS,
    TEAMS,
    TODAY,
    VOLUNTEER_SKILLS,
    V,
    VolunteerFilters,
    cleared_clause,
    where_clauses,
    where_shape,
    where_values,
)
from webapp.extensions import db
from webapp.inputs import SQL_INT_MAX
from webapp.labels import vetting_label
from webapp.models import (
    Skill,
    Team,
    Volunteer,
)

PAGE_SIZE = 25


def _order(sort: str, direction: str) -> list:
    if sort == "name":  # by pinyin (webapp/pinyin.py), then characters, then id
        terms = [V[term.key] for term in Volunteer.by_name()]
        return [t.desc() for t in terms] if direction == "desc" else terms
    column = {
        "kind": V.kind,
        "vetting": V.vetting_status,
        "place": V.place_name,
        "updated": V.updated_at,
    }[sort]
    if direction == "desc":
        return [column.desc(), V.id.desc()]
    return [column.asc(), V.id.asc()]


# What a row of the table shows.
_ROW_COLUMNS = (
    V.id,
    V.name,
    V.name_key,
    V.kind,
    V.vetting_status,
    V.expires_on,
    V.place_name,
    V.phone,
)


@lru_cache(maxsize=256)
def _page_statement(shape: tuple, sort: str, direction: str) -> Select:
    """One page of rows, each with the totals over all matches (window functions): the counts
    come with the page, not in a statement of their own. A page past the end (an old link)
    shows the last one, still in the same statement."""
    cleared = case((cleared_clause(V, TODAY), 1), else_=0)
    matches = (
        select(
            *_ROW_COLUMNS,
            func.row_number().over(order_by=_order(sort, direction)).label("number"),
            func.count().over().label("total"),
            func.sum(cleared).over().label("cleared"),
        )
        .where(*where_clauses(shape))
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
    shape, values = where_shape(filters), where_values(filters, today)
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
    skill_name = SKILLS[name_field]
    skills = (
        select(
            literal_column("0", Integer).label("part"),
            VOLUNTEER_SKILLS.volunteer_id.label("volunteer_id"),
            literal("", String).label("key"),
            literal("", String).label("key_name"),
            SKILLS.id.label("id"),
            skill_name.label("label"),
        )
        .join(Skill.__table__, SKILLS.id == VOLUNTEER_SKILLS.skill_id)
        .where(VOLUNTEER_SKILLS.volunteer_id.in_(_IDS))
    )
    teams = (
        select(
            literal_column("1", Integer),
            MEMBERS.volunteer_id,
            TEAMS.name_key,
            TEAMS.name,
            TEAMS.id,
            TEAMS.name,
        )
        .join(Team.__table__, TEAMS.id == MEMBERS.team_id)
        .where(MEMBERS.volunteer_id.in_(_IDS))
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
        SKILLS.id.label("id"),
        SKILLS.code.label("code"),
        SKILLS[name_field].label("label"),
    )
    teams = select(
        literal_column("1", Integer),
        TEAMS.name_key,
        TEAMS.name,
        TEAMS.id,
        literal("", String),
        TEAMS.name,
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
    select(MEMBERS.volunteer_id, TEAMS.name)
    .join(Team.__table__, TEAMS.id == MEMBERS.team_id)
    .where(MEMBERS.volunteer_id.in_(_IDS))
    .order_by(*(TEAMS[term.key] for term in Team.by_name()))
)


def team_names_for(volunteer_ids: Iterable[int]) -> dict[int, str]:
    ids = list(volunteer_ids)
    if not ids:
        return {}
    names: dict[int, str] = {}
    for volunteer_id, name in db.session.execute(_TEAM_NAMES, {"ids": ids}):
        _add_team_name(names, volunteer_id, name)
    return names
