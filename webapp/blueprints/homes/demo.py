"""Demo data for the homes: opening hours (term and summer), a closure, events and bookings.

Called once from webapp.demo.load_demo_county; does nothing when opening hours already exist.
Bookings are written through the booking service, so they obey the same rules as users' ones.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from webapp.blueprints.homes import booking
from webapp.blueprints.homes.booking import BookingError, BookingRequest, NeedSpec
from webapp.core.demo_county import next_summer
from webapp.extensions import db
from webapp.models import Closure, Home, OpeningHours, Skill, User

TERM = [  # (weekdays, start, end): Tuesday and Thursday after school, Saturday morning
    ((1, 3), 16 * 60, 18 * 60 + 30),
    ((5,), 9 * 60, 12 * 60),
]
SUMMER = [((0, 1, 2, 3, 4), 9 * 60, 17 * 60)]


def load_demo_homes(homes: list[Home], manager: User, coordinator: User, today: date) -> None:
    if db.session.scalar(select(func.count()).select_from(OpeningHours)):
        return
    # Messages are translated (and need a request for the locale), also from the command line.
    with current_app.test_request_context("/"):
        _load(homes, manager, coordinator, today)


def _load(homes: list[Home], manager: User, coordinator: User, today: date) -> None:
    summer_start, summer_end = next_summer(today)
    for home in homes:
        for weekdays, start, end in TERM:
            for weekday in weekdays:
                home.opening_hours.append(
                    OpeningHours(weekday=weekday, start_minute=start, end_minute=end, label="学期")
                )
        for weekdays, start, end in SUMMER:
            for weekday in weekdays:
                home.opening_hours.append(
                    OpeningHours(
                        weekday=weekday,
                        start_minute=start,
                        end_minute=end,
                        valid_from=summer_start,
                        valid_to=summer_end,
                        label="暑期",
                    )
                )
        # New Year's Day holiday (元旦): every home closes for three days.
        new_year = date(today.year + 1, 1, 1)
        home.closures.append(
            Closure(starts_on=new_year, ends_on=new_year + timedelta(days=2), reason="元旦放假")
        )
    db.session.flush()
    _events(homes, manager, coordinator, today)


def _next(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def _events(homes: list[Home], manager: User, coordinator: User, today: date) -> None:
    skills = {s.code: s for s in db.session.scalars(select(Skill))}
    first = homes[0]
    rooms = {room.kind: room for room in first.rooms}
    saturday, tuesday = _next(today, 5), _next(today, 1)
    plans = [
        # A weekly family video-call session on Saturday mornings for the term, 15 minutes a child.
        (
            manager,
            BookingRequest(
                room=rooms["video_call"],
                title="周六亲情视频",
                kind="video_call",
                first_date=saturday,
                start_minute=10 * 60,
                end_minute=11 * 60,
                capacity=4,
                weekdays=(5,),
                count=16,
                slot_minutes=15,
            ),
        ),
        (
            manager,
            BookingRequest(
                room=rooms["classroom"],
                title="数学作业辅导",
                kind="tutoring",
                first_date=tuesday,
                start_minute=16 * 60 + 30,
                end_minute=18 * 60,
                capacity=20,
                age_group="8-10",
                weekdays=(1, 3),
                count=24,
                needs=[NeedSpec(skills["math"].id if "math" in skills else None, 1, 2, True)],
            ),
        ),
        (
            manager,
            BookingRequest(
                room=rooms["library"],
                title="绘本阅读会",
                kind="reading_club",
                first_date=saturday,
                start_minute=9 * 60,
                end_minute=10 * 60,
                capacity=12,
                age_group="6-8",
                weekdays=(5,),
                interval_weeks=2,
                count=8,
                needs=[NeedSpec(skills["reading"].id if "reading" in skills else None, 1, 1, True)],
            ),
        ),
        (
            coordinator,  # a request waiting for the manager's approval
            BookingRequest(
                room=rooms["video_call"],
                title="县妇联视频家访",
                kind="video_call",
                first_date=_next(today, 3),
                start_minute=17 * 60,
                end_minute=18 * 60,
                capacity=3,
            ),
        ),
        (
            coordinator,
            BookingRequest(
                room=rooms["activity"],
                title="防溺水安全讲座",
                kind="safety_lecture",
                first_date=_next(today, 5) + timedelta(days=7),
                start_minute=10 * 60,
                end_minute=11 * 60 + 30,
                capacity=30,
                needs=[NeedSpec(skills["safety"].id if "safety" in skills else None, 1, 1, True)],
            ),
        ),
    ]
    second = {room.kind: room for room in homes[1].rooms}
    plans.append(
        (
            manager,
            BookingRequest(
                room=second["activity"],
                title="手工美术课",
                kind="activity",
                first_date=_next(today, 3),
                start_minute=16 * 60 + 30,
                end_minute=18 * 60,
                capacity=20,
                weekdays=(3,),
                count=10,
            ),
        )
    )
    for actor, req in plans:
        try:
            booking.book(req, actor)
        except BookingError:
            # A date may fall into the summer timetable or a holiday: skip those dates.
            try:
                days = booking.series_dates(req)
                bad = booking.date_problems(req.room, days, req.start_minute, req.end_minute)
                req.skip_dates = frozenset(p.day for p in bad)
                booking.book(req, actor)
            except BookingError:
                continue
