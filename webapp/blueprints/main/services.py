"""What the dashboard shows each role."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Home, Room, Team, User, Volunteer
from webapp.models.accounts import ADMIN, COORDINATOR, HOME_MANAGER, VOLUNTEER
from webapp.models.homes import home_managers


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def dashboard_figures(user: User) -> dict:
    figures: dict = {}
    if user.has_role(COORDINATOR, ADMIN):
        today = date.today()
        figures["volunteers"] = _count(select(Volunteer.id))
        figures["cleared"] = _count(
            select(Volunteer.id).where(
                Volunteer.vetting_status == "cleared",
                (Volunteer.expires_on.is_(None)) | (Volunteer.expires_on >= today),
            )
        )
        figures["expiring"] = _count(
            select(Volunteer.id).where(
                Volunteer.vetting_status == "cleared",
                Volunteer.expires_on.between(today, today + timedelta(days=30)),
            )
        )
        figures["teams"] = _count(select(Team.id))
        figures["homes"] = _count(select(Home.id))
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
    if user.has_role(VOLUNTEER):
        figures["profile"] = db.session.scalar(
            select(Volunteer).where(Volunteer.user_id == user.id)
        )
    if user.has_role(ADMIN):
        figures["users"] = _count(select(User.id))
    return figures
