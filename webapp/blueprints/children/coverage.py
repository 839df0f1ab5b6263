"""Coverage for the county: of the children counted in reports, how many were reached in a month
by a talk, a call and a visit, and how many have an overdue duty; per township, home and school,
and for the last six months.

Counted: not erased, with the guardian's consent to reporting (`report_consent`), in the homes
in scope (a home manager's own homes; everything for coordinators and admins). The counts are
aggregates in SQL: per (home, school) group, each child belongs to exactly one group, so the
township and county totals are sums of the groups (no child counted twice). Reached in a month:
at least one contact of that kind dated in the month (China dates); "call" is a phone call or the
family video call. Overdue: `ChildDuty.overdue_on(as_of)`, the one rule, as of the month's last
day, or today for the current month. A month reported (reported.py) is read as it was stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from webapp import clock
from webapp.extensions import db
from webapp.models import (
    CareLog,
    Child,
    ChildDuty,
    CoverageCount,
    CoverageMonth,
    Home,
    Place,
    User,
    home_managers,
)
from webapp.models.accounts import ADMIN, COORDINATOR

# Contact kinds that reach a child, by the column they count in.
REACH = {"talk": ("talk",), "call": ("call", "video_call"), "visit": ("visit",)}
REACH_KINDS = tuple(kind for kinds in REACH.values() for kind in kinds)
HISTORY_MONTHS = 6
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthError(ValueError):
    """A month that cannot be reported, with the reason in the user's language."""


@dataclass
class Counts:
    children: int = 0
    talk: int = 0
    call: int = 0
    visit: int = 0
    overdue: int = 0

    def add(self, other: Counts) -> None:
        self.children += other.children
        self.talk += other.talk
        self.call += other.call
        self.visit += other.visit
        self.overdue += other.overdue

    def as_dict(self) -> dict[str, int]:
        return {
            "children": self.children,
            "reached": {"talk": self.talk, "call": self.call, "visit": self.visit},
            "overdue": self.overdue,
        }


@dataclass
class SchoolRow:
    school: str
    counts: Counts


@dataclass
class HomeRow:
    home_id: int | None
    name: str
    township: str
    counts: Counts = field(default_factory=Counts)
    schools: list[SchoolRow] = field(default_factory=list)


@dataclass
class TownshipRow:
    name: str
    counts: Counts = field(default_factory=Counts)
    homes: list[HomeRow] = field(default_factory=list)


@dataclass
class MonthReport:
    month: date
    as_of: date
    stored: bool
    townships: list[TownshipRow]
    total: Counts

    @property
    def homes(self) -> list[HomeRow]:
        return [home for township in self.townships for home in township.homes]

    @property
    def schools(self) -> list[SchoolRow]:
        """Per school across the homes (the education bureau's view), by name."""
        by_school: dict[str, Counts] = {}
        for home in self.homes:
            for row in home.schools:
                by_school.setdefault(row.school, Counts()).add(row.counts)
        return [SchoolRow(name, counts) for name, counts in sorted(by_school.items())]


# A (home, school) group's key and its counts: what is computed live and what is stored.
Groups = dict[tuple[int, str], Counts]


# --- months -------------------------------------------------------------------------------------


def parse_month(text: str | None, today: date | None = None) -> date:
    """The first day of a month written YYYY-MM, not after the current one (China time); empty:
    the current month. MonthError with the reason otherwise."""
    today = today or clock.today()
    text = (text or "").strip()
    if not text:
        return today.replace(day=1)
    found = _MONTH.match(text)
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1900:
        raise MonthError(_("The month is not valid: write it as YYYY-MM, e.g. 2026-03."))
    month = date(int(found.group(1)), int(found.group(2)), 1)
    if month > today.replace(day=1):
        raise MonthError(_("The month has not begun yet: choose this month or an earlier one."))
    return month


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_month(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


def last_day(month: date) -> date:
    return next_month(month) - timedelta(days=1)


def as_of(month: date, today: date | None = None) -> date:
    """The day a month's overdue count is taken: its last day, or today while it runs."""
    return min(last_day(month), today or clock.today())


def is_over(month: date, today: date | None = None) -> bool:
    return last_day(month) < (today or clock.today())


def recent_months(month: date, count: int = HISTORY_MONTHS) -> list[date]:
    """`count` months ending with `month`, oldest first."""
    months = [month]
    while len(months) < count:
        months.append(previous_month(months[-1]))
    return list(reversed(months))


# --- live counts --------------------------------------------------------------------------------


def counted_children(home_ids: list[int] | None) -> list:
    """Who is counted: not erased, consent to reporting, in the homes in scope."""
    conditions = [Child.erased_at.is_(None), Child.report_consent.is_(True)]
    if home_ids is not None:
        conditions.append(Child.home_id.in_(home_ids))
    return conditions


def statements(
    months: list[date], home_ids: list[int] | None = None, today: date | None = None
) -> dict:
    """The three grouped queries for some months at once (the benchmark EXPLAINs them):
    children counted; reached, per month; overdue, one column per month. Each yields
    (home_id, school, ...)."""
    today = today or clock.today()
    counted = counted_children(home_ids)
    children = (
        select(Child.home_id, Child.school, func.count())
        .where(*counted)
        .group_by(Child.home_id, Child.school)
    )
    # One row per child, month and way of reaching (the date-kind-child index answers the
    # range), then counted per group: each child at most once per month and column.
    reach = case(
        *((CareLog.kind.in_(kinds), name) for name, kinds in REACH.items()), else_=None
    ).label("reach")
    bucket = case(
        *((CareLog.happened_on.between(m, last_day(m)), index) for index, m in enumerate(months)),
        else_=None,
    ).label("bucket")
    contacts = (
        select(CareLog.child_id, bucket, reach)
        .where(
            CareLog.happened_on >= min(months),
            CareLog.happened_on <= last_day(max(months)),
            CareLog.kind.in_(REACH_KINDS),
        )
        .distinct()
        .subquery()
    )
    columns = [
        func.count(case((contacts.c.reach == name, contacts.c.child_id))).label(name)
        for name in REACH
    ]
    reached = (
        select(Child.home_id, Child.school, contacts.c.bucket, *columns)
        .join(contacts, contacts.c.child_id == Child.id)
        .where(contacts.c.bucket.is_not(None), *counted)
        .group_by(Child.home_id, Child.school, contacts.c.bucket)
    )
    # The one overdue rule, taken on each month's day; due before the latest of them, at least.
    days = [as_of(m, today) for m in months]
    # One row per child with a flag per month (hashed, no DISTINCT sort), then summed per group.
    flags = (
        select(
            ChildDuty.child_id,
            *(
                func.max(case((ChildDuty.overdue_on(day), 1), else_=0)).label(f"m{index}")
                for index, day in enumerate(days)
            ),
        )
        .where(ChildDuty.due_on < max(days))
        .group_by(ChildDuty.child_id)
        .subquery()
    )
    overdue = (
        select(
            Child.home_id,
            Child.school,
            *(func.sum(flags.c[f"m{index}"]) for index in range(len(days))),
        )
        .join(flags, flags.c.child_id == Child.id)
        .where(*counted)
        .group_by(Child.home_id, Child.school)
    )
    return {"children": children, "reached": reached, "overdue": overdue}


def live_months(
    months: list[date], home_ids: list[int] | None = None, today: date | None = None
) -> dict[date, Groups]:
    """Counts per month and (home, school), computed from the records: three grouped queries
    whatever the number of months."""
    if not months:
        return {}
    queries = statements(months, home_ids, today)
    result: dict[date, Groups] = {m: {} for m in months}

    def group(index: int, home_id: int, school: str) -> Counts:
        return result[months[index]].setdefault((home_id, school), Counts())

    for home_id, school, children in db.session.execute(queries["children"]):
        for index in range(len(months)):
            group(index, home_id, school).children = children
    for home_id, school, index, talk, call, visit in db.session.execute(queries["reached"]):
        counts = group(index, home_id, school)
        counts.talk, counts.call, counts.visit = talk, call, visit
    for home_id, school, *overdue in db.session.execute(queries["overdue"]):
        for index, count in enumerate(overdue):
            if count:
                group(index, home_id, school).overdue = count
    return result


def live_groups(
    month: date, home_ids: list[int] | None = None, today: date | None = None
) -> Groups:
    """Counts per (home, school) of one month, computed from the records."""
    return live_months([month], home_ids, today)[month]


# --- the report ---------------------------------------------------------------------------------


def homes_in_scope(home_ids: list[int] | None) -> list[tuple[int, str, str]]:
    """(id, name, township name) of the homes, by township then name."""
    query = select(Home.id, Home.name, Home.place_id)
    if home_ids is not None:
        query = query.where(Home.id.in_(home_ids))
    places = {
        p.id: p
        for p in db.session.execute(select(Place.id, Place.kind, Place.name, Place.parent_id))
    }

    def township(place_id: int | None) -> str:
        seen = set()
        while place_id is not None and place_id not in seen:
            seen.add(place_id)
            place = places.get(place_id)
            if place is None:
                break
            if place.kind == "township":
                return place.name
            place_id = place.parent_id
        return ""

    homes = [(h.id, h.name, township(h.place_id)) for h in db.session.execute(query)]
    return sorted(homes, key=lambda h: (h[2] == "", h[2], h[1]))


def build_report(
    month: date,
    groups: Groups,
    homes: list[tuple[int | None, str, str]],
    *,
    stored: bool,
    today: date | None = None,
) -> MonthReport:
    """Townships -> homes -> schools from the groups' counts; every home listed, even empty."""
    rows = {home_id: HomeRow(home_id, name, township) for home_id, name, township in homes}
    for (home_id, school), counts in sorted(groups.items(), key=lambda item: item[0][1]):
        home = rows.get(home_id)
        if home is None:
            continue
        home.schools.append(SchoolRow(school, counts))
        home.counts.add(counts)
    townships: dict[str, TownshipRow] = {}
    total = Counts()
    for home in rows.values():
        township = townships.setdefault(home.township, TownshipRow(home.township))
        township.homes.append(home)
        township.counts.add(home.counts)
        total.add(home.counts)
    return MonthReport(month, as_of(month, today), stored, list(townships.values()), total)


def stored_months(
    months: list[date], home_ids: list[int] | None = None
) -> dict[date, tuple[Groups, list[tuple[int, str, str]]]]:
    """The months among `months` whose counts were stored when reported: their groups and homes
    as reported (a home removed since keeps its reported name, under a stand-in key)."""
    reported = set(
        db.session.scalars(select(CoverageMonth.month).where(CoverageMonth.month.in_(months)))
    )
    if not reported:
        return {}
    c = CoverageCount
    query = select(
        c.id, c.month, c.home_id, c.home_name, c.township, c.school, c.children, c.talk, c.call
    ).add_columns(c.visit, c.overdue)
    query = query.where(c.month.in_(reported))
    if home_ids is not None:
        query = query.where(c.home_id.in_(home_ids))
    result: dict[date, tuple[Groups, dict]] = {m: ({}, {}) for m in reported}
    removed: dict[tuple[date, str], int] = {}  # a removed home's stand-in key, by its name
    for row in db.session.execute(query.order_by(c.id)):
        groups, homes = result[row.month]
        key = row.home_id
        if key is None:
            key = removed.setdefault((row.month, row.home_name), -row.id)
        homes.setdefault(key, (key, row.home_name, row.township))
        if row.school is not None:
            groups[(key, row.school)] = Counts(
                row.children, row.talk, row.call, row.visit, row.overdue
            )
    return {
        m: (groups, sorted(homes.values(), key=lambda h: (h[2] == "", h[2], h[1])))
        for m, (groups, homes) in result.items()
    }


def month_reports(
    months: list[date], home_ids: list[int] | None = None, today: date | None = None
) -> dict[date, MonthReport]:
    """Each month's counts: as stored for a reported month, else computed from the records (one
    set of queries for all the others)."""
    stored = stored_months(months, home_ids)
    reports = {
        month: build_report(month, groups, homes, stored=True, today=today)
        for month, (groups, homes) in stored.items()
    }
    live = [m for m in months if m not in stored]
    if live:
        homes = homes_in_scope(home_ids)
        for month, groups in live_months(live, home_ids, today).items():
            reports[month] = build_report(month, groups, homes, stored=False, today=today)
    return reports


def month_report(
    month: date, home_ids: list[int] | None = None, today: date | None = None
) -> MonthReport:
    """One month's counts."""
    return month_reports([month], home_ids, today)[month]


def with_history(
    month: date, home_ids: list[int] | None = None, today: date | None = None
) -> tuple[MonthReport, list[tuple[date, Counts]]]:
    """The month's report and the totals of the six months ending with it, oldest first: the
    reported months' totals are summed in SQL, the others counted live in one set of queries."""
    months = recent_months(month)
    reported = set(
        db.session.scalars(select(CoverageMonth.month).where(CoverageMonth.month.in_(months)))
    )
    totals: dict[date, Counts] = {}
    if reported - {month}:
        c = CoverageCount
        query = select(
            c.month,
            *(func.coalesce(func.sum(column), 0) for column in (c.children, c.talk, c.call)),
            *(func.coalesce(func.sum(column), 0) for column in (c.visit, c.overdue)),
        ).where(c.month.in_(reported - {month}))
        if home_ids is not None:
            query = query.where(c.home_id.in_(home_ids))
        for first, *counts in db.session.execute(query.group_by(c.month)):
            totals[first] = Counts(*counts)
        totals.update({m: Counts() for m in reported - {month} if m not in totals})
    reports = month_reports([m for m in months if m not in totals], home_ids, today)
    totals.update({m: r.total for m, r in reports.items()})
    return reports[month], [(m, totals[m]) for m in months]


def history(
    month: date, home_ids: list[int] | None = None, today: date | None = None
) -> list[tuple[date, Counts]]:
    """The totals of the six months ending with `month`, oldest first."""
    return with_history(month, home_ids, today)[1]


def scope_of(user: User) -> list[int] | None:
    """The homes whose children a user may count: None (all) for coordinators and admins, a
    home manager's own homes otherwise."""
    if user.has_role(ADMIN, COORDINATOR):
        return None
    return list(
        db.session.scalars(
            select(home_managers.c.home_id).where(home_managers.c.user_id == user.id)
        )
    )
