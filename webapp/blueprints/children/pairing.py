"""Surrogate-parent pairing (代理家长结对): pairings, contact duties and the care log.

A pairing is visible only to coordinators and to the volunteer paired with the child.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

from flask import abort, current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from webapp import audit, clock
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
from webapp.models.children import CARE_LOG_KINDS

DEFAULT_MAX_CHILDREN = 3
TALK_OVERDUE_DAYS = 10
VISIT_OVERDUE_DAYS = 35


def max_children() -> int:
    """How many children one surrogate parent may care for: the PAIRING_MAX_CHILDREN app setting,
    else the environment variable of that name, else 3."""
    raw = current_app.config.get("PAIRING_MAX_CHILDREN") or os.environ.get("PAIRING_MAX_CHILDREN")
    try:
        return max(1, int(raw)) if raw else DEFAULT_MAX_CHILDREN
    except ValueError:
        return DEFAULT_MAX_CHILDREN


# --- Pairings -----------------------------------------------------------------------------------


def pairable_volunteers(today: date | None = None) -> list[Volunteer]:
    """Surrogate parents who are cleared today."""
    today = today or clock.today()
    return list(
        db.session.scalars(
            select(Volunteer)
            .where(Volunteer.kind == "surrogate_parent", cleared_condition(today))
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
    started_on: date | None = None,
    weekly_talk: bool = True,
    monthly_visit: bool = True,
    today: date | None = None,
) -> Pairing:
    today = today or clock.today()
    started_on = started_on or today
    if volunteer.kind != "surrogate_parent":
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
    # Pairings of one surrogate parent take turns (a row lock on PostgreSQL, the write lock on
    # SQLite), so that two requests cannot both pass the limit; counts below are fresh.
    serialise_on(volunteer)
    if active_pairing_count_of_child(child) > 0:
        raise RuleError("child_id", _already_paired())
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
        started_on=started_on,
        weekly_talk=weekly_talk,
        monthly_visit=monthly_visit,
    )
    try:
        with db.session.begin_nested():
            db.session.add(pairing)
    except IntegrityError as error:
        # uq_pairings_one_active_per_child: another request paired this child a moment ago.
        raise RuleError("child_id", _already_paired()) from error
    db.session.expire(child, ["pairings"])
    audit.record(
        "pairing.create",
        "pairing",
        pairing.id,
        after={"volunteer_id": volunteer.id, "child_id": child.id, "started_on": str(started_on)},
    )
    return pairing


def _already_paired() -> str:
    return _("This child already has a surrogate parent.")


def active_pairing_count_of_child(child: Child) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Pairing)
        .where(Pairing.child_id == child.id, Pairing.ended_on.is_(None))
    )


def end_pairing(pairing: Pairing, today: date | None = None) -> None:
    today = today or clock.today()
    if pairing.ended_on is not None:
        abort(409, description=_("This pairing has already ended."))
    pairing.ended_on = max(today, pairing.started_on)
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
    today = today or clock.today()
    if pairing.ended_on is not None:
        raise RuleError("happened_on", _("This pairing has ended; no new contacts can be logged."))
    if kind not in CARE_LOG_KINDS:
        raise RuleError("kind", _("Choose the kind of contact."))
    if happened_on > today:
        raise RuleError("happened_on", _("The date cannot be in the future."))
    if happened_on < pairing.started_on:
        raise RuleError("happened_on", _("The date is before the pairing started."))
    note = " ".join((note or "").split())
    if len(note) > 200:
        raise RuleError("note", _("Keep the note to one line of at most 200 characters."))
    log = CareLog(
        pairing=pairing, happened_on=happened_on, kind=kind, note=note, author_id=author.id
    )
    db.session.add(log)
    db.session.flush()
    return log


@dataclass(frozen=True)
class DutyStatus:
    pairing: Pairing
    last_talk: date | None
    last_visit: date | None
    talk_overdue_days: int | None  # days since the last talk, when overdue
    visit_overdue_days: int | None

    @property
    def overdue(self) -> bool:
        return self.talk_overdue_days is not None or self.visit_overdue_days is not None


def duty_statuses(
    today: date | None = None, only_overdue: bool = False, volunteer: Volunteer | None = None
) -> list[DutyStatus]:
    """For every active pairing (of one volunteer, if given): the last talk and visit, and
    whether either is overdue (no talk in 10 days, no visit in 35 days, counted from the start
    when none yet)."""
    today = today or clock.today()
    # The last talk and visit as correlated subqueries: pairings and their dates in one query.
    talk, visit = (
        select(func.max(CareLog.happened_on))
        .where(CareLog.pairing_id == Pairing.id, CareLog.kind == kind)
        .correlate(Pairing)
        .scalar_subquery()
        for kind in ("talk", "visit")
    )
    # Many-to-one all the way: one query with joins, not one per relationship. One volunteer's
    # own pairings find that volunteer in the session without a join.
    loads = [joinedload(Pairing.child).joinedload(Child.home)]
    query = select(Pairing, talk, visit).where(Pairing.ended_on.is_(None))
    if volunteer is not None:
        query = query.where(Pairing.volunteer_id == volunteer.id)
    else:
        loads.append(joinedload(Pairing.volunteer))
    rows = db.session.execute(query.options(*loads).order_by(Pairing.started_on)).all()
    statuses = []
    for pairing, last_talk, last_visit in rows:
        talk_days = (today - (last_talk or pairing.started_on)).days
        visit_days = (today - (last_visit or pairing.started_on)).days
        status = DutyStatus(
            pairing=pairing,
            last_talk=last_talk,
            last_visit=last_visit,
            talk_overdue_days=talk_days
            if pairing.weekly_talk and talk_days > TALK_OVERDUE_DAYS
            else None,
            visit_overdue_days=visit_days
            if pairing.monthly_visit and visit_days > VISIT_OVERDUE_DAYS
            else None,
        )
        if status.overdue or not only_overdue:
            statuses.append(status)
    return statuses
