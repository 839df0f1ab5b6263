"""Demo planning for the demo county (called once from webapp.demo.load_demo_county).

* Tutoring sessions with volunteer needs at all six homes, booked through the booking service
  (so they obey its rules), from PAST_WEEKS weeks ago until the end of next term. The past
  weeks are entered as a manager corrects past records (the administrator books them, the
  coordinator stays their organiser).
* This term's tutoring programme, which began PAST_WEEKS weeks ago, solved for real at seed time
  (a short deterministic solve) and published, so that volunteers (李秀兰, volunteer@example.org,
  among them) have schedules from the first minute and served sessions in their hours records.
* Next term's tutoring programme at the six homes and next summer's programme (the eight teams,
  single volunteers, ten posts over four weeks, one volunteer whose clearance ends mid-summer,
  one remote post nobody can reach): drafts, ready to solve.
* A city-wide summer of about 300 college students and 40 posts (demo_large.py), a draft whose
  solve runs for several seconds, so that its progress and Cancel can be seen.

Does nothing when any programme exists.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from webapp.blueprints.homes import booking
from webapp.blueprints.homes.booking import BookingError, BookingRequest, NeedSpec
from webapp.blueprints.planning import adapter, calls_publishing, publishing, runs
from webapp.blueprints.planning.demo_children import load_demo_children_plans
from webapp.blueprints.planning.demo_large import load_large_programme
from webapp.core.demo_county import next_summer
from webapp.extensions import db
from webapp.models import (
    Event,
    Home,
    Post,
    PostSkill,
    Programme,
    Skill,
    SolveRun,
    Team,
    User,
    Volunteer,
)
from webapp.models.base import utcnow

TERM_WEEKS = 12
# Weeks of this term already over: their sessions were served (hours records, reports).
PAST_WEEKS = 6
# (title, weekdays, start, end, skill, min, max) for the homes after the first, which has its own.
SESSIONS = [
    ("课业辅导", (1, 3), 16 * 60 + 30, 18 * 60, ("math", "chinese", "english"), 1, 2),
    ("周六兴趣课", (5,), 9 * 60 + 30, 11 * 60, ("art", "music", "reading"), 1, 1),
]
FIRST_HOME = [("周六作文辅导", (5,), 10 * 60, 11 * 60 + 30, "chinese", 1, 1)]
# name, village (None: a remote teaching point), week, days, min, preferred, max, beds, skills
POSTS = [
    ("石门村小学", "石门村", 0, 7, 4, 5, 8, 8, (("english", 1),)),
    ("高坡村教学点", "高坡村", 0, 7, 3, 4, 6, 6, (("art", 1),)),
    ("龙潭村小学", "龙潭村", 1, 7, 4, 5, 8, 10, (("counselling", 1),)),
    ("杨柳村小学", "杨柳村", 1, 14, 4, 6, 8, 8, (("english", 1), ("pe", 1))),
    ("新寨村小学", "新寨村", 2, 7, 3, 5, 7, 8, (("music", 1),)),
    ("柳溪村小学", "柳溪村", 2, 7, 4, 5, 8, 8, (("math", 1),)),
    ("竹林村教学点", "竹林村", 3, 7, 3, 4, 6, 6, (("art", 1),)),
    ("观音村小学", "观音村", 3, 7, 4, 5, 8, 8, (("english", 1),)),
    ("白云社区夏令营", "白云社区", 0, 14, 3, 4, 6, 6, (("counselling", 1),)),
    ("远山村教学点", None, 1, 7, 3, 4, 6, 6, ()),
]
REMOTE = (27.05, 107.95)  # far up in the mountains: beyond everyone's travel limit


def load_demo_planning(
    homes: list[Home],
    volunteers: list[Volunteer],
    teams: list[Team],
    coordinator: User,
    admin: User,
    today,
) -> None:
    if db.session.scalar(select(func.count()).select_from(Programme)):
        return
    # Messages are translated (and need a request for the locale), also from the command line.
    with current_app.test_request_context("/"):
        _load(homes, volunteers, teams, (coordinator, admin), today)


def _load(homes, volunteers, teams, staff: tuple[User, User], today: date) -> None:
    coordinator = staff[0]
    monday = today - timedelta(days=today.weekday())
    term_start = monday - timedelta(weeks=PAST_WEEKS)
    this_term = (term_start, term_start + timedelta(weeks=TERM_WEEKS, days=-1))
    next_term = (this_term[1] + timedelta(days=1), this_term[1] + timedelta(weeks=TERM_WEEKS))
    _sessions(homes, staff, term_start, next_term[1])
    tutors = [v for v in volunteers if v.kind != "college_student"]
    current = _programme("tutoring", "本学期课业辅导", this_term, coordinator, homes, tutors)
    _solve_and_publish(current, coordinator)
    _programme("tutoring", "下学期课业辅导", next_term, coordinator, homes, tutors)
    _summer(volunteers, teams, coordinator, today, next_summer(today))
    load_large_programme(coordinator, today)
    calls = load_demo_children_plans(
        homes, volunteers, coordinator, today, this_term, next_summer(today)
    )
    _solve_and_publish(calls, coordinator)


def _sessions(homes: list[Home], staff: tuple[User, User], start: date, until: date) -> None:
    """The weekly sessions from `start` (the term's first Monday, in the past) on: booked by the
    administrator as a correction of past records, organised by the coordinator."""
    coordinator, admin = staff
    skills = {s.code: s.id for s in db.session.scalars(select(Skill))}
    first_tuesday = start + timedelta(days=1)
    plans = [(homes[0], spec) for spec in FIRST_HOME]
    for index, home in enumerate(homes[1:], start=1):
        for title, weekdays, start, end, pool, lo, hi in SESSIONS:
            skill = pool[index % len(pool)]
            plans.append((home, (title, weekdays, start, end, skill, lo, hi)))
    for home, (title, weekdays, start, end, skill, lo, hi) in plans:
        first = first_tuesday + timedelta(days=weekdays[0] - 1)
        for room in sorted(home.rooms, key=lambda r: r.kind != "classroom"):
            if room.kind == "video_call":
                continue
            req = BookingRequest(
                room=room,
                title=title,
                kind="tutoring",
                first_date=first,
                start_minute=start,
                end_minute=end,
                capacity=min(20, room.capacity),
                age_group="8-10",
                weekdays=weekdays,
                until=until,
                needs=[NeedSpec(skills[skill], lo, hi, True)],
                correcting=True,
            )
            event = _book_skipping_bad_dates(req, admin)
            if event is not None:
                event.organiser_id = coordinator.id
                break


def _book_skipping_bad_dates(req: BookingRequest, actor: User) -> Event | None:
    """Book the series; dates in a holiday or the summer timetable are left out."""
    try:
        return booking.book(req, actor)
    except BookingError:
        pass
    try:
        days = booking.series_dates(req)
        bad = booking.date_problems(req.room, days, req.start_minute, req.end_minute)
        if len(bad) == len(days) or any(p.clash is not None for p in bad):
            return None  # the room is taken: try another
        req.skip_dates = frozenset(p.day for p in bad)
        return booking.book(req, actor)
    except BookingError:
        return None


def _programme(kind, name, dates, coordinator, homes, people, teams=()) -> Programme:
    programme = Programme(
        kind=kind,
        name=name,
        starts_on=dates[0],
        ends_on=dates[1],
        state="draft",
        created_by_id=coordinator.id,
        notes="",
    )
    programme.homes = list(homes) if kind == "tutoring" else []
    programme.volunteers = list(people)
    programme.teams = list(teams)
    db.session.add(programme)
    db.session.flush()
    return programme


def _solve_and_publish(programme: Programme, coordinator: User) -> None:
    """A real solve, in this session (the seed has not committed yet), then publish."""
    parameters = {"time_limit": 10, "deterministic_time": 3.0, "seed": 7}
    run = SolveRun(
        programme=programme,
        kind="solve",
        status="running",
        parameters={**parameters, "previous_state": "draft"},
        requested_by_id=coordinator.id,
        started_at=utcnow(),
        heartbeat_at=utcnow(),
        worker="seed",
    )
    db.session.add(run)
    programme.state = "solving"
    built = adapter.build(programme)
    plan = runs.finish_with(run, built, adapter.solve_programme(built, parameters))
    if programme.kind == "video_calls":
        calls_publishing.publish(plan, coordinator, calls_publishing.rota_problems(plan))
    else:
        publishing.publish(plan, coordinator)


def _summer(volunteers, teams, coordinator, today: date, summer: tuple[date, date]) -> None:
    start = summer[0] + timedelta(days=(7 - summer[0].weekday()) % 7)  # the first Monday
    dates = (start, start + timedelta(weeks=4, days=-1))
    students = [v for v in volunteers if v.kind == "college_student"]
    in_teams = {m.volunteer_id for t in teams for m in t.memberships}
    singles = [v for v in students if v.id not in in_teams]
    leaders = [v for v in volunteers if v.kind == "teacher"][:2]
    for teacher in leaders:
        teacher.can_lead = True
    for student in singles:  # single students: free for the whole programme
        for r in student.date_ranges:
            r.starts_on, r.ends_on = dates[0], dates[1]
        if not student.is_cleared(dates[1]):
            student.vetting_status, student.cleared_on = "cleared", today - timedelta(days=20)
            student.expires_on = today + timedelta(days=730)
    # One volunteer's clearance ends in the second week: early posts only.
    singles[0].expires_on = dates[0] + timedelta(days=9)
    programme = _programme(
        "summer", f"{dates[0].year}年暑期三下乡", dates, coordinator, [], singles + leaders, teams
    )
    villages = {h.place.name: h for h in db.session.scalars(select(Home)) if h.place is not None}
    from webapp.models import Place

    places = {p.name: p for p in db.session.scalars(select(Place).where(Place.kind == "village"))}
    skills = {s.code: s.id for s in db.session.scalars(select(Skill))}
    for name, village, week, days, lo, preferred, hi, beds, needs in POSTS:
        first = dates[0] + timedelta(weeks=week)
        place = places.get(village) if village else None
        home = villages.get(village) if village else None
        lat, lon = (place.lat, place.lon) if place else REMOTE
        post = Post(
            programme=programme,
            name=name,
            home_id=home.id if home is not None and "社区" in name else None,
            place_id=place.id if place else None,
            address=f"{village}村委会旁" if village else "远山村（山区，无班车）",
            lat=lat,
            lon=lon,
            starts_on=first,
            ends_on=min(first + timedelta(days=days - 1), dates[1]),
            beds=beds,
            min_headcount=lo,
            preferred_headcount=preferred,
            max_headcount=hi,
            need_leader=True,
            need_cleared_adult=True,
            vetting_required=True,
            notes="",
        )
        db.session.add(post)
        post.skill_counts = [PostSkill(skill_id=skills[code], count=n) for code, n in needs]
    db.session.flush()
