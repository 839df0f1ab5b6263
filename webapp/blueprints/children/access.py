"""Who sees which child, whether they see names, and the access log (Primero's "who viewed or
changed this record").

- coordinators and admins: every child of the county, with real names;
- a home's managers: the children of their homes, without real names;
- a carer (surrogate parent, class teacher): only the children actively paired with them,
  without real names;
- anyone else: 404, as if the child did not exist.

Every view of a card, every change, export and erasure goes through `log_access`.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from webapp import clock
from webapp.blueprints.volunteers.services import profile_of
from webapp.core.lookup import get_or_404
from webapp.extensions import db
from webapp.models import Child, Pairing, User, Volunteer
from webapp.models.accounts import ADMIN, COORDINATOR, HOME_MANAGER
from webapp.models.child_care import ChildAccess
from webapp.models.homes import home_managers

# What a real name looks like to those not allowed to see names.
HIDDEN_NAME = "******"


def may_see_names(user: User) -> bool:
    return bool(user and user.is_authenticated and user.has_role(COORDINATOR, ADMIN))


def sees_all(user: User) -> bool:
    return bool(user and user.is_authenticated and user.has_role(COORDINATOR, ADMIN))


def shown_name(child: Child, user: User) -> str:
    """The real name for those allowed names, asterisks for the others (empty when none)."""
    if not child.real_name:
        return ""
    return child.real_name if may_see_names(user) else HIDDEN_NAME


def managed_home_ids(user: User) -> list[int]:
    if not user.has_role(HOME_MANAGER):
        return []
    return list(
        db.session.scalars(
            select(home_managers.c.home_id).where(home_managers.c.user_id == user.id)
        )
    )


def carer_pairings(user: User, child: Child | None = None) -> list[Pairing]:
    """The user's active pairings as a carer (with one child, when given)."""
    profile = profile_of(user)
    if profile is None:
        return []
    query = select(Pairing).where(Pairing.volunteer_id == profile.id, Pairing.ended_on.is_(None))
    if child is not None:
        query = query.where(Pairing.child_id == child.id)
    return list(db.session.scalars(query))


def carer_profile(user: User, child: Child) -> Volunteer | None:
    """The user's volunteer profile when they are paired with the child."""
    pairings = carer_pairings(user, child)
    return pairings[0].volunteer if pairings else None


def visible_children(user: User) -> Select:
    """A query of the children (not erased) this user may see."""
    query = (
        select(Child)
        .where(Child.erased_at.is_(None))
        .options(joinedload(Child.home))
        .order_by(Child.home_id, Child.pseudonym)
    )
    if sees_all(user):
        return query
    homes = managed_home_ids(user)
    profile = profile_of(user)
    paired = (
        select(Pairing.child_id).where(
            Pairing.volunteer_id == profile.id, Pairing.ended_on.is_(None)
        )
        if profile is not None
        else None
    )
    conditions = []
    if homes:
        conditions.append(Child.home_id.in_(homes))
    if paired is not None:
        conditions.append(Child.id.in_(paired))
    if not conditions:
        return query.where(Child.id.is_(None))
    condition = conditions[0] if len(conditions) == 1 else conditions[0] | conditions[1]
    return query.where(condition)


def may_see(child: Child, user: User) -> bool:
    if child.erased_at is not None or not (user and user.is_authenticated):
        return False
    if sees_all(user):
        return True
    if child.home_id in managed_home_ids(user):
        return True
    return bool(carer_pairings(user, child))


def visible_child(child_id: int, user: User) -> Child:
    """The child, if this user may see the card; else 404 (nothing confirms it exists)."""
    child = get_or_404(Child, child_id)
    if not may_see(child, user):
        abort(404)
    return child


def is_staff_of(child: Child, user: User) -> bool:
    """Coordinators, admins and the home's managers: they keep the card and its duties."""
    return sees_all(user) or child.home_id in managed_home_ids(user)


def log_access(
    child: Child | None, action: str, detail: str = "", user: User | None = None
) -> ChildAccess:
    """Write who viewed, changed, exported or erased a child's record, and when."""
    user = user if user is not None else current_user
    entry = ChildAccess(
        child_id=child.id if child is not None else None,
        user_id=user.id if user is not None and user.is_authenticated else None,
        action=action,
        detail=detail[:200],
        at=clock.utcnow(),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def access_entries(child_id: int | None = None, limit: int = 200) -> list[ChildAccess]:
    """The newest access log entries (of one child, when given), with who."""
    query = (
        select(ChildAccess)
        .options(joinedload(ChildAccess.user), joinedload(ChildAccess.child))
        .order_by(ChildAccess.at.desc(), ChildAccess.id.desc())
        .limit(limit)
    )
    if child_id is not None:
        query = query.where(ChildAccess.child_id == child_id)
    return list(db.session.scalars(query))
