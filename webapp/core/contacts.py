"""Whom a volunteer asks about an assignment (the schedule page, the "too late to withdraw"
message, a withdrawal's notice, every message about an assignment): the organiser and the home's
managers, or the coordinators of the plan; any coordinator when nobody else is known."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Assignment, User, Volunteer
from webapp.models.accounts import COORDINATOR, UserRole


def contacts_for(assignment: Assignment) -> list[User]:
    """Whom to ask about an assignment: the event's organiser and the home's managers, or the
    coordinator who made or published the plan; any coordinator when nobody else is known."""
    people: list[User] = []
    if assignment.need is not None:
        event = assignment.need.event
        people += [event.organiser] if event.organiser else []
        people += list(event.home.managers)
    if assignment.plan is not None:
        people += [
            u for u in (assignment.plan.published_by, assignment.plan.programme.created_by) if u
        ]
    if assignment.post is not None and assignment.post.home is not None:
        people += list(assignment.post.home.managers)
    if assignment.programme is not None and assignment.programme.created_by:
        people.append(assignment.programme.created_by)
    if not people:
        people = list(
            db.session.scalars(
                select(User)
                .join(UserRole, UserRole.user_id == User.id)
                .where(UserRole.role == COORDINATOR, User.active.is_(True))
                .order_by(User.id)
                .limit(2)
            )
        )
    return unique_people(people)


def unique_people(people: Iterable) -> list:
    """Each person once, in the order first named (None, for nobody known, left out)."""
    seen, unique = set(), []
    for person in people:
        if person is not None and person.id not in seen:
            seen.add(person.id)
            unique.append(person)
    return unique


def phones_of(people: Iterable[User]) -> dict[int, str]:
    """user id -> phone, for the people whose volunteer profile has one (staff often have none)."""
    ids = {p.id for p in people}
    if not ids:
        return {}
    rows = db.session.execute(
        select(Volunteer.user_id, Volunteer.phone).where(
            Volunteer.user_id.in_(ids), Volunteer.phone.is_not(None)
        )
    )
    return {user_id: phone for user_id, phone in rows if phone}
