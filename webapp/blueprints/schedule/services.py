"""The schedule page's data, the hours record and its export."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import String, bindparam, func, literal_column, null, or_, select, union_all
from sqlalchemy.orm import aliased

from webapp import clock
from webapp.blueprints.feeds import tokens
from webapp.blueprints.opportunities import swaps
from webapp.blueprints.opportunities.contacts import contact_text, contacts_for, unique_people
from webapp.blueprints.opportunities.eligibility import minutes_between
from webapp.core.commitments import Commitment, commitments
from webapp.core.spreadsheets import escape_cell, to_csv, to_xlsx
from webapp.extensions import db
from webapp.labels import date_span, event_kind_label, format_moment
from webapp.models import (
    Assignment,
    CalendarToken,
    Event,
    Need,
    Plan,
    Post,
    Programme,
    SwapOffer,
    Team,
    TeamMember,
    User,
    Volunteer,
    home_managers,
)
from webapp.models.base import utcnow

PAST_DAYS = 90
HOURS_HEADER = ("志愿者", "服务内容", "服务地点", "服务时间", "时长（小时）", "确认人")


@dataclass
class Row:
    entry: Commitment
    contact: str
    travel_minutes: int | None
    can_withdraw: bool
    weekly: bool  # a weekly tutoring assignment: withdrawing leaves all its dates
    can_skip: bool = False  # one date of a weekly assignment, before the cut-off

    @property
    def when(self) -> str:
        """A session's start and end where it happens: "2026-07-06 (Saturday) 09:00–11:00"."""
        e = self.entry
        return f"{format_moment(e.starts_at, e.tz)}–{format_moment(e.ends_at, e.tz)[-5:]}"


class _Person(NamedTuple):
    """A contact as contact_text() reads it."""

    id: int
    name: str
    email: str


# What contacts_for() reads, as plain columns of one query (no ORM entities on the page people
# open most): the assignment's weekday, its single contacts and, one row each, the managers of
# the event's or the post's home (an assignment has exactly one of need and post).
_Organiser, _Publisher, _PlanCreator, _Creator, _Manager = (aliased(User) for _ in range(5))
_PlanProgramme = aliased(Programme)
_PEOPLE = (_Organiser, _Publisher, _PlanCreator, _Creator, _Manager)
_CONTACTS = (
    select(
        Assignment.id,
        Assignment.weekday,
        Assignment.need_id,
        *(column for person in _PEOPLE for column in (person.id, person.name, person.email)),
    )
    .outerjoin(Need, Need.id == Assignment.need_id)
    .outerjoin(Event, Event.id == Need.event_id)
    .outerjoin(_Organiser, _Organiser.id == Event.organiser_id)
    .outerjoin(Plan, Plan.id == Assignment.plan_id)
    .outerjoin(_Publisher, _Publisher.id == Plan.published_by_id)
    .outerjoin(_PlanProgramme, _PlanProgramme.id == Plan.programme_id)
    .outerjoin(_PlanCreator, _PlanCreator.id == _PlanProgramme.created_by_id)
    .outerjoin(Programme, Programme.id == Assignment.programme_id)
    .outerjoin(_Creator, _Creator.id == Programme.created_by_id)
    .outerjoin(Post, Post.id == Assignment.post_id)
    .outerjoin(home_managers, home_managers.c.home_id == func.coalesce(Event.home_id, Post.home_id))
    .outerjoin(_Manager, _Manager.id == home_managers.c.user_id)
    .where(Assignment.id.in_(bindparam("ids", expanding=True)))
    .order_by(Assignment.id, _Manager.name_key, _Manager.name, _Manager.id)
)


def _person(row, at: int) -> _Person | None:
    return _Person(*row[at : at + 3]) if row[at] is not None else None


def _contacts_and_weekdays(assignment_ids: set[int]) -> dict[int, tuple[str, int | None]]:
    """assignment id -> (contact_text(contacts_for(assignment)), its weekday), in one query."""
    rows_of: dict[int, list] = defaultdict(list)
    if assignment_ids:
        for row in db.session.connection().execute(_CONTACTS, {"ids": list(assignment_ids)}):
            rows_of[row[0]].append(row)
    out = {}
    for a_id, rows in rows_of.items():
        first = rows[0]
        weekday, need_id = first[1], first[2]
        organiser, publisher, plan_creator, creator = (_person(first, at) for at in (3, 6, 9, 12))
        managers = [_person(row, 15) for row in rows]
        # contacts_for()'s order: the organiser and the event's home managers, the plan's
        # publisher and its programme's creator, the post's home managers, the programme's creator.
        if need_id is not None:
            people = [organiser, *managers, publisher, plan_creator, creator]
        else:
            people = [publisher, plan_creator, *managers, creator]
        unique = unique_people(people)
        if unique:
            text = contact_text(unique)
        else:  # nobody known: contacts_for() names coordinators (rare: read the ORM way)
            text = contact_text(contacts_for(db.session.get(Assignment, a_id)))
        out[a_id] = (text, weekday)
    return out


def _partners(entries: list[Commitment]) -> dict:
    """("visit", partner id) -> (the partner's name and phone, no weekday), in one query."""
    ids = {e.partner_id for e in entries if e.kind == "visit"}
    if not ids:
        return {}
    rows = db.session.execute(
        select(Volunteer.id, Volunteer.name, Volunteer.phone).where(Volunteer.id.in_(ids))
    )
    return {("visit", vid): (f"{name} {phone or ''}".strip(), None) for vid, name, phone in rows}


def leader_contact(entry: Commitment, others: str) -> str:
    """A post's leader: the team leader, else a placed volunteer who can lead; a session's
    organiser and the home's managers (`others`: the text of contacts_for())."""
    if entry.kind == "post":
        if entry.team_id:
            team = db.session.get(Team, entry.team_id)
            if team and team.leader:
                phone = team.contact or team.leader.phone or ""
                return f"{team.leader.name} {phone}".strip()
        leader = db.session.scalar(
            select(Volunteer)
            .join(Assignment, Assignment.volunteer_id == Volunteer.id)
            .outerjoin(Plan, Plan.id == Assignment.plan_id)
            .where(
                Assignment.post_id == entry.post_id,
                Assignment.status == "confirmed",
                Volunteer.can_lead.is_(True),
                Volunteer.id != entry.volunteer_id,
                or_(Plan.state == "published", Assignment.plan_id.is_(None)),
            )
            .order_by(Volunteer.id)
            .limit(1)
        )
        if leader is not None:
            return f"{leader.name} {leader.phone or ''}".strip()
    return others


def schedule_of(
    volunteer: Volunteer, cutoff_hours: int, entries: list[Commitment] | None = None
) -> tuple[list[Row], list[Row]]:
    """(upcoming, past) rows: upcoming includes cancelled and skipped dates (the page folds them
    away). `entries`: the
    volunteer's commitments when the caller has read them already (all dates); `cutoff_hours`:
    the withdrawal cut-off (signups.cutoff_hours(), which the page shows too)."""
    now = utcnow()
    since = clock.today() - timedelta(days=PAST_DAYS)
    if entries is None:
        entries = commitments([volunteer.id], since)
    else:
        entries = [e for e in entries if e.last_day >= since]
    facts = _contacts_and_weekdays({e.assignment_id for e in entries if e.kind != "visit"})
    facts |= _partners(entries)
    cutoff = timedelta(hours=cutoff_hours)
    contacts: dict[tuple, str] = {}
    upcoming, past = [], []
    first_seen: set[int] = set()  # actions on the first coming date of each assignment only
    for entry in entries:
        if entry.kind == "visit":  # a day of home visits: whom to ring is the other visitor
            others, weekday = facts[("visit", entry.partner_id)]
        else:
            others, weekday = facts[entry.assignment_id]
        key = (entry.assignment_id, entry.post_id, entry.need_id, entry.partner_id)
        if key not in contacts:
            contacts[key] = leader_contact(entry, others)
        travel = entry.travel_minutes
        if travel is None:
            travel = minutes_between(volunteer, entry.lat, entry.lon)
        coming = entry.ends_at > now
        row = Row(
            entry=entry,
            contact=contacts[key],
            travel_minutes=travel,
            can_withdraw=not entry.cancelled
            and entry.kind != "visit"  # a pair's day is changed by the coordinator
            and coming
            and entry.assignment_id not in first_seen
            and now < entry.starts_at - cutoff,
            weekly=weekday is not None,
            can_skip=weekday is not None
            and entry.occurrence_id is not None
            and not entry.cancelled
            and now < entry.starts_at - cutoff,
        )
        if coming and not entry.cancelled:
            first_seen.add(entry.assignment_id)
        (upcoming if coming else past).append(row)
    past.reverse()
    return upcoming, past


class FeedToken(NamedTuple):
    """The active feed token as tokens.token_of() and tokens.ensure() read it."""

    nonce: str
    token_hash: str


class TeamLink(NamedTuple):
    id: int
    name: str


@dataclass
class Extras:
    """The rest of the page: swap offers, waitlist, teams and the feed token."""

    offer_ids: list[int]  # pending offers to or from the volunteer (swaps.offers_for() loads them)
    waitlisted: list[Assignment]
    teams: list[TeamLink]
    token: FeedToken | None


def _tagged(tag: str, id_column, text=None, text2=None, order=None):
    """One part of _EXTRAS: (what, id, text, text2, ord)."""
    return select(
        literal_column(f"'{tag}'", String).label("what"),
        id_column.label("id"),
        (text if text is not None else null()).label("text"),
        (text2 if text2 is not None else null()).label("text2"),
        (order if order is not None else id_column).label("ord"),
    )


# Four small reads of the page in one statement (each was a round trip and an ORM query of its
# own); the waitlist is read as ids, and its assignments only when there are any.
_VOLUNTEER_ID = bindparam("volunteer_id")
_EXTRAS = union_all(
    _tagged("team", Team.id, Team.name, order=TeamMember.id)
    .join(TeamMember, TeamMember.team_id == Team.id)
    .where(TeamMember.volunteer_id == _VOLUNTEER_ID),
    _tagged("swap", SwapOffer.id).where(swaps.pending_condition(_VOLUNTEER_ID)),
    _tagged("wait", Assignment.id).where(
        Assignment.volunteer_id == _VOLUNTEER_ID, Assignment.status == "waitlisted"
    ),
    _tagged("token", CalendarToken.id, CalendarToken.nonce, CalendarToken.token_hash).where(
        tokens.active_condition("volunteer", _VOLUNTEER_ID)
    ),
).order_by(literal_column("what"), literal_column("ord"))


def extras(volunteer: Volunteer) -> Extras:
    out = Extras([], [], [], None)
    wait_ids = []
    for what, id_, text, text2, _order in db.session.connection().execute(
        _EXTRAS, {"volunteer_id": volunteer.id}
    ):
        if what == "team":
            out.teams.append(TeamLink(id_, text))
        elif what == "swap":
            out.offer_ids.append(id_)
        elif what == "wait":
            wait_ids.append(id_)
        else:
            out.token = FeedToken(text, text2)
    if wait_ids:
        out.waitlisted = list(
            db.session.scalars(
                select(Assignment)
                .where(Assignment.id.in_(wait_ids), Assignment.status == "waitlisted")
                .order_by(Assignment.id)
            )
        )
    return out


# --- hours ------------------------------------------------------------------------------------


def served(
    volunteer: Volunteer, year: int | None = None, entries: list[Commitment] | None = None
) -> list[Commitment]:
    """Past confirmed commitments: they count as served (withdrawn or cancelled ones do not).
    `entries`: the volunteer's commitments when the caller has read them already (all dates)."""
    now = utcnow()
    if entries is None:
        first = date(year, 1, 1) if year else None
        last = date(year, 12, 31) if year else None
        entries = commitments([volunteer.id], first, last)
    return [
        e
        for e in entries
        if not e.cancelled and e.ends_at <= now and (year is None or e.first_day.year == year)
    ]


def hours_summary(
    entries: list[Commitment],
) -> tuple[list[tuple[str, float]], list[tuple[int, float]]]:
    by_month: dict[str, float] = defaultdict(float)
    by_year: dict[int, float] = defaultdict(float)
    for entry in entries:
        by_month[f"{entry.first_day:%Y-%m}"] += entry.hours
        by_year[entry.first_day.year] += entry.hours
    return (
        sorted(((m, round(h, 2)) for m, h in by_month.items()), reverse=True),
        sorted(((y, round(h, 2)) for y, h in by_year.items()), reverse=True),
    )


def _confirmers(entries: list[Commitment]) -> dict[int, str]:
    """assignment id -> who confirmed it: the person recorded, else who published the plan."""
    ids = {e.confirmed_by_id for e in entries if e.confirmed_by_id}
    plan_ids = {e.plan_id for e in entries if e.plan_id and not e.confirmed_by_id}
    publishers = {
        plan_id: user_id
        for plan_id, user_id in db.session.execute(
            select(Plan.id, Plan.published_by_id).where(Plan.id.in_(plan_ids))
        )
    }
    ids |= {u for u in publishers.values() if u}
    names = {
        user_id: name
        for user_id, name in db.session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    }
    out = {}
    for e in entries:
        who = e.confirmed_by_id or publishers.get(e.plan_id)
        if who:
            out[e.assignment_id] = names.get(who, "")
        elif e.source == "signup":
            out[e.assignment_id] = _("Own sign-up, confirmed by the system")
        else:
            out[e.assignment_id] = ""
    return out


def hours_rows(volunteer: Volunteer, year: int | None = None) -> list[list[str]]:
    entries = served(volunteer, year)
    confirmers = _confirmers(entries)
    rows = []
    for e in entries:
        what = (
            e.title
            + " · "
            + (_("Summer post") if e.kind == "post" else event_kind_label(e.event_kind))
        )
        if e.kind == "post":
            when = date_span(e.first_day, e.last_day, " – ")
        else:
            when = f"{format_moment(e.starts_at, e.tz)}–{format_moment(e.ends_at, e.tz)[-5:]}"
        rows.append(
            [
                escape_cell(volunteer.name),
                escape_cell(what),
                escape_cell(e.place + (f" · {e.room}" if e.room else "")),
                escape_cell(when),
                e.hours,
                escape_cell(confirmers.get(e.assignment_id, "")),
            ]
        )
    return rows


def hours_export(volunteer: Volunteer, fmt: str, year: int | None = None) -> bytes:
    rows = hours_rows(volunteer, year)
    total = sum(float(r[4]) for r in rows)
    rows.append(["", "合计", "", "", round(total, 2), ""])
    if fmt == "xlsx":
        return to_xlsx(HOURS_HEADER, rows, sheet="志愿服务时长")
    return to_csv(HOURS_HEADER, rows)
