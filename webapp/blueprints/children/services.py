"""The child record (a pseudonym, an age band, a home, the guardian's consent): listing, saving
and finding one. Children's data is sensitive personal information (PIPL): see privacy.py for
who read it, its export and its erasure.

Services only flush; a broken rule raises RuleError with its field (the view re-renders, 422).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp import audit, clock
from webapp.blueprints.children import access, duties
from webapp.blueprints.volunteers.services import RuleError
from webapp.core.lookup import get_or_404
from webapp.extensions import db
from webapp.models import Child, Home, User
from webapp.models.children import (
    AGE_BANDS,
    GUARDIANSHIP_LEVELS,
    PRIORITIES,
    SEXES,
    UNDER_14_BANDS,
)


def list_children() -> list[Child]:
    return list(
        db.session.scalars(
            select(Child)
            .where(Child.erased_at.is_(None))
            .options(selectinload(Child.home), selectinload(Child.pairings))
            .order_by(Child.home_id, Child.pseudonym)
        )
    )


# The card's free-text and coded fields, saved as given (after the checks in _check_card).
CARD_TEXT = (
    "real_name",
    "school",
    "grade",
    "village",
    "guardian_name",
    "guardian_relation",
    "guardian_phone",
    "father_work_city",
    "father_phone",
    "mother_work_city",
    "mother_phone",
    "priority_reason",
)
CARD_OTHER = (
    "report_consent",
    "sex",
    "birth_year",
    "guardianship",
    "father_last_home_on",
    "mother_last_home_on",
    "priority",
    "next_review_on",
)
PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,19}$")


def _check_card(card: dict[str, Any], today: date, child: Child | None) -> dict[str, Any]:
    """The card's fields cleaned, or RuleError naming the first wrong one."""
    out: dict[str, Any] = {}
    for name in CARD_TEXT:
        out[name] = " ".join(str(card.get(name) or "").split())
    out["real_name"] = out["real_name"] or None
    for name in ("guardian_phone", "father_phone", "mother_phone"):
        if out[name] and not PHONE.match(out[name]):
            raise RuleError(name, _("Enter a phone number of digits (5 to 20)."))
    out["report_consent"] = bool(card.get("report_consent"))
    for name, allowed, message in (
        ("sex", SEXES, _("Choose girl or boy.")),
        ("guardianship", GUARDIANSHIP_LEVELS, _("Choose good, fair or poor.")),
        ("priority", PRIORITIES, _("Choose red, yellow, blue or green.")),
    ):
        value = card.get(name) or None
        if value is not None and value not in allowed:
            raise RuleError(name, message)
        out[name] = value
    if out["priority"] in ("red", "yellow") and not out["priority_reason"]:
        raise RuleError("priority_reason", _("Give the reason for a red or yellow priority."))
    year = card.get("birth_year")
    if year is not None and not (today.year - 18 <= year <= today.year):
        raise RuleError(
            "birth_year",
            _(
                "A child's year of birth is between %(first)d and %(last)d.",
                first=today.year - 18,
                last=today.year,
            ),
        )
    out["birth_year"] = year
    for name in ("father_last_home_on", "mother_last_home_on"):
        value = card.get(name)
        if value is not None and value > today:
            raise RuleError(name, _("This date cannot be in the future."))
        out[name] = value
    review = card.get("next_review_on")
    unchanged = child is not None and child.next_review_on == review
    if review is not None and review < today and not unchanged:
        raise RuleError("next_review_on", _("The next review cannot be in the past."))
    out["next_review_on"] = review
    return out


def save_child(
    child: Child | None,
    *,
    pseudonym: str,
    age_band: str,
    home_id: int,
    guardian_consent: bool,
    consent_on: date | None,
    card: dict[str, Any] | None = None,
    card_duties: dict[str, bool] | None = None,
    user: User | None = None,
    today: date | None = None,
) -> Child:
    """Create or change a child's card; `card` holds the card's other fields (absent: kept),
    `card_duties` the guardian call and video call switches. Writes the access log."""
    today = today or clock.today()
    pseudonym = pseudonym.strip()
    if not pseudonym:
        raise RuleError("pseudonym", _("Enter a pseudonym or initials."))
    if age_band not in AGE_BANDS:
        raise RuleError("age_band", _("Choose an age band."))
    home = db.session.get(Home, home_id)
    if home is None:
        raise RuleError("home_id", _("Choose a children's home."))
    if guardian_consent and consent_on is None:
        raise RuleError("consent_on", _("Enter the date the guardian gave consent."))
    if consent_on and consent_on > today:
        raise RuleError("consent_on", _("The consent date cannot be in the future."))
    if not guardian_consent:
        consent_on = None
    cleaned = _check_card(card, today, child) if card is not None else {}
    creating = child is None
    active = [p for p in child.pairings if p.ended_on is None] if child is not None else []
    if active and age_band in UNDER_14_BANDS and not guardian_consent:
        raise RuleError(
            "guardian_consent",
            _("This child is paired; a child under 14 needs recorded guardian consent."),
        )
    if creating:
        child = Child(pseudonym=pseudonym, age_band=age_band, home_id=home_id)
        db.session.add(child)
    before = {n: getattr(child, n) for n in (*CARD_TEXT, *CARD_OTHER)} if not creating else {}
    child.pseudonym, child.age_band, child.home_id = pseudonym, age_band, home_id
    child.guardian_consent, child.consent_on = guardian_consent, consent_on
    for name, value in cleaned.items():
        setattr(child, name, value)
    db.session.flush()
    if card is not None:
        duties.sync_plan_review(child, user, today)
    for kind, wanted in (card_duties or {}).items():
        responsible = home.managers[0] if kind == "video_call" and home.managers else user
        duties.set_card_duty(child, kind, wanted, responsible, today)
    changed = sorted(n for n, v in before.items() if getattr(child, n) != v)
    access.log_access(child, "edit", "created" if creating else ",".join(changed), user=user)
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
