"""Demo opportunities for the volunteer log-in (李秀兰, volunteer@example.org).

At the home nearest to her: a Saturday reading circle with free places (one date already hers),
and a safety class that is full (she can join its waitlist); the existing reading club at the
first home is opened too, so that the list also shows something she cannot take, with the reason.
Bookings go through the booking service, so they obey the homes' rules. Idempotent.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from webapp.blueprints.homes import booking
from webapp.blueprints.homes.booking import BookingError, BookingRequest, NeedSpec
from webapp.blueprints.opportunities.eligibility import minutes_between
from webapp.extensions import db
from webapp.models import Assignment, Event, Home, Need, Skill, User, Volunteer
from webapp.models.base import utcnow

DEMO_EMAIL = "volunteer@example.org"
CIRCLE, CLASS = "周六绘本共读", "周六安全小课堂"


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


def _load(her: Volunteer, today: date) -> None:
    home = _nearest_home(her)
    minutes = minutes_between(her, home.lat, home.lon)
    if minutes is not None and minutes > her.max_travel_minutes:
        her.transport_mode = "ebike"  # in the demo she rides an e-bike to the nearest home
    manager = home.managers[0] if home.managers else User.by_email("coordinator@example.org")
    skills = {s.code: s for s in db.session.scalars(select(Skill))}
    rooms = {room.kind: room for room in home.rooms}
    saturday = _next_saturday(today)
    circle = _book(
        BookingRequest(
            room=rooms["library"],
            title=CIRCLE,
            kind="reading_club",
            first_date=saturday,
            start_minute=9 * 60 + 30,
            end_minute=11 * 60,
            capacity=12,
            age_group="6-8",
            weekdays=(5,),
            count=4,
            needs=[NeedSpec(skills["reading"].id, 1, 2, True)],
        ),
        manager,
    )
    safety = _book(
        BookingRequest(
            room=rooms["activity"],
            title=CLASS,
            kind="safety_lecture",
            first_date=saturday + timedelta(days=7),
            start_minute=9 * 60,
            end_minute=10 * 60 + 30,
            capacity=30,
            age_group="10+",
            needs=[NeedSpec(None, 1, 1, True)],
        ),
        manager,
    )
    db.session.flush()
    for event in (circle, safety):
        if event is not None:
            for need in event.needs:
                need.open_for_signup = True
    first_home_club = db.session.scalar(
        select(Need).join(Event).where(Event.kind == "reading_club", Event.home_id != home.id)
    )
    if first_home_club is not None:
        first_home_club.open_for_signup = True
    if circle is not None and len(circle.occurrences) > 2:
        _sign_up(her, circle.needs[0], circle.occurrences[2].id)
    if safety is not None and safety.occurrences:
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
