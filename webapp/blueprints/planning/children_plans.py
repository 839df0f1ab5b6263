"""What a video-call rota or a home-visit campaign starts from, in counts for the programme page,
and why it cannot be solved yet (cheap: counts only, as ``programmes.can_solve``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from webapp.blueprints.planning.errors import nothing_to_plan_message
from webapp.extensions import db
from webapp.models import Child, ChildWeeklyTime, Household, Programme, Room


@dataclass(frozen=True)
class CallInputs:
    rooms: list[Room]
    children: int  # consenting children at the programme's homes
    without_times: list[Child]  # of those: no parents' times given (they cannot be placed)


@dataclass(frozen=True)
class VisitInputs:
    households: int
    children: int
    without_place: list[Child]  # no household, or one without a map point
    visitors: int


def _consenting(programme: Programme):
    return select(Child).where(
        Child.home_id.in_([h.id for h in programme.homes]),
        Child.guardian_consent.is_(True),
        Child.erased_at.is_(None),
    )


def call_inputs(programme: Programme) -> CallInputs:
    home_ids = [h.id for h in programme.homes]
    rooms = list(
        db.session.scalars(
            select(Room)
            .where(Room.home_id.in_(home_ids), Room.kind == "video_call")
            .order_by(Room.home_id, Room.id)
        )
    )
    children = list(db.session.scalars(_consenting(programme).order_by(Child.pseudonym)))
    timed = set(
        db.session.scalars(
            select(ChildWeeklyTime.child_id).where(
                ChildWeeklyTime.kind == "parents",
                ChildWeeklyTime.child_id.in_([c.id for c in children]),
            )
        )
    )
    return CallInputs(rooms, len(children), [c for c in children if c.id not in timed])


def visit_inputs(programme: Programme) -> VisitInputs:
    children = list(db.session.scalars(_consenting(programme).order_by(Child.pseudonym)))
    placed = set(
        db.session.scalars(
            select(Household.id).where(
                Household.id.in_([c.household_id for c in children if c.household_id]),
                Household.lat.is_not(None),
                Household.lon.is_not(None),
            )
        )
    )
    return VisitInputs(
        households=len(placed),
        children=len(children),
        without_place=[c for c in children if c.household_id not in placed],
        visitors=len(programme.volunteers),
    )


def cannot_plan_calls(programme: Programme) -> str | None:
    home_ids = [h.id for h in programme.homes]
    rooms = db.session.scalar(
        select(func.count())
        .select_from(Room)
        .where(Room.home_id.in_(home_ids), Room.kind == "video_call")
    )
    if not rooms:
        return nothing_to_plan_message("no_call_rooms")
    if not db.session.scalar(select(func.count()).select_from(_consenting(programme).subquery())):
        return nothing_to_plan_message("no_children")
    return None


def cannot_plan_visits(programme: Programme) -> str | None:
    inputs = visit_inputs(programme)
    if not inputs.households:
        return nothing_to_plan_message("no_households")
    if inputs.visitors < 2:
        return nothing_to_plan_message("no_visitors")
    return None
