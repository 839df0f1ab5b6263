"""What the dashboard shows each role."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from sqlalchemy import bindparam, func, select

from webapp import clock
from webapp.blueprints.children.duties import children_with_overdue_duties
from webapp.blueprints.children.pairing import duty_statuses
from webapp.blueprints.volunteers.list_filters import cleared_condition
from webapp.blueprints.volunteers.vetting import expiring_clearances
from webapp.extensions import db
from webapp.models import Home, Occurrence, Room, SwapOffer, Team, User, Volunteer
from webapp.models.accounts import ADMIN, COORDINATOR, HOME_MANAGER, VOLUNTEER
from webapp.models.homes import home_managers


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


NEXT_UP_WINDOW = timedelta(weeks=4)


def _next_commitment(volunteer: Volunteer):
    """The volunteer's next confirmed commitment (from My schedule's reading), or None."""
    from webapp.core.commitments import commitments

    now, today = clock.utcnow(), clock.today()
    # A weekly tutor has a whole term of dates: look at the next weeks first, and further only
    # when they hold nothing (reading a term of dates cost the dashboard a third of its time).
    for last in (today + NEXT_UP_WINDOW, None):
        coming = [
            e
            for e in commitments([volunteer.id], today, last, include_cancelled=False)
            if e.ends_at > now
        ]
        if coming:
            return coming[0]
    return None


@lru_cache(maxsize=1)
def _profile_and_offers():
    pending_offers = (
        select(func.count(SwapOffer.id))
        .where(SwapOffer.to_volunteer_id == Volunteer.id, SwapOffer.status == "pending")
        .correlate(Volunteer)
        .scalar_subquery()
    )
    return select(Volunteer, pending_offers).where(Volunteer.user_id == bindparam("user_id"))


def dashboard_figures(user: User) -> dict:
    figures: dict = {}
    if user.has_role(COORDINATOR, ADMIN):
        # The counts in one query: the dashboard is the page people open most.
        counts = db.session.execute(
            select(
                select(func.count(Volunteer.id)).scalar_subquery(),
                select(func.count(Volunteer.id))
                .where(cleared_condition(clock.today()))
                .scalar_subquery(),
                select(func.count(Team.id)).scalar_subquery(),
                select(func.count(Home.id)).scalar_subquery(),
            )
        ).one()
        figures["volunteers"], figures["cleared"], figures["teams"], figures["homes"] = counts
        figures["expiring"] = len(expiring_clearances())
        figures["overdue_duties"] = children_with_overdue_duties()
    if user.has_role(HOME_MANAGER):
        # Each managed home with its room count and bookings awaiting approval, in one query
        # (not the rooms loaded per home to count them).
        rooms = (
            select(func.count(Room.id)).where(Room.home_id == Home.id).correlate(Home)
        ).scalar_subquery()
        awaiting = (
            select(func.count(Occurrence.id))
            .join(Room, Room.id == Occurrence.room_id)
            .where(Room.home_id == Home.id, Occurrence.status == "requested")
            .correlate(Home)
        ).scalar_subquery()
        figures["my_homes"] = db.session.execute(
            select(Home.id, Home.name, rooms.label("rooms"), awaiting.label("awaiting"))
            .join(home_managers, home_managers.c.home_id == Home.id)
            .where(home_managers.c.user_id == user.id)
            .order_by(*Home.by_name())
        ).all()
    if user.has_role(VOLUNTEER):
        # The profile and its pending swap offers in one query (built once).
        profile, offers = db.session.execute(
            _profile_and_offers(), {"user_id": user.id}
        ).first() or (None, 0)
        figures["profile"] = profile
        figures["duties"] = duty_statuses(volunteer=profile) if profile else []
        figures["next_up"] = _next_commitment(profile) if profile else None
        figures["swap_offers"] = offers
    if user.has_role(ADMIN):
        figures["users"] = _count(select(User.id))
    return figures
