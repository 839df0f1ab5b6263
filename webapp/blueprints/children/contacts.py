"""Recording a contact with a child (talk, visit, call, video call, meeting, review): who, which
child, kind, when, a one-line note; it completes the duty it answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from webapp import clock
from webapp.blueprints.children import duties
from webapp.blueprints.children.duties import DutyState
from webapp.blueprints.volunteers.services import RuleError
from webapp.extensions import db
from webapp.models import CallSlot, CareLog, Child, Occurrence, Pairing, User, Volunteer
from webapp.models.child_care import CONTACT_KIND_OF_DUTY, ChildDuty
from webapp.models.children import CARE_LOG_KINDS

# Held video calls are looked for this far back (the hourly job catches up after a pause).
HELD_CALLS_WINDOW_DAYS = 14
# The kinds the half-minute form offers.
QUICK_KINDS = ("talk", "visit", "call", "meeting")


def clean_note(note: str | None) -> str:
    note = " ".join((note or "").split())
    if len(note) > 200:
        raise RuleError("note", _("Keep the note to one line of at most 200 characters."))
    return note


def record_contact(
    child: Child,
    *,
    kind: str,
    happened_on: date,
    note: str,
    author: User,
    volunteer: Volunteer | None = None,
    duty: ChildDuty | None = None,
    today: date | None = None,
) -> CareLog:
    """Write the contact and complete the duty it answers (the given one, else the one its maker
    is responsible for). A carer's contact goes through their active pairing with the child."""
    today = today or clock.today()
    if kind not in CARE_LOG_KINDS:
        raise RuleError("kind", _("Choose the kind of contact."))
    if happened_on > today:
        raise RuleError("happened_on", _("The date cannot be in the future."))
    note = clean_note(note)
    pairing = None
    if volunteer is not None:
        pairing = db.session.scalar(
            select(Pairing).where(
                Pairing.child_id == child.id,
                Pairing.volunteer_id == volunteer.id,
                Pairing.ended_on.is_(None),
            )
        )
        if pairing is not None and happened_on < pairing.started_on:
            raise RuleError("happened_on", _("The date is before the pairing started."))
    if duty is not None:
        if duty.child_id != child.id or duty.ended_on is not None:
            raise RuleError("duty_id", _("That duty is not open for this child."))
        if CONTACT_KIND_OF_DUTY[duty.kind] != kind:
            raise RuleError("kind", _("This kind of contact does not answer that duty."))
    else:
        duty = duties.duty_answered_by(child, kind, volunteer, author)
    log = CareLog(
        child_id=child.id,
        pairing_id=pairing.id if pairing else None,
        volunteer_id=volunteer.id if volunteer and pairing else None,
        duty_id=duty.id if duty else None,
        happened_on=happened_on,
        kind=kind,
        note=note,
        author_id=author.id if author else None,
        created_at=clock.utcnow(),
    )
    db.session.add(log)
    if duty is not None:
        duties.answer(duty, happened_on, child)
    db.session.flush()
    return log


def complete_duty_of(log: CareLog) -> ChildDuty | None:
    """For a contact written without the form (the demo, an import): the duty it answers."""
    child = log.child or db.session.get(Child, log.child_id)
    volunteer = log.volunteer or (log.pairing.volunteer if log.pairing else None)
    duty = duties.duty_answered_by(child, log.kind, volunteer, None)
    if duty is not None:
        log.duty_id = duty.id
        duties.answer(duty, log.happened_on, child)
        db.session.flush()
    return duty


def contacts_of(child: Child, *, volunteer: Volunteer | None = None) -> list[CareLog]:
    """The child's contacts, newest first (only one carer's own, when given)."""
    query = select(CareLog).where(CareLog.child_id == child.id)
    if volunteer is not None:
        query = query.where(CareLog.volunteer_id == volunteer.id)
    return list(db.session.scalars(query.order_by(CareLog.happened_on.desc(), CareLog.id.desc())))


@dataclass(frozen=True)
class MyChild:
    """One of a carer's children on "my children": the child, the carer's open duties on it
    (ChildDuty.state), the last contact."""

    child: Child
    duties: tuple[DutyState, ...]
    last_contact: date | None

    @property
    def overdue(self) -> bool:
        return any(s.overdue for s in self.duties)

    @property
    def due(self) -> bool:
        return any(s.state in ("today", "soon") for s in self.duties)


def my_children(volunteer: Volunteer, today: date | None = None) -> list[MyChild]:
    """The children actively paired with this carer, the overdue first, then the due."""
    today = today or clock.today()
    pairings = list(
        db.session.scalars(
            select(Pairing)
            .where(Pairing.volunteer_id == volunteer.id, Pairing.ended_on.is_(None))
            .options(joinedload(Pairing.child).joinedload(Child.home))
        )
    )
    children = {p.child_id: p.child for p in pairings if p.child.erased_at is None}
    by_child: dict[int, list[DutyState]] = {}
    for state in duties.open_duty_states(today, volunteer=volunteer):
        by_child.setdefault(state.duty.child_id, []).append(state)
    last = dict(
        db.session.execute(
            select(CareLog.child_id, func.max(CareLog.happened_on))
            .where(CareLog.volunteer_id == volunteer.id, CareLog.child_id.in_(list(children)))
            .group_by(CareLog.child_id)
        ).all()
    )
    found = [
        MyChild(child, tuple(by_child.get(child_id, ())), last.get(child_id))
        for child_id, child in children.items()
    ]
    return sorted(found, key=lambda m: (not m.overdue, not m.due, m.child.pseudonym))


def record_held_calls(now: datetime | None = None, child: Child | None = None) -> int:
    """A video call a child was signed up for (by record) and that has been held counts as the
    week's video-call contact: one contact per child and day, answering the video-call duty.
    Run by the hourly reminders job and before a card is shown. Returns the contacts written."""
    now = now or clock.utcnow()
    query = (
        select(CallSlot)
        .join(Occurrence, Occurrence.id == CallSlot.occurrence_id)
        .where(CallSlot.child_id.is_not(None), CallSlot.ends_at <= now)
        .where(CallSlot.ends_at > now - timedelta(days=HELD_CALLS_WINDOW_DAYS))
        .where(Occurrence.status == "confirmed")
        .options(joinedload(CallSlot.occurrence))
    )
    if child is not None:
        query = query.where(CallSlot.child_id == child.id)
    written = 0
    for slot in db.session.scalars(query):
        day = slot.starts_at.astimezone(clock.CHINA).date()
        exists = db.session.scalar(
            select(CareLog.id).where(
                CareLog.child_id == slot.child_id,
                CareLog.kind == "video_call",
                CareLog.happened_on == day,
            )
        )
        if exists is not None:
            continue
        log = CareLog(
            child_id=slot.child_id,
            kind="video_call",
            happened_on=day,
            note="",
            author_id=slot.signed_up_by_id,
            created_at=now,
        )
        db.session.add(log)
        db.session.flush()
        complete_duty_of(log)
        written += 1
    return written
