"""Pairing a carer with a child (代理家长结对, or the class teacher): pairings, their duties and
the care log.

A pairing is visible only to coordinators and to the volunteer paired with the child.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from flask import abort, current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from webapp import audit, clock
from webapp.blueprints.children.contacts import record_contact
from webapp.blueprints.children.duties import (
    DutyState,
    end_pairing_duties,
    start_pairing_duties,
    states,
)
from webapp.blueprints.volunteers.list_filters import cleared_condition
from webapp.blueprints.volunteers.services import (
    RuleError,
    is_coordinator,
    profile_of,
)
from webapp.core.locking import serialise_on
from webapp.core.lookup import get_or_404
from webapp.extensions import db
from webapp.models import CareLog, Child, Pairing, User, Volunteer
from webapp.models.child_care import ChildDuty
from webapp.models.children import CARE_LOG_KINDS

DEFAULT_MAX_CHILDREN = 3


def max_children() -> int:
    """How many children one surrogate parent may care for: the PAIRING_MAX_CHILDREN app setting,
    else the environment variable of that name, else 3."""
    raw = current_app.config.get("PAIRING_MAX_CHILDREN") or os.environ.get("PAIRING_MAX_CHILDREN")
    try:
        return max(1, int(raw)) if raw else DEFAULT_MAX_CHILDREN
    except ValueError:
        return DEFAULT_MAX_CHILDREN


# --- Pairings -----------------------------------------------------------------------------------


# Who may be paired in which role: surrogate parents as such, teachers with their class's children.
KIND_OF_ROLE = {"surrogate": "surrogate_parent", "teacher": "teacher"}


def pairable_volunteers(today: date | None = None, role: str = "surrogate") -> list[Volunteer]:
    """Volunteers of the role's kind who are cleared today."""
    today = today or clock.today()
    return list(
        db.session.scalars(
            select(Volunteer)
            .where(Volunteer.kind == KIND_OF_ROLE[role], cleared_condition(today))
            .order_by(*Volunteer.by_name())
        )
    )


def active_pairing_count(volunteer: Volunteer) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Pairing)
        .where(Pairing.volunteer_id == volunteer.id, Pairing.ended_on.is_(None))
    )


def pair(
    volunteer: Volunteer,
    child: Child,
    *,
    role: str = "surrogate",
    started_on: date | None = None,
    weekly_talk: bool = True,
    monthly_visit: bool = True,
    today: date | None = None,
) -> Pairing:
    """Pair a carer with a child and start the role's duties (surrogate parent: weekly talk and
    monthly visit; class teacher: a talk every month)."""
    today = today or clock.today()
    started_on = started_on or today
    if role not in KIND_OF_ROLE:
        raise RuleError("role", _("Choose surrogate parent or class teacher."))
    if volunteer.kind != KIND_OF_ROLE[role]:
        if role == "teacher":
            raise RuleError("volunteer_id", _("Only teachers can be paired as class teacher."))
        raise RuleError("volunteer_id", _("Only surrogate parents can be paired with a child."))
    if not volunteer.is_cleared(today):
        raise RuleError(
            "volunteer_id",
            _("%(name)s is not cleared (or the clearance has expired).", name=volunteer.name),
        )
    if child.under_14 and not child.consent_recorded:
        raise RuleError(
            "child_id",
            _("A child under 14 cannot be paired without recorded guardian consent."),
        )
    if started_on > today:
        raise RuleError("started_on", _("The start cannot be in the future."))
    # Pairings of one carer take turns (a row lock on PostgreSQL, the write lock on SQLite), so
    # that two requests cannot both pass the limit; counts below are fresh.
    serialise_on(volunteer)
    if active_pairing_count_of_child(child, role) > 0:
        raise RuleError("child_id", _already_paired(role))
    limit = max_children()
    if active_pairing_count(volunteer) >= limit:
        raise RuleError(
            "volunteer_id",
            _(
                "%(name)s already cares for %(num)d children, the most allowed.",
                name=volunteer.name,
                num=limit,
            ),
        )
    # By ids, not relationships: a refused insert must leave no pairing in a loaded collection.
    pairing = Pairing(
        volunteer_id=volunteer.id,
        child_id=child.id,
        role=role,
        started_on=started_on,
        weekly_talk=weekly_talk,
        monthly_visit=monthly_visit,
    )
    try:
        with db.session.begin_nested():
            db.session.add(pairing)
    except IntegrityError as error:
        # uq_pairings_one_active_per_child_role: another request paired this child a moment ago.
        raise RuleError("child_id", _already_paired(role)) from error
    start_pairing_duties(pairing)
    db.session.expire(child, ["pairings"])
    audit.record(
        "pairing.create",
        "pairing",
        pairing.id,
        after={
            "volunteer_id": volunteer.id,
            "child_id": child.id,
            "role": role,
            "started_on": str(started_on),
        },
    )
    return pairing


def _already_paired(role: str = "surrogate") -> str:
    if role == "teacher":
        return _("This child already has a class teacher paired.")
    return _("This child already has a surrogate parent.")


def active_pairing_count_of_child(child: Child, role: str = "surrogate") -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Pairing)
        .where(Pairing.child_id == child.id, Pairing.role == role, Pairing.ended_on.is_(None))
    )


def end_pairing(pairing: Pairing, today: date | None = None) -> None:
    """End the pairing and its duties."""
    today = today or clock.today()
    if pairing.ended_on is not None:
        abort(409, description=_("This pairing has already ended."))
    pairing.ended_on = max(today, pairing.started_on)
    end_pairing_duties(pairing, pairing.ended_on)
    db.session.flush()
    audit.record("pairing.end", "pairing", pairing.id, after={"ended_on": str(pairing.ended_on)})


def visible_pairing(pairing_id: int, user: User) -> Pairing:
    """A coordinator sees every pairing; the paired volunteer sees their own; anyone else 404."""
    pairing = get_or_404(Pairing, pairing_id)
    if is_coordinator(user):
        return pairing
    profile = profile_of(user)
    if profile is None or pairing.volunteer_id != profile.id:
        abort(404)
    return pairing


def add_care_log(
    pairing: Pairing,
    *,
    happened_on: date,
    kind: str,
    note: str,
    author: User,
    today: date | None = None,
) -> CareLog:
    """A contact through the pairing: it is the paired carer's and completes their duty."""
    if pairing.ended_on is not None:
        raise RuleError("happened_on", _("This pairing has ended; no new contacts can be logged."))
    if kind in CARE_LOG_KINDS and happened_on < pairing.started_on:
        raise RuleError("happened_on", _("The date is before the pairing started."))
    return record_contact(
        pairing.child,
        kind=kind,
        happened_on=happened_on,
        note=note,
        author=author,
        volunteer=pairing.volunteer,
        today=today,
    )


@dataclass(frozen=True)
class DutyStatus:
    """An active pairing and its duties' states (read from ChildDuty.state: the one rule)."""

    pairing: Pairing
    duties: tuple[DutyState, ...]

    def _of(self, *kinds: str) -> DutyState | None:
        return next((s for s in self.duties if s.duty.kind in kinds), None)

    @property
    def last_talk(self) -> date | None:
        found = self._of("weekly_talk", "teacher_talk")
        return found.duty.last_done_on if found else None

    @property
    def last_visit(self) -> date | None:
        found = self._of("monthly_visit")
        return found.duty.last_done_on if found else None

    @property
    def talk_overdue_days(self) -> int | None:
        """Days since the last talk (or the start), when the talk is overdue."""
        found = self._of("weekly_talk", "teacher_talk")
        return found.days_since if found and found.overdue else None

    @property
    def visit_overdue_days(self) -> int | None:
        found = self._of("monthly_visit")
        return found.days_since if found and found.overdue else None

    @property
    def overdue(self) -> bool:
        return any(s.overdue for s in self.duties)


# The statements, built once (building one cost more than running it on the dashboard).
@lru_cache(maxsize=1)
def _pairings_of():
    return (
        select(Pairing)
        .where(Pairing.ended_on.is_(None), Pairing.volunteer_id == bindparam("volunteer_id"))
        .options(joinedload(Pairing.child).joinedload(Child.home))
        .order_by(Pairing.started_on)
    )


@lru_cache(maxsize=1)
def _all_pairings():
    return (
        select(Pairing)
        .where(Pairing.ended_on.is_(None))
        .options(joinedload(Pairing.child).joinedload(Child.home), joinedload(Pairing.volunteer))
        .order_by(Pairing.started_on)
    )


@lru_cache(maxsize=1)
def _open_duties():
    return (
        select(ChildDuty)
        .where(ChildDuty.pairing_id.in_(bindparam("ids", expanding=True)))
        .where(ChildDuty.ended_on.is_(None))
        .order_by(ChildDuty.id)
    )


def duty_statuses(
    today: date | None = None, only_overdue: bool = False, volunteer: Volunteer | None = None
) -> list[DutyStatus]:
    """For every active pairing (of one volunteer, if given): its duties and their states."""
    today = today or clock.today()
    if volunteer is not None:
        pairings = list(db.session.scalars(_pairings_of(), {"volunteer_id": volunteer.id}))
    else:
        pairings = list(db.session.scalars(_all_pairings()))
    by_pairing: dict[int, list[DutyState]] = {}
    if pairings:
        found = db.session.scalars(_open_duties(), {"ids": [p.id for p in pairings]})
        for state in states(list(found), today):
            by_pairing.setdefault(state.duty.pairing_id, []).append(state)
    statuses = [DutyStatus(p, tuple(by_pairing.get(p.id, ()))) for p in pairings]
    return [s for s in statuses if s.overdue or not only_overdue]
