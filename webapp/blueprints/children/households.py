"""Which household a child lives in (siblings share one): the home-visit campaign visits a
household once and the video-call rota gives siblings one call. Staff choose a household of the
same home's children (by its label) or make a new one with a village and an optional map point.
A household holds no name, only a label, a village and a point. Every change is audited.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from webapp import audit
from webapp.blueprints.children.access import log_access
from webapp.blueprints.volunteers.services import RuleError
from webapp.extensions import db
from webapp.models import Child
from webapp.models.children import Household


def household_choices(child: Child) -> list[Household]:
    """The households of the children of the child's home (and the child's own), by label."""
    query = (
        select(Household)
        .join(Child, Child.household_id == Household.id)
        .where(Child.home_id == child.home_id, Child.erased_at.is_(None))
        .distinct()
    )
    found = {h.id: h for h in db.session.scalars(query)}
    if child.household is not None:
        found[child.household.id] = child.household
    return sorted(found.values(), key=lambda h: (h.label, h.id))


def siblings_of(child: Child) -> list[Child]:
    """The other children (not erased) of the child's household."""
    if child.household_id is None:
        return []
    return list(
        db.session.scalars(
            select(Child)
            .where(
                Child.household_id == child.household_id,
                Child.id != child.id,
                Child.erased_at.is_(None),
            )
            .order_by(Child.pseudonym, Child.id)
        )
    )


def choose_household(child: Child, household_id: int | None) -> None:
    """Move the child into one of `household_choices` (None: into no household)."""
    household = None
    if household_id is not None:
        household = next((h for h in household_choices(child) if h.id == household_id), None)
        if household is None:
            raise RuleError("household_id", _("Choose a household of this home's children."))
    _move(child, household)


def create_household(
    child: Child, label: str, village: str = "", lat: float | None = None, lon: float | None = None
) -> Household:
    """Make a new household and move the child into it."""
    label = " ".join((label or "").split())
    if not label:
        raise RuleError("label", _("Give the household a label."))
    if (lat is None) != (lon is None):
        raise RuleError(
            "lon" if lon is None else "lat", _("Give both latitude and longitude, or neither.")
        )
    if lat is not None and not -90 <= lat <= 90:
        raise RuleError("lat", _("Between -90 and 90."))
    if lon is not None and not -180 <= lon <= 180:
        raise RuleError("lon", _("Between -180 and 180."))
    household = Household(label=label, village=" ".join((village or "").split()), lat=lat, lon=lon)
    db.session.add(household)
    db.session.flush()
    _move(child, household, created=True)
    return household


def _move(child: Child, household: Household | None, created: bool = False) -> None:
    before = child.household
    if (before.id if before else None) == (household.id if household else None):
        return
    child.household = household
    db.session.flush()
    after = {"household": household.label if household else None}
    if created and household is not None:
        after = {
            "household": household.label,
            "village": household.village,
            "lat": household.lat,
            "lon": household.lon,
            "created": True,
        }
    audit.record(
        "child.household",
        "child",
        child.id,
        before={"household": before.label if before else None},
        after=after,
    )
    log_access(child, "edit", "household")
