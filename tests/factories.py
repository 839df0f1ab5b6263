"""Factories that make any state in one line: `factories.user(roles=["coordinator"])`.

Each commits, so that requests made by the test client (their own sessions) see the rows.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from webapp.clock import CHINA, today
from webapp.extensions import db
from webapp.models import Home, Place, Room, Skill, Team, TeamMember, User, Volunteer
from webapp.security import hash_password

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)
_password_hash_cache: dict[str, str] = {}


def _n() -> int:
    return next(_counter)


def _save(obj):
    db.session.add(obj)
    db.session.commit()
    return obj


def user(
    *,
    email: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
    roles: Any = ("volunteer",),
    locale: str | None = None,
    **fields: Any,
) -> User:
    n = _n()
    if password not in _password_hash_cache:
        _password_hash_cache[password] = hash_password(password)
    obj = User(
        email=email or f"user{n}@example.org",
        name=name or f"测试用户{n}",
        password_hash=_password_hash_cache[password],
        locale=locale,
        **fields,
    )
    obj.set_roles(set(roles))
    return _save(obj)


def skill(code: str) -> Skill:
    found = db.session.scalar(select(Skill).where(Skill.code == code))
    if found is None:
        found = _save(Skill(code=code, name_zh=code, name_en=code))
    return found


def volunteer(
    *,
    name: str | None = None,
    kind: str = "community",
    skills: tuple[str, ...] = (),
    cleared: bool = True,
    user: User | None = None,
    **fields: Any,
) -> Volunteer:
    n = _n()
    obj = Volunteer(
        name=name or f"志愿者{n}",
        kind=kind,
        phone=fields.pop("phone", f"139{n:08d}"),
        email=fields.pop("email", f"volunteer{n}@example.org"),
        user=user,
        **fields,
    )
    if cleared:
        obj.vetting_status = "cleared"
        obj.cleared_on = today() - timedelta(days=30)
        obj.expires_on = obj.cleared_on + timedelta(days=730)
    obj.skills = [skill(code) for code in skills]
    return _save(obj)


def place(
    *,
    name: str | None = None,
    kind: str = "village",
    parent: Place | None = None,
    lat: float = 26.6,
    lon: float = 107.5,
) -> Place:
    return _save(Place(name=name or f"测试村{_n()}", kind=kind, parent=parent, lat=lat, lon=lon))


def home(
    *,
    name: str | None = None,
    managers: tuple[User, ...] = (),
    rooms: tuple[str, ...] = ("activity",),
    **fields: Any,
) -> Home:
    n = _n()
    obj = Home(
        name=name or f"测试留守儿童之家{n}",
        lat=fields.pop("lat", 26.6),
        lon=fields.pop("lon", 107.5),
        **fields,
    )
    obj.managers = list(managers)
    obj.rooms = [Room(name=f"{kind}-{n}", kind=kind, capacity=20) for kind in rooms]
    return _save(obj)


def room(*, home: Home | None = None, kind: str = "activity", **fields: Any) -> Room:
    from tests.factories import home as make_home

    target = home or make_home(rooms=())
    return _save(
        Room(
            home=target,
            name=fields.pop("name", f"房间{_n()}"),
            kind=kind,
            capacity=fields.pop("capacity", 20),
            **fields,
        )
    )


def team(*, name: str | None = None, members: tuple[Volunteer, ...] = (), **fields: Any) -> Team:
    n = _n()
    obj = Team(name=name or f"测试支教队{n}", college=fields.pop("college", "测试学院"), **fields)
    obj.memberships = [TeamMember(volunteer=v) for v in members]
    if members and obj.leader is None:
        obj.leader = members[0]
    return _save(obj)


# --- Volunteers blueprint: children, pairings, care logs ----------------------------------------


def child(
    *,
    pseudonym: str | None = None,
    age_band: str = "10_to_13",
    home=None,
    consent: bool = True,
    consent_on: date | None = None,
):
    from webapp.models import Child

    target = home or globals()["home"]()
    obj = Child(
        pseudonym=pseudonym or f"C{_n()}",
        age_band=age_band,
        home=target,
        guardian_consent=consent,
        consent_on=(consent_on or today() - timedelta(days=30)) if consent else None,
    )
    return _save(obj)


def pairing(
    *,
    volunteer: Volunteer | None = None,
    child=None,
    started_on: date | None = None,
    role: str = "surrogate",
):
    """An active pairing with its duties (as pairing.pair makes them, without its checks)."""
    from webapp.blueprints.children.duties import start_pairing_duties
    from webapp.models import Pairing

    kind = "teacher" if role == "teacher" else "surrogate_parent"
    obj = Pairing(
        volunteer=volunteer or globals()["volunteer"](kind=kind),
        child=child or globals()["child"](),
        role=role,
        started_on=started_on or today() - timedelta(days=60),
    )
    db.session.add(obj)
    db.session.flush()
    start_pairing_duties(obj)
    return _save(obj)


def care_log(*, pairing, kind: str = "talk", happened_on: date | None = None, note: str = ""):
    """A contact through a pairing, completing the duty it answers."""
    from webapp.blueprints.children.contacts import complete_duty_of
    from webapp.models import CareLog

    obj = CareLog(pairing=pairing, kind=kind, happened_on=happened_on or today(), note=note)
    db.session.add(obj)
    db.session.flush()
    complete_duty_of(obj)
    return _save(obj)


# --- Children's homes: opening hours, closures, bookings (homes branch) ----------------------


def opening_hours(
    home: Home,
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6),
    start: str = "08:00",
    end: str = "20:00",
    valid_from: date | None = None,
    valid_to: date | None = None,
    label: str = "",
):
    from webapp.models import OpeningHours

    def minutes(text: str) -> int:
        hours, mins = text.split(":")
        return int(hours) * 60 + int(mins)

    for weekday in weekdays:
        home.opening_hours.append(
            OpeningHours(
                weekday=weekday,
                start_minute=minutes(start),
                end_minute=minutes(end),
                valid_from=valid_from,
                valid_to=valid_to,
                label=label,
            )
        )
    return _save(home)


def closure(home: Home, starts_on: date, ends_on: date, reason: str = "维修", room=None):
    from webapp.models import Closure

    return _save(Closure(home=home, room=room, starts_on=starts_on, ends_on=ends_on, reason=reason))


def booking(
    room: Room,
    starts_at,
    ends_at,
    *,
    status: str = "confirmed",
    title: str | None = None,
    organiser: User | None = None,
    kind: str = "activity",
):
    """An event with one occurrence, written directly (the database's own rules still apply)."""
    from webapp.blueprints.homes.availability import to_local
    from webapp.models import Event, Occurrence

    local_start = to_local(room.home, starts_at)
    local_end = to_local(room.home, ends_at)
    event = Event(
        home_id=room.home_id,
        room_id=room.id,
        organiser=organiser,
        title=title or f"活动{_n()}",
        kind=kind,
        capacity=1,
        first_date=local_start.date(),
        start_minute=local_start.hour * 60 + local_start.minute,
        end_minute=local_end.hour * 60 + local_end.minute,
    )
    event.occurrences.append(
        Occurrence(room_id=room.id, starts_at=starts_at, ends_at=ends_at, status=status)
    )
    _save(event)
    return event.occurrences[0]


# --- Planning: programmes and posts ----------------------------------------------------------


def programme(
    *,
    kind: str = "summer",
    name: str | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    **fields: Any,
):
    from webapp.models import Programme

    first = starts_on or today() + timedelta(days=30)
    obj = Programme(
        kind=kind,
        name=name or f"测试计划{_n()}",
        starts_on=first,
        ends_on=ends_on or first + timedelta(days=27),
        **fields,
    )
    return _save(obj)


def post(programme, *, name: str | None = None, days: int = 7, **fields: Any):
    from webapp.models import Post

    starts_on = fields.pop("starts_on", programme.starts_on)
    obj = Post(
        programme=programme,
        name=name or f"测试点{_n()}",
        starts_on=starts_on,
        ends_on=fields.pop("ends_on", starts_on + timedelta(days=days - 1)),
        beds=fields.pop("beds", 8),
        min_headcount=fields.pop("min_headcount", 2),
        max_headcount=fields.pop("max_headcount", 6),
        lat=fields.pop("lat", 26.6),
        lon=fields.pop("lon", 107.5),
        **fields,
    )
    return _save(obj)


# --- Self-service: open needs, plans and assignments (selfservice branch) ----------------------


def open_need(
    home: Home | None = None,
    *,
    starts_at=None,
    minutes: int = 90,
    max_headcount: int = 1,
    skill_code: str | None = None,
    vetting_required: bool = True,
    open_for_signup: bool = True,
    title: str | None = None,
    kind: str = "reading_club",
    status: str = "confirmed",
):
    """A one-date event in a home with one need; returns (need, occurrence)."""
    from datetime import UTC, datetime, time

    from webapp.models import Need

    target = home or globals()["home"]()
    if starts_at is None:
        day = today() + timedelta(days=7)
        starts_at = datetime.combine(day, time(9, 0), CHINA).astimezone(UTC)
    occurrence = booking(
        target.rooms[0],
        starts_at,
        starts_at + timedelta(minutes=minutes),
        status=status,
        title=title or f"读书会{_n()}",
        kind=kind,
    )
    need = Need(
        event_id=occurrence.event_id,
        skill_id=skill(skill_code).id if skill_code else None,
        min_headcount=min(1, max_headcount),
        max_headcount=max_headcount,
        vetting_required=vetting_required,
        open_for_signup=open_for_signup,
    )
    _save(need)
    return need, occurrence


def volunteer_with_login(**fields: Any) -> Volunteer:
    """A volunteer who can log in (their user's e-mail is theirs too)."""
    account = user(roles=("volunteer",))
    return volunteer(user=account, email=account.email, **fields)


def plan(programme, *, state: str = "published", published_by: User | None = None):
    from webapp.clock import utcnow
    from webapp.models import Plan

    return _save(
        Plan(
            programme=programme,
            state=state,
            published_at=utcnow() if state == "published" else None,
            published_by=published_by,
        )
    )


def assignment(volunteer: Volunteer, *, plan=None, status: str = "confirmed", **fields: Any):
    """An assignment on a post (post=), a weekly need (need=, weekday=) or a need on one date
    (need=, occurrence=); a sign-up when no plan is given."""
    from webapp.clock import utcnow
    from webapp.models import Assignment

    return _save(
        Assignment(
            volunteer=volunteer,
            plan=plan,
            programme_id=plan.programme_id if plan else fields.pop("programme_id", None),
            status=status,
            source=fields.pop("source", "solver" if plan else "signup"),
            confirmed_at=fields.pop("confirmed_at", utcnow() if status == "confirmed" else None),
            **fields,
        )
    )


def series(
    room: Room,
    *,
    first_date: date,
    weekdays: tuple[int, ...] = (1,),
    count: int = 4,
    start: str = "16:00",
    end: str = "17:30",
    needs: tuple[dict, ...] = ({"skill": "math"},),
    title: str | None = None,
    status: str = "confirmed",
):
    """A weekly series with its needs and one occurrence per date, written directly."""
    from webapp.blueprints.homes.availability import to_utc
    from webapp.models import Event, Need, Occurrence

    def minutes(text: str) -> int:
        hours, mins = text.split(":")
        return int(hours) * 60 + int(mins)

    home_row = room.home
    event = Event(
        home_id=home_row.id,
        room_id=room.id,
        title=title or f"辅导{_n()}",
        kind="tutoring",
        capacity=1,
        first_date=first_date,
        start_minute=minutes(start),
        end_minute=minutes(end),
        weekdays=",".join(str(d) for d in sorted(weekdays)),
        count=count,
    )
    day, made = first_date, 0
    while made < count:
        if day.weekday() in weekdays:
            event.occurrences.append(
                Occurrence(
                    room_id=room.id,
                    starts_at=to_utc(home_row, day, minutes(start)),
                    ends_at=to_utc(home_row, day, minutes(end)),
                    status=status,
                )
            )
            made += 1
        day += timedelta(days=1)
    for spec in needs:
        code = spec.get("skill")
        event.needs.append(
            Need(
                skill_id=skill(code).id if code else None,
                min_headcount=spec.get("min", 1),
                max_headcount=spec.get("max", 1),
                preferred_headcount=spec.get("preferred"),
                vetting_required=spec.get("vetting", True),
                open_for_signup=spec.get("open", False),
            )
        )
    return _save(event)


# --- The video-call rota (亲情视频): households, plans and their placements ----------------------


def household(*, label: str | None = None, children: tuple = ()):
    """A household; the given children move into it (siblings)."""
    from webapp.models import Household

    obj = Household(label=label or f"测试户{_n()}")
    obj.children = list(children)
    return _save(obj)


def parents_times(
    child, weekday: int = 3, start: str = "18:00", end: str = "21:00", kind="parents"
):
    """When a child's parents can take a video call (or, kind="school", the school timetable)."""
    from webapp.models import ChildWeeklyTime

    def minutes(text: str) -> int:
        hours, mins = text.split(":")
        return int(hours) * 60 + int(mins)

    return _save(
        ChildWeeklyTime(
            child_id=child.id,
            kind=kind,
            weekday=weekday,
            start_minute=minutes(start),
            end_minute=minutes(end),
        )
    )


def call_programme(*, homes: tuple[Home, ...] = (), **fields: Any):
    """A video-call programme over the given homes (starting today unless told)."""
    obj = programme(kind="video_calls", starts_on=fields.pop("starts_on", today()), **fields)
    obj.homes = list(homes)
    return _save(obj)


def call_plan(programme, *, state: str = "proposed", explanations: list | None = None):
    """A plan of a video-call programme (a proposal unless told)."""
    obj = plan(programme, state=state)
    obj.explanations = explanations or []
    return _save(obj)


def call_placement(
    plan,
    child,
    room: Room,
    *,
    weekday: int = 3,
    start: str = "19:30",
    minutes: int = 20,
    pinned: bool = False,
):
    """A child's weekly call in a plan: room, weekday, start (HH:MM) and length."""
    from webapp.models import CallPlacement

    hours, mins = start.split(":")
    first = int(hours) * 60 + int(mins)
    return _save(
        CallPlacement(
            plan_id=plan.id,
            programme_id=plan.programme_id,
            child_id=child.id,
            room_id=room.id,
            weekday=weekday,
            start_minute=first,
            end_minute=first + minutes,
            pinned=pinned,
        )
    )


# --- Home visits (暑期家访): households, plans and placements ---------------------------------


def visit_household(
    *,
    label: str | None = None,
    village: str = "石桥村",
    children: int = 1,
    home: Home | None = None,
    **fields,
):
    """A household with its children (each with a guardian on the card), at ``home``."""
    from webapp.models.children import Household

    n = _n()
    obj = _save(Household(label=label or f"户{n}", village=village, **fields))
    for i in range(children):
        kid = child(pseudonym=f"H{n}-{i + 1}", home=home)
        kid.household = obj
        kid.guardian_name = f"监护人{n}"
        kid.guardian_relation = "祖母"
        kid.guardian_phone = f"137{n:08d}"
    db.session.commit()
    return obj


def visit_plan(programme=None, *, state: str = "proposed", **fields: Any):
    """A plan of a home-visit programme (made when not given)."""
    target = programme or globals()["programme"](kind="home_visits")
    made = plan(target, state=state)
    for name, value in fields.items():
        setattr(made, name, value)
    db.session.commit()
    return made


def visit_placement(
    plan,
    household,
    first,
    second,
    *,
    day: date | None = None,
    position: int = 1,
    route_minutes: int = 60,
    **fields: Any,
):
    from webapp.models.home_visits import VisitPlacement

    return _save(
        VisitPlacement(
            plan_id=plan.id,
            programme_id=plan.programme_id,
            household_id=household.id,
            first_visitor_id=first.id,
            second_visitor_id=second.id,
            day=day or plan.programme.starts_on,
            position=position,
            route_minutes=route_minutes,
            **fields,
        )
    )
