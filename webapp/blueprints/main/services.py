"""What the dashboard shows each role."""

from __future__ import annotations

from sqlalchemy import func, select

from webapp import clock
from webapp.blueprints.volunteers.pairing import duty_statuses
from webapp.blueprints.volunteers.services import (
    cleared_condition,
    expiring_clearances,
)
from webapp.extensions import db
from webapp.models import Home, Occurrence, Room, Team, User, Volunteer
from webapp.models.accounts import ADMIN, COORDINATOR, HOME_MANAGER, VOLUNTEER
from webapp.models.homes import home_managers


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


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
        figures["overdue_duties"] = len(duty_statuses(only_overdue=True))
    if user.has_role(HOME_MANAGER):
        figures["my_homes"] = list(
            db.session.scalars(
                select(Home)
                .join(home_managers)
                .where(home_managers.c.user_id == user.id)
                .order_by(Home.name)
            )
        )
        figures["my_rooms"] = _count(
            select(Room.id)
            .join(home_managers, home_managers.c.home_id == Room.home_id)
            .where(home_managers.c.user_id == user.id)
        )
        figures["awaiting_approval"] = dict(
            db.session.execute(
                select(Room.home_id, func.count(Occurrence.id))
                .join(Occurrence, Occurrence.room_id == Room.id)
                .join(home_managers, home_managers.c.home_id == Room.home_id)
                .where(home_managers.c.user_id == user.id, Occurrence.status == "requested")
                .group_by(Room.home_id)
            ).all()
        )
    if user.has_role(VOLUNTEER):
        profile = db.session.scalar(select(Volunteer).where(Volunteer.user_id == user.id))
        figures["profile"] = profile
        figures["duties"] = duty_statuses(volunteer=profile) if profile else []
    if user.has_role(ADMIN):
        figures["users"] = _count(select(User.id))
    return figures
