"""Demo opportunities for the volunteer log-in (李秀兰, volunteer@example.org).

At the home nearest to her: a Saturday reading circle with free places (one date already hers),
and a safety class that is full (she can join its waitlist); at the home farthest from her, a
craft morning she cannot take, so the list also shows reasons. Dates are chosen with the same
eligibility rules the pages use, around what the published demo plan already gives her, so the
demo stays right whatever the plan. Bookings go through the booking service. Idempotent.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from webapp.blueprints.homes import booking
from webapp.blueprints.homes.booking import BookingError, BookingRequest, NeedSpec
from webapp.blueprints.opportunities.eligibility import minutes_between, reasons_against
from webapp.blueprints.opportunities.signups import session_target
from webapp.extensions import db
from webapp.models import Assignment, Event, Home, Need, Skill, User, Volunteer
from webapp.models.base import utcnow

DEMO_EMAIL = "volunteer@example.org"
CIRCLE, CLASS, CRAFT = "周六绘本共读", "周六安全小课堂", "周六手工坊"
WEEKS = 6  # Saturdays ahead to choose from


def load_demo_opportunities(today: date) -> None:
    user = User.by_email(DEMO_EMAIL)
    her = db.session.scalar(select(Volunteer).where(Volunteer.user_id == user.id)) if user else None
    if her is None or db.session.scalar(select(Event.id).where(Event.title == CIRCLE)):
        return
    with current_app.test_request_context("/"):
        _load(her, today)


def _nearest_home(her: Volunteer) -> Home:
    homes = list(db.session.scalars(select(Home).order_by(Home.id)))
    return min(homes, key=lambda h: minutes_between(her, h.lat, h.lon) or 0)


def _book(req: BookingRequest, actor: User) -> Event | None:
    try:
        return booking.book(req, actor)
    except BookingError:  # a date in a holiday or the summer timetable: skip those dates
        days = booking.series_dates(req)
        bad = booking.date_problems(req.room, days, req.start_minute, req.end_minute)
        req.skip_dates = frozenset(p.day for p in bad)
        try:
            return booking.book(req, actor)
        except BookingError:
            return None


def _next_saturday(today: date) -> date:
    return today + timedelta(days=(5 - today.weekday()) % 7 or 7)


def _request(room, title, kind, day: date, start: int, end: int, skill, count: int = 1):
    return BookingRequest(
        room=room,
        title=title,
        kind=kind,
        first_date=day,
        start_minute=start,
        end_minute=end,
        capacity=12,
        age_group="6-8",
        weekdays=(5,) if count > 1 else (),
        count=count if count > 1 else None,
        needs=[NeedSpec(skill.id if skill else None, 1, 2 if count > 1 else 1, True)],
    )


def _free_for(her: Volunteer, need: Need):
    """The first date of the need she could take (nothing in the way but a full list)."""
    return next(
        (o for o in need.event.occurrences if not reasons_against(her, session_target(need, o))),
        None,
    )


def _load(her: Volunteer, today: date) -> None:
    home = _nearest_home(her)
    minutes = minutes_between(her, home.lat, home.lon)
    if minutes is not None and minutes > her.max_travel_minutes:
        her.transport_mode = "ebike"  # in the demo she rides an e-bike to the nearest home
    manager = home.managers[0] if home.managers else User.by_email("coordinator@example.org")
    skills = {s.code: s for s in db.session.scalars(select(Skill))}
    rooms = {room.kind: room for room in home.rooms}
    saturdays = [_next_saturday(today) + timedelta(weeks=w) for w in range(WEEKS)]
    # Late Saturday morning, weekly: free places on every date, one of them hers.
    circle = _book(
        _request(
            rooms["library"],
            CIRCLE,
            "reading_club",
            saturdays[0],
            600,
            690,
            skills["reading"],
            count=WEEKS,
        ),
        manager,
    )
    # A one-off class on a Saturday she is free, taken by someone else: full.
    safety = None
    for day in saturdays[1:]:
        safety = _book(
            _request(rooms["activity"], CLASS, "safety_lecture", day, 540, 600, None), manager
        )
        db.session.flush()
        if safety is not None and _free_for(her, safety.needs[0]) is not None:
            break
        if safety is not None:
            db.session.delete(safety)
            safety = None
    far = max(
        db.session.scalars(select(Home).order_by(Home.id)),
        key=lambda h: minutes_between(her, h.lat, h.lon) or 0,
    )
    far_rooms = {room.kind: room for room in far.rooms}
    craft = _book(
        _request(far_rooms["library"], CRAFT, "activity", saturdays[1], 570, 660, skills["art"]),
        far.managers[0] if far.managers else manager,
    )
    db.session.flush()
    for event in (circle, safety, craft):
        for need in event.needs if event is not None else ():
            need.open_for_signup = True
    if circle is not None and (mine := _free_for(her, circle.needs[0])) is not None:
        _sign_up(her, circle.needs[0], mine.id)
    if safety is not None:
        other = db.session.scalar(
            select(Volunteer)
            .where(
                Volunteer.id != her.id,
                Volunteer.vetting_status == "cleared",
                Volunteer.expires_on > today + timedelta(days=60),
            )
            .order_by(Volunteer.id)
        )
        if other is not None:
            _sign_up(other, safety.needs[0], safety.occurrences[0].id)
    db.session.flush()


def _sign_up(volunteer: Volunteer, need: Need, occurrence_id: int) -> None:
    db.session.add(
        Assignment(
            volunteer_id=volunteer.id,
            need_id=need.id,
            occurrence_id=occurrence_id,
            source="signup",
            status="confirmed",
            confirmed_at=utcnow(),
        )
    )
