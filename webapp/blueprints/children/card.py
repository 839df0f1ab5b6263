"""What a child's card page shows, to whom: the care plan's goals, the duties, the contacts, the
video calls and the meetings attended. Staff (coordinators, admins, the home's managers) see the
whole card; a carer sees the pseudonym, the duties and their own contacts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp import clock
from webapp.blueprints.children import access, contacts, duties, households, weekly_times
from webapp.blueprints.volunteers.services import RuleError
from webapp.extensions import db
from webapp.models import CallSlot, CareLog, Child, Occurrence, Plan, User, Volunteer
from webapp.models.child_care import CareGoal, ChildDuty, ChildMeeting, MeetingAttendance
from webapp.models.children import Household
from webapp.models.video_calls import CallPlacement, ChildWeeklyTime


@dataclass
class CardView:
    child: Child
    staff: bool
    shown_name: str
    carer: Volunteer | None
    duties: list[duties.DutyState]
    contacts: list[CareLog]
    goals: list[CareGoal]
    calls: list[CallSlot]
    meetings: list[MeetingAttendance]
    # The child's slot in the published video-call rota, and whether this week's call was held.
    rota_call: CallPlacement | None = None
    rota_held: bool = False
    # Staff only: the weekly times the rota reads, the household and its other children.
    weekly_times: list[ChildWeeklyTime] = field(default_factory=list)
    siblings: list[Child] = field(default_factory=list)
    household_choices: list[Household] = field(default_factory=list)


def card_view(child: Child, user: User, today: date | None = None) -> CardView:
    today = today or clock.today()
    staff = access.is_staff_of(child, user)
    carer = access.carer_profile(user, child)
    open_duties = duties.open_duty_states(today, child_ids=[child.id])
    if not staff and carer is not None:
        mine = {p.id for p in access.carer_pairings(user, child)}
        open_duties = [s for s in open_duties if s.duty.pairing_id in mine]
    return CardView(
        child=child,
        staff=staff,
        shown_name=access.shown_name(child, user),
        carer=carer,
        duties=open_duties,
        contacts=contacts.contacts_of(child, volunteer=None if staff else carer),
        goals=goals_of(child) if staff else [],
        calls=video_calls_of(child),
        meetings=attendance_of(child),
        rota_call=rota_call_of(child),
        rota_held=video_call_held_in_week(child, today),
        weekly_times=weekly_times.times_of(child) if staff else [],
        siblings=households.siblings_of(child) if staff else [],
        household_choices=households.household_choices(child) if staff else [],
    )


def rota_call_of(child: Child) -> CallPlacement | None:
    """The child's weekly call in a published video-call rota (the newest one, if several)."""
    return db.session.scalar(
        select(CallPlacement)
        .join(Plan, Plan.id == CallPlacement.plan_id)
        .where(CallPlacement.child_id == child.id, Plan.state == "published")
        .options(joinedload(CallPlacement.room))
        .order_by(CallPlacement.id.desc())
        .limit(1)
    )


def video_call_held_in_week(child: Child, today: date) -> bool:
    """Whether a video call of the child is recorded in the week of `today` (Monday to Sunday)."""
    monday = today - timedelta(days=today.weekday())
    return (
        db.session.scalar(
            select(CareLog.id)
            .where(CareLog.child_id == child.id, CareLog.kind == "video_call")
            .where(CareLog.happened_on.between(monday, monday + timedelta(days=6)))
            .limit(1)
        )
        is not None
    )


def goals_of(child: Child) -> list[CareGoal]:
    return list(
        db.session.scalars(
            select(CareGoal)
            .where(CareGoal.child_id == child.id)
            .order_by(CareGoal.done_on.is_not(None), CareGoal.due_on, CareGoal.id)
        )
    )


def video_calls_of(child: Child) -> list[CallSlot]:
    return list(
        db.session.scalars(
            select(CallSlot)
            .where(CallSlot.child_id == child.id)
            .options(joinedload(CallSlot.occurrence).joinedload(Occurrence.room))
            .order_by(CallSlot.starts_at.desc())
        )
    )


def attendance_of(child: Child) -> list[MeetingAttendance]:
    return list(
        db.session.scalars(
            select(MeetingAttendance)
            .join(ChildMeeting, ChildMeeting.id == MeetingAttendance.meeting_id)
            .where(MeetingAttendance.child_id == child.id)
            .options(joinedload(MeetingAttendance.meeting))
            .order_by(ChildMeeting.held_on.desc())
        )
    )


def save_goal(
    child: Child,
    goal: CareGoal | None,
    fields: dict[str, Any],
    user: User,
    today: date | None = None,
) -> CareGoal:
    """Add or change a goal of the care plan: who does what by when, done on, the result."""
    today = today or clock.today()
    text = " ".join((fields.get("goal") or "").split())
    if not text:
        raise RuleError("goal", _("Say what the goal is."))
    done_on = fields.get("done_on")
    if done_on is not None and done_on > today:
        raise RuleError("done_on", _("The date cannot be in the future."))
    creating = goal is None
    if creating:
        goal = CareGoal(child_id=child.id, goal=text)
        db.session.add(goal)
    goal.goal = text
    goal.who = " ".join((fields.get("who") or "").split())
    goal.action = " ".join((fields.get("action") or "").split())
    goal.due_on = fields.get("due_on")
    goal.done_on = done_on
    goal.result = (fields.get("result") or "").strip()
    db.session.flush()
    access.log_access(child, "edit", f"goal {goal.id}" + (" created" if creating else ""))
    return goal


def duty_of(child: Child, raw_id: int | None) -> ChildDuty | None:
    if raw_id is None:
        return None
    duty = db.session.get(ChildDuty, raw_id)
    if duty is None or duty.child_id != child.id:
        raise RuleError("duty_id", _("That duty is not open for this child."))
    return duty
