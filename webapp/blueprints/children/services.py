"""The child record (a pseudonym, an age band, a home, the guardian's consent): listing, saving
and finding one. Children's data is sensitive personal information (PIPL): see privacy.py for
who read it, its export and its erasure.

Services only flush; a broken rule raises RuleError with its field (the view re-renders, 422).
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp import audit, clock
from webapp.blueprints.volunteers.services import RuleError
from webapp.core.lookup import get_or_404
from webapp.extensions import db
from webapp.models import Child, Home
from webapp.models.children import AGE_BANDS, UNDER_14_BANDS


def list_children() -> list[Child]:
    return list(
        db.session.scalars(
            select(Child)
            .where(Child.erased_at.is_(None))
            .options(selectinload(Child.home), selectinload(Child.pairings))
            .order_by(Child.home_id, Child.pseudonym)
        )
    )


def save_child(
    child: Child | None,
    *,
    pseudonym: str,
    age_band: str,
    home_id: int,
    guardian_consent: bool,
    consent_on: date | None,
    today: date | None = None,
) -> Child:
    today = today or clock.today()
    pseudonym = pseudonym.strip()
    if not pseudonym:
        raise RuleError("pseudonym", _("Enter a pseudonym or initials."))
    if age_band not in AGE_BANDS:
        raise RuleError("age_band", _("Choose an age band."))
    if db.session.get(Home, home_id) is None:
        raise RuleError("home_id", _("Choose a children's home."))
    if guardian_consent and consent_on is None:
        raise RuleError("consent_on", _("Enter the date the guardian gave consent."))
    if consent_on and consent_on > today:
        raise RuleError("consent_on", _("The consent date cannot be in the future."))
    if not guardian_consent:
        consent_on = None
    creating = child is None
    if creating:
        child = Child(pseudonym=pseudonym, age_band=age_band, home_id=home_id)
        db.session.add(child)
    active = child.active_pairing if not creating else None
    if active and age_band in UNDER_14_BANDS and not guardian_consent:
        raise RuleError(
            "guardian_consent",
            _("This child is paired; a child under 14 needs recorded guardian consent."),
        )
    child.pseudonym, child.age_band, child.home_id = pseudonym, age_band, home_id
    child.guardian_consent, child.consent_on = guardian_consent, consent_on
    db.session.flush()
    audit.record(
        "child.create" if creating else "child.update",
        "child",
        child.id,
        after={
            "age_band": age_band,
            "home_id": home_id,
            "consent": guardian_consent,
            "consent_on": consent_on.isoformat() if consent_on else None,
        },
    )
    return child


def get_child(child_id: int) -> Child:
    """A child whose data has not been erased, else 404."""
    return get_or_404(Child, child_id, belongs=lambda child: child.erased_at is None)
