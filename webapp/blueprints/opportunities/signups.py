"""Sign-up with capacity and a waitlist, withdrawal with a cut-off, opening needs and posts.

Capacity of an open need on one date: its max headcount minus the confirmed sign-ups for that
date; of an open post: min(max headcount, beds) minus its confirmed sign-ups. Concurrent sign-ups
for the last place: the need's (or post's) row is locked (`SELECT ... FOR UPDATE` on PostgreSQL,
`BEGIN IMMEDIATE` on SQLite) before counting, so writers queue and exactly one gets the place; the
rest are waitlisted. A partial unique index refuses a second live sign-up of the same person.
Services flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from webapp.blueprints.opportunities.contacts import contact_text, contacts_for
from webapp.blueprints.opportunities.eligibility import Target, minutes_between, reasons_against
from webapp.blueprints.planning import editing
from webapp.blueprints.planning.errors import PlanningError
from webapp.core import occasions
from webapp.core.commitments import Commitment, commitments
from webapp.core.locking import serialise_writers
from webapp.core.outbox import notify_message
from webapp.extensions import db
from webapp.labels import format_moment
from webapp.models import Assignment, Need, Occurrence, Post, Setting, User, Volunteer
from webapp.models.base import utcnow

DEFAULT_CUTOFF_HOURS = 24
CUTOFF_SETTING = "withdrawal_cutoff_hours"


class SignupError(Exception):
    """A refused sign-up, withdrawal or swap: the status (403, 404, 409, 422) and the reason."""

    def __init__(self, message: str, status: int = 422, reasons: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.reasons = reasons or []


def cutoff_hours() -> int:
    """Hours before the start after which volunteers can no longer withdraw online: the
    `withdrawal_cutoff_hours` setting, else WITHDRAWAL_CUTOFF_HOURS from the environment, else 24."""
    for raw in (Setting.get(CUTOFF_SETTING), current_app.config.get("WITHDRAWAL_CUTOFF_HOURS")):
        if raw not in (None, ""):
            try:
                return max(0, int(raw))
            except ValueError:
                continue
    return DEFAULT_CUTOFF_HOURS


# --- the row lock ----------------------------------------------------------------------------


def lock_target(model, row_id: int) -> None:
    """Queue writers of one need (or post): on PostgreSQL a row lock held until commit; on
    SQLite the database write lock."""
    serialise_writers()
    if db.session.connection().dialect.name == "postgresql":
        db.session.execute(select(model.id).where(model.id == row_id).with_for_update())


# --- targets ---------------------------------------------------------------------------------


def session_target(need: Need, occurrence: Occurrence) -> Target:
    home = need.event.home
    return Target(
        kind="session",
        title=need.event.title,
        tz=home.timezone,
        lat=home.lat,
        lon=home.lon,
        intervals=[(occurrence.starts_at, occurrence.ends_at)],
        vetting_required=need.vetting_required,
        skill_id=need.skill_id,
        skill_label=need.skill.label(str(get_locale())) if need.skill else "",
    )


def post_target(post: Post) -> Target:
    tz = post.home.timezone if post.home else "Asia/Shanghai"
    zone = ZoneInfo(tz)
    starts = datetime.combine(post.starts_on, time(0), zone).astimezone(UTC)
    ends = datetime.combine(post.ends_on + timedelta(days=1), time(0), zone).astimezone(UTC)
    home = post.home
    return Target(
        kind="post",
        title=post.name,
        tz=tz,
        lat=post.lat if post.lat is not None else (home.lat if home else None),
        lon=post.lon if post.lon is not None else (home.lon if home else None),
        intervals=[(starts, ends)],
        vetting_required=post.vetting_required,
        max_travel_minutes=post.max_travel_minutes,
    )


def post_capacity(post: Post) -> int:
    return min(post.max_headcount, post.beds)


def _live(query):
    return query.where(Assignment.source == "signup", Assignment.plan_id.is_(None))


def confirmed_count(need_id: int | None, occurrence_id: int | None, post_id: int | None) -> int:
    query = select(func.count(Assignment.id)).where(Assignment.status == "confirmed")
    if post_id is not None:
        query = query.where(Assignment.post_id == post_id)
    else:
        query = query.where(
            Assignment.need_id == need_id, Assignment.occurrence_id == occurrence_id
        )
    return db.session.scalar(_live(query)) or 0


def waitlist(
    need_id: int | None, occurrence_id: int | None, post_id: int | None
) -> list[Assignment]:
    """Waitlisted sign-ups, first come first served."""
    query = select(Assignment).where(Assignment.status == "waitlisted")
    if post_id is not None:
        query = query.where(Assignment.post_id == post_id)
    else:
        query = query.where(
            Assignment.need_id == need_id, Assignment.occurrence_id == occurrence_id
        )
    return list(db.session.scalars(_live(query).order_by(Assignment.id)))


def live_signup(
    volunteer: Volunteer, need_id: int | None, occurrence_id: int | None, post_id: int | None
) -> Assignment | None:
    query = select(Assignment).where(
        Assignment.volunteer_id == volunteer.id,
        Assignment.status.in_(("confirmed", "waitlisted")),
    )
    if post_id is not None:
        query = query.where(Assignment.post_id == post_id)
    else:
        query = query.where(
            Assignment.need_id == need_id, Assignment.occurrence_id == occurrence_id
        )
    return db.session.scalar(_live(query).limit(1))


# --- sign-up ---------------------------------------------------------------------------------


@dataclass
class SignupResult:
    assignment: Assignment
    waitlisted: bool
    position: int = 0  # on the waitlist, from 1


def open_need_on(need_id: int, occurrence_id: int) -> tuple[Need, Occurrence]:
    """An open need on one of its event's confirmed dates; anything else is 404."""
    need = db.session.get(Need, need_id)
    occurrence = db.session.get(Occurrence, occurrence_id)
    if (
        need is None
        or occurrence is None
        or occurrence.event_id != need.event_id
        or not need.open_for_signup
        or not occurrence.is_confirmed
    ):
        raise SignupError(_("This opportunity does not exist or is not open."), 404)
    return need, occurrence


def open_post(post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if post is None or not post.open_for_signup or post.cancelled_at is not None:
        raise SignupError(_("This opportunity does not exist or is not open."), 404)
    return post


def sign_up_for_need(volunteer: Volunteer, need: Need, occurrence: Occurrence) -> SignupResult:
    if occurrence.starts_at <= utcnow():
        raise SignupError(_("This session has already started or taken place."), 422)
    return _sign_up(volunteer, session_target(need, occurrence), need.max_headcount, need=need,
                    occurrence=occurrence)  # fmt: skip


def sign_up_for_post(volunteer: Volunteer, post: Post) -> SignupResult:
    target = post_target(post)
    if target.intervals[0][0] <= utcnow():
        raise SignupError(_("This post has already begun."), 422)
    return _sign_up(volunteer, target, post_capacity(post), post=post)


def _sign_up(
    volunteer: Volunteer,
    target: Target,
    capacity: int,
    *,
    need: Need | None = None,
    occurrence: Occurrence | None = None,
    post: Post | None = None,
) -> SignupResult:
    need_id = need.id if need else None
    occurrence_id = occurrence.id if occurrence else None
    post_id = post.id if post else None
    lock_target(Post if post else Need, post_id or need_id)
    existing = live_signup(volunteer, need_id, occurrence_id, post_id)
    if existing is not None:
        raise SignupError(_already_message(existing), 409)
    reasons = reasons_against(volunteer, target)
    if reasons:
        raise SignupError(_("You cannot take this: %(reason)s", reason=reasons[0]), 422, reasons)
    full = confirmed_count(need_id, occurrence_id, post_id) >= capacity
    now = utcnow()
    assignment = Assignment(
        volunteer_id=volunteer.id,
        need_id=need_id,
        occurrence_id=occurrence_id,
        post_id=post_id,
        programme_id=post.programme_id if post else None,
        source="signup",
        status="waitlisted" if full else "confirmed",
        confirmed_at=None if full else now,
        travel_minutes=minutes_between(volunteer, target.lat, target.lon),
    )
    savepoint = db.session.begin_nested()
    try:
        db.session.add(assignment)
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        raise SignupError(_("You are already signed up for this."), 409) from None
    savepoint.commit()
    position = len(waitlist(need_id, occurrence_id, post_id)) if full else 0
    return SignupResult(assignment, waitlisted=full, position=position)


def _already_message(existing: Assignment) -> str:
    if existing.is_waitlisted:
        return _("You are already on the waitlist for this.")
    return _("You are already signed up for this.")


def waitlist_position(assignment: Assignment) -> int:
    if not assignment.is_waitlisted:
        return 0
    ids = [a.id for a in waitlist(assignment.need_id, assignment.occurrence_id, assignment.post_id)]
    return ids.index(assignment.id) + 1 if assignment.id in ids else 0


# --- withdrawal ------------------------------------------------------------------------------


def own_assignment(volunteer: Volunteer | None, assignment_id: int) -> Assignment:
    """The volunteer's own assignment; another person's, or none, is 404."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or volunteer is None or assignment.volunteer_id != volunteer.id:
        raise SignupError(_("This assignment does not exist or is not yours."), 404)
    return assignment


def upcoming_entries(assignment: Assignment) -> list[Commitment]:
    """The dates of the assignment that have not started yet."""
    now = utcnow()
    return [
        c
        for c in commitments([assignment.volunteer_id], include_cancelled=False)
        if c.assignment_id == assignment.id and c.starts_at > now
    ]


def withdraw(assignment: Assignment, actor: User) -> list[Assignment]:
    """The volunteer leaves: a waitlist at any time; a confirmed assignment up to the cut-off.

    A sign-up frees its place for the first eligible person on the waitlist (promoted and told);
    a published plan's assignment becomes `withdrawn` and the coordinator is told (re-planning
    picks it up). Returns the promoted assignments.
    """
    if assignment.is_waitlisted:
        lock_target(Post if assignment.post_id else Need, assignment.post_id or assignment.need_id)
        assignment.status = "withdrawn"
        assignment.withdrawn_at = utcnow()
        db.session.flush()
        return []
    if not assignment.is_confirmed:
        raise SignupError(_("This assignment is not active any more."), 409)
    upcoming = upcoming_entries(assignment)
    if not upcoming:
        raise SignupError(_("This has already taken place; nothing is left to withdraw from."), 409)
    first_start = upcoming[0].starts_at
    hours = cutoff_hours()
    if utcnow() > first_start - timedelta(hours=hours):
        raise SignupError(
            _(
                "It is too late to withdraw here: withdrawing closes %(hours)s hours before the start (%(start)s). Please contact %(contact)s.",
                hours=hours,
                start=format_moment(first_start, upcoming[0].tz),
                contact=contact_text(contacts_for(assignment)),
            ),
            403,
        )
    is_signup = assignment.source == "signup" and assignment.plan_id is None
    if is_signup:
        lock_target(Post if assignment.post_id else Need, assignment.post_id or assignment.need_id)
    try:
        # The one withdrawal rule, shared with the coordinator's "mark as withdrawn" (planning).
        editing.withdraw(assignment, actor)
    except PlanningError as error:
        raise SignupError(error.message, error.status) from None
    if not is_signup:
        _tell_coordinators(assignment, upcoming)
        return []
    return fill_from_waitlist(assignment.need_id, assignment.occurrence_id, assignment.post_id)


def _tell_coordinators(assignment: Assignment, upcoming: list[Commitment]) -> None:
    volunteer = assignment.volunteer
    occasion = occasions.of_assignment(assignment, upcoming)
    for person in contacts_for(assignment):
        notify_message(
            person,
            "withdrawal",
            "assignment",
            assignment.id,
            volunteer=volunteer,
            occasion=occasion,
        )


def fill_from_waitlist(
    need_id: int | None, occurrence_id: int | None, post_id: int | None
) -> list[Assignment]:
    """Promote waitlisted people, first come first served, while places are free. Someone who is
    no longer eligible (a clearance lapsed, booked elsewhere since) is passed over and stays."""
    if post_id is not None:
        post = db.session.get(Post, post_id)
        capacity, target = post_capacity(post), post_target(post)
    else:
        need, occurrence = db.session.get(Need, need_id), db.session.get(Occurrence, occurrence_id)
        if not occurrence.is_confirmed or occurrence.starts_at <= utcnow():
            return []
        capacity, target = need.max_headcount, session_target(need, occurrence)
    free = capacity - confirmed_count(need_id, occurrence_id, post_id)
    promoted = []
    for candidate in waitlist(need_id, occurrence_id, post_id):
        if free <= 0:
            break
        if reasons_against(candidate.volunteer, target):
            continue
        candidate.status = "confirmed"
        candidate.confirmed_at = utcnow()
        candidate.sequence += 1
        promoted.append(candidate)
        free -= 1
        db.session.flush()
        _tell_promoted(candidate)
    return promoted


def _tell_promoted(assignment: Assignment) -> None:
    notify_message(
        assignment.volunteer.user,
        "place_free",
        "assignment",
        assignment.id,
        occasion=occasions.of_assignment(assignment),
    )


def tell_signed_up(result: SignupResult) -> None:
    """A confirmation message for the volunteer's own record (and their inbox)."""
    a = result.assignment
    notify_message(
        a.volunteer.user,
        "signed_up",
        "assignment",
        a.id,
        occasion=occasions.of_assignment(a),
        waitlisted=result.waitlisted,
        position=result.position,
    )
