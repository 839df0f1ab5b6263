"""The routes of a home-visit plan (暑期家访): each pair's days with their households in visiting
order, who may read a route sheet, and recording a visit made.

A route sheet carries the guardians' names and phones, so it is shown only to coordinators and
to the two visitors of that pair; anyone else gets 404, as if it did not exist. Children appear
by pseudonym; real names only to the roles children/access.py allows.

A visit recorded on the sheet is a contact (CareLog, kind "visit") with each child of the
household, written through the children blueprint's contact service: it completes the child's
open visit duty, and coverage counts it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp import audit, clock
from webapp.blueprints.children import contacts, duties
from webapp.blueprints.children.access import may_see_names
from webapp.blueprints.planning.errors import PlanningError
from webapp.blueprints.volunteers.services import profile_of
from webapp.extensions import db
from webapp.models import CareLog, Child, Plan, User, Volunteer
from webapp.models.accounts import ADMIN, COORDINATOR
from webapp.models.child_care import CONTACT_KIND_OF_DUTY, ChildDuty
from webapp.models.children import Household
from webapp.models.home_visits import VisitPlacement

Pair = tuple[int, int]


def pair_of(a: int, b: int) -> Pair:
    """A pair as one key, whichever of the two is named first."""
    return (a, b) if a < b else (b, a)


def pair_key(pair: Pair) -> str:
    return f"{pair[0]}-{pair[1]}"


def parse_pair(text: str | None) -> Pair | None:
    """ "12-34" -> (12, 34); None when it is not two different ids."""
    parts = (text or "").split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or parts[0] == parts[1]:
        return None
    return pair_of(int(parts[0]), int(parts[1]))


@dataclass
class PairDay:
    """One pair's day: the households in visiting order and the day's travel."""

    pair: Pair
    day: date
    stops: list[VisitPlacement] = field(default_factory=list)

    @property
    def key(self) -> str:
        return pair_key(self.pair)

    @property
    def route_minutes(self) -> int:
        return max((s.route_minutes for s in self.stops), default=0)

    @property
    def villages(self) -> list[str]:
        seen: list[str] = []
        for stop in self.stops:
            village = stop.household.village or stop.household.label
            if village not in seen:
                seen.append(village)
        return seen

    @property
    def visitors(self) -> tuple[Volunteer, Volunteer]:
        first = self.stops[0]
        a, b = first.first_visitor, first.second_visitor
        return (a, b) if a.id == self.pair[0] else (b, a)

    def partner_of(self, volunteer_id: int) -> Volunteer:
        a, b = self.visitors
        return b if a.id == volunteer_id else a


def placements(plan: Plan) -> list[VisitPlacement]:
    return list(
        db.session.scalars(
            select(VisitPlacement)
            .where(VisitPlacement.plan_id == plan.id)
            .options(
                selectinload(VisitPlacement.household).selectinload(Household.children),
                selectinload(VisitPlacement.first_visitor).selectinload(Volunteer.user),
                selectinload(VisitPlacement.second_visitor).selectinload(Volunteer.user),
            )
            .order_by(VisitPlacement.day, VisitPlacement.position, VisitPlacement.id)
        )
    )


def pair_days(plan: Plan, volunteer_id: int | None = None) -> list[PairDay]:
    """Every pair's days of the plan (one visitor's only, when given), by day then pair."""
    by_key: dict[tuple[date, Pair], PairDay] = {}
    for row in placements(plan):
        pair = pair_of(*row.visitor_ids)
        if volunteer_id is not None and volunteer_id not in pair:
            continue
        by_key.setdefault((row.day, pair), PairDay(pair, row.day)).stops.append(row)
    for pd in by_key.values():
        pd.stops.sort(key=lambda s: (s.position, s.id))
    return [by_key[k] for k in sorted(by_key)]


def days_by_visitor(plan: Plan) -> dict[int, list[PairDay]]:
    out: dict[int, list[PairDay]] = defaultdict(list)
    for pd in pair_days(plan):
        for vid in pd.pair:
            out[vid].append(pd)
    return out


# --- who may read a route sheet --------------------------------------------------------------


def sees_every_route(user: User) -> bool:
    return bool(user and user.is_authenticated and user.has_role(COORDINATOR, ADMIN))


def viewer_volunteer_id(user: User) -> int | None:
    profile = profile_of(user) if user and user.is_authenticated else None
    return profile.id if profile is not None else None


def may_read(plan: Plan, pair: Pair, user: User) -> bool:
    """Coordinators read every pair's sheet of any plan; a visitor their own pair's sheets of
    the published plan only (a proposal may still change)."""
    if sees_every_route(user):
        return True
    if plan.state != "published":
        return False
    return viewer_volunteer_id(user) in pair


def route_or_none(plan: Plan, pair: Pair, day: date) -> PairDay | None:
    for pd in pair_days(plan, pair[0]):
        if pd.pair == pair and pd.day == day:
            return pd
    return None


@dataclass(frozen=True)
class Guardian:
    name: str
    relation: str
    phone: str


def guardians(household: Household) -> list[Guardian]:
    """The household's guardians as the children's cards name them, each once."""
    out: list[Guardian] = []
    for child in household.children:
        if child.erased_at is not None:
            continue
        g = Guardian(child.guardian_name, child.guardian_relation, child.guardian_phone)
        if (g.name or g.phone) and g not in out:
            out.append(g)
    return out


def child_label(child: Child, user: User) -> str:
    """The pseudonym, with the real name for those allowed to see names."""
    if child.real_name and may_see_names(user):
        return f"{child.pseudonym} ({child.real_name})"
    return child.pseudonym


# --- recording a visit ------------------------------------------------------------------------


def visited_on(plan: Plan, stops: list[VisitPlacement]) -> dict[int, date]:
    """household id -> the last visit recorded with one of its children during the campaign."""
    children = {c.id: s.household_id for s in stops for c in s.household.children}
    if not children:
        return {}
    programme = plan.programme
    out: dict[int, date] = {}
    for child_id, day in db.session.execute(
        select(CareLog.child_id, CareLog.happened_on).where(
            CareLog.child_id.in_(list(children)),
            CareLog.kind == "visit",
            CareLog.happened_on >= programme.starts_on,
            CareLog.happened_on <= programme.ends_on,
        )
    ):
        household = children[child_id]
        out[household] = max(out.get(household, day), day)
    return out


def _visit_duty(child: Child, visitor: Volunteer | None, user: User) -> ChildDuty | None:
    """The duty the visit answers: the visitor's own, else the child's earliest open visit duty
    (the campaign's visit is the child's visit, whoever the carer is)."""
    own = duties.duty_answered_by(child, "visit", visitor, user)
    if own is not None:
        return own
    kinds = [k for k, c in CONTACT_KIND_OF_DUTY.items() if c == "visit"]
    return db.session.scalar(
        select(ChildDuty)
        .where(
            ChildDuty.child_id == child.id,
            ChildDuty.kind.in_(kinds),
            ChildDuty.ended_on.is_(None),
        )
        .order_by(ChildDuty.due_on, ChildDuty.id)
        .limit(1)
    )


def record_visit(
    plan: Plan, household_id: int, happened_on: date | None, user: User
) -> list[CareLog]:
    """A visit made to a household of the published plan: one contact per child. Coordinators
    record any household's; a visitor only their own pair's (else 404)."""
    stop = db.session.scalar(
        select(VisitPlacement).where(
            VisitPlacement.plan_id == plan.id, VisitPlacement.household_id == household_id
        )
    )
    pair = pair_of(*stop.visitor_ids) if stop is not None else None
    if stop is None or not may_read(plan, pair, user):
        raise PlanningError(_("There is no such visit on your routes."), 404)
    if plan.state != "published":
        raise PlanningError(_("Visits are recorded on the published plan."), 409)
    day = happened_on or stop.day
    if day > clock.today():
        raise PlanningError(_("The date cannot be in the future."), field="happened_on")
    me = viewer_volunteer_id(user)
    visitor = db.session.get(Volunteer, me) if me in pair else None
    logs = []
    for child in stop.household.children:
        if child.erased_at is not None:
            continue
        log = contacts.record_contact(
            child,
            kind="visit",
            happened_on=day,
            note=_("Home visit: %(programme)s", programme=plan.programme.name)[:200],
            author=user,
            volunteer=visitor,
            duty=_visit_duty(child, visitor, user),
        )
        # The visitor made the contact even when not the child's carer (hours, who went).
        if visitor is not None and log.volunteer_id is None:
            log.volunteer_id = visitor.id
        logs.append(log)
    db.session.flush()
    audit.record(
        "visit.recorded",
        "household",
        household_id,
        after={"plan": plan.id, "day": day.isoformat(), "children": len(logs)},
        actor_id=user.id,
    )
    return logs
