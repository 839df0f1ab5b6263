"""Guardian meetings (家长会) and the monthly 留守儿童会: events of a home or a school, recorded
afterwards with an attendance list of children and guardians (shown on each child's card)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp import clock
from webapp.blueprints.children import access
from webapp.blueprints.volunteers.services import RuleError
from webapp.extensions import db
from webapp.models import Child, Home, User
from webapp.models.child_care import MEETING_KINDS, ChildMeeting, MeetingAttendance


def invitable(user: User, home_id: int | None, school: str) -> list[Child]:
    """The children a meeting of this home or school may list, among those the user sees."""
    query = access.visible_children(user)
    if home_id is not None:
        query = query.where(Child.home_id == home_id)
    elif school:
        query = query.where(Child.school == school)
    else:
        return []
    return list(db.session.scalars(query))


def record_meeting(
    user: User,
    *,
    kind: str,
    home_id: int | None,
    school: str,
    held_on: date | None,
    title: str,
    note: str,
    attendance: dict[int, tuple[bool, bool]],
    today: date | None = None,
) -> ChildMeeting:
    """Write a meeting held, with who came: {child_id: (child present, guardian present)}."""
    today = today or clock.today()
    school = " ".join((school or "").split())
    if kind not in MEETING_KINDS:
        raise RuleError("kind", _("Choose the kind of meeting."))
    if held_on is None:
        raise RuleError("held_on", _("Enter a date."))
    if held_on > today:
        raise RuleError(
            "held_on",
            _("A meeting is recorded after it was held: the date cannot be in the future."),
        )
    if home_id is not None:
        allowed = access.sees_all(user) or home_id in access.managed_home_ids(user)
        if db.session.get(Home, home_id) is None or not allowed:
            raise RuleError("home_id", _("Choose one of your children's homes."))
    elif not school:
        raise RuleError("school", _("Name the home or the school that held the meeting."))
    children = {c.id: c for c in invitable(user, home_id, school)}
    came = {cid: flags for cid, flags in attendance.items() if any(flags)}
    if not came:
        raise RuleError("attendance", _("Tick at least one child or guardian who came."))
    if set(came) - set(children):
        raise RuleError("attendance", _("Only children of this home or school can be listed."))
    meeting = ChildMeeting(
        kind=kind,
        home_id=home_id,
        school="" if home_id is not None else school,
        held_on=held_on,
        title=" ".join((title or "").split())[:100],
        note=(note or "").strip(),
        recorded_by_id=user.id,
    )
    for child_id, (child_present, guardian_present) in sorted(came.items()):
        meeting.attendance.append(
            MeetingAttendance(
                child_id=child_id, child_present=child_present, guardian_present=guardian_present
            )
        )
    db.session.add(meeting)
    db.session.flush()
    for child_id in came:
        access.log_access(children[child_id], "edit", f"meeting {meeting.id}", user=user)
    return meeting


def meetings_seen_by(user: User, limit: int = 100) -> list[ChildMeeting]:
    """Recent meetings of the user's homes (all, for coordinators and admins)."""
    query = (
        select(ChildMeeting)
        .options(joinedload(ChildMeeting.home))
        .order_by(ChildMeeting.held_on.desc(), ChildMeeting.id.desc())
        .limit(limit)
    )
    if not access.sees_all(user):
        query = query.where(ChildMeeting.home_id.in_(access.managed_home_ids(user) or [-1]))
    return list(db.session.scalars(query))
