"""Vetting (背景审核): a coordinator records a clearance with its dates; every change is audited.

Services only flush; a broken rule raises RuleError with the field it belongs to.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select

from webapp import audit, clock
from webapp.blueprints.volunteers.services import RuleError, is_coordinator
from webapp.extensions import db
from webapp.models import AuditLog, User, Volunteer
from webapp.models.volunteers import VETTING_STATUSES

CLEARANCE_YEARS = 2
EXPIRING_WITHIN_DAYS = 30


def default_expiry(cleared_on: date) -> date:
    try:
        return cleared_on.replace(year=cleared_on.year + CLEARANCE_YEARS)
    except ValueError:  # 29 February
        return cleared_on.replace(year=cleared_on.year + CLEARANCE_YEARS, day=28)


def set_vetting(
    volunteer: Volunteer,
    *,
    status: str,
    cleared_on: date | None,
    expires_on: date | None,
    note: str,
    actor: User,
    today: date | None = None,
) -> None:
    """Only coordinators change vetting; every change goes to the audit log."""
    if not is_coordinator(actor):
        abort(403)
    today = today or clock.today()
    if status not in VETTING_STATUSES:
        raise RuleError("status", _("Choose a vetting status."))
    if status in ("cleared", "expired"):
        cleared_on = cleared_on or today
        if cleared_on > today:
            raise RuleError("cleared_on", _("The clearance date cannot be in the future."))
        expires_on = expires_on or default_expiry(cleared_on)
        if expires_on <= cleared_on:
            raise RuleError("expires_on", _("The expiry must be after the clearance date."))
        if status == "cleared" and expires_on < today:
            raise RuleError(
                "expires_on", _("This clearance has already expired; choose “expired”.")
            )
    else:
        cleared_on = expires_on = None
    before = vetting_snapshot(volunteer)
    volunteer.vetting_status = status
    volunteer.cleared_on = cleared_on
    volunteer.expires_on = expires_on
    volunteer.checked_by_id = actor.id
    volunteer.vetting_note = (note or "").strip()
    db.session.flush()
    audit.record(
        "volunteer.vetting",
        "volunteer",
        volunteer.id,
        before=before,
        after=vetting_snapshot(volunteer),
        actor_id=actor.id,
    )


def vetting_snapshot(volunteer: Volunteer) -> dict:
    return {
        "status": volunteer.vetting_status,
        "cleared_on": volunteer.cleared_on.isoformat() if volunteer.cleared_on else None,
        "expires_on": volunteer.expires_on.isoformat() if volunteer.expires_on else None,
        "checked_by_id": volunteer.checked_by_id,
        "note": volunteer.vetting_note,
    }


def expiring_clearances(
    within_days: int = EXPIRING_WITHIN_DAYS, today: date | None = None
) -> list[Volunteer]:
    """Cleared volunteers whose clearance ends within the next `within_days` days."""
    today = today or clock.today()
    return list(
        db.session.scalars(
            select(Volunteer)
            .where(
                Volunteer.vetting_status == "cleared",
                Volunteer.expires_on >= today,
                Volunteer.expires_on <= today + timedelta(days=within_days),
            )
            .order_by(Volunteer.expires_on, *Volunteer.by_name())
        )
    )


def vetting_history(volunteer: Volunteer, limit: int = 20) -> list[AuditLog]:
    """The recorded vetting changes of one volunteer, newest first (coordinators only)."""
    return list(
        db.session.scalars(
            select(AuditLog)
            .where(
                AuditLog.action == "volunteer.vetting",
                AuditLog.object_type == "volunteer",
                AuditLog.object_id == volunteer.id,
            )
            .order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
            .limit(limit)
        )
    )
