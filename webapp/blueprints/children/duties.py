"""Duties on a child: which ones a pairing or the card brings, ending them, answering them, and
reading them with their state.

The state (overdue, today, soon, later, ended) is always `ChildDuty.state(today)` in Python and
`ChildDuty.overdue_on(today)` in SQL: the dashboards, the lists, "my children" and the reminders
all read it through this module, so that they agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp import clock
from webapp.extensions import db
from webapp.models import Child, Pairing, User, Volunteer
from webapp.models.child_care import CONTACT_KIND_OF_DUTY, ChildDuty

# What a pairing makes its carer responsible for: (duty kind, days between, pairing flag).
PAIRING_DUTIES = {
    "surrogate": (("weekly_talk", 7, "weekly_talk"), ("monthly_visit", 30, "monthly_visit")),
    "teacher": (("teacher_talk", 30, None),),
}
# Duties set on the card, with their interval: a monthly call with the guardian and the weekly
# family video call (the home's manager answers for it).
CARD_DUTIES = {"guardian_call": 30, "video_call": 7}
# After a review, the next one falls due this many days later unless the card says otherwise.
PLAN_REVIEW_DAYS = 90


def _duty(child_id: int, kind: str, days: int, starts_on: date, **who) -> ChildDuty:
    duty = ChildDuty(
        child_id=child_id,
        kind=kind,
        starts_on=starts_on,
        first_after_days=days,
        interval_days=days,
        due_on=ChildDuty.first_due(starts_on, days),
        **who,
    )
    db.session.add(duty)
    return duty


def start_pairing_duties(pairing: Pairing) -> list[ChildDuty]:
    """The pairing's duties, first due one interval after it started (flushes)."""
    made = [
        _duty(pairing.child_id, kind, days, pairing.started_on, pairing_id=pairing.id)
        for kind, days, flag in PAIRING_DUTIES[pairing.role]
        if flag is None or getattr(pairing, flag)
    ]
    db.session.flush()
    return made


def end_pairing_duties(pairing: Pairing, on: date) -> None:
    for duty in db.session.scalars(
        select(ChildDuty).where(ChildDuty.pairing_id == pairing.id, ChildDuty.ended_on.is_(None))
    ):
        duty.ended_on = on
    db.session.flush()


def open_duty(child: Child, kind: str) -> ChildDuty | None:
    return db.session.scalar(
        select(ChildDuty)
        .where(ChildDuty.child_id == child.id, ChildDuty.kind == kind)
        .where(ChildDuty.ended_on.is_(None))
        .order_by(ChildDuty.id)
        .limit(1)
    )


def set_card_duty(
    child: Child, kind: str, wanted: bool, responsible: User | None, today: date | None = None
) -> None:
    """Start or end the guardian call or the weekly video call on a child's card."""
    today = today or clock.today()
    current = open_duty(child, kind)
    if wanted and current is None:
        _duty(child.id, kind, CARD_DUTIES[kind], today, responsible_user=responsible)
    elif wanted and current is not None and responsible is not None:
        current.responsible_user = responsible
    elif not wanted and current is not None:
        current.ended_on = today
    db.session.flush()


def sync_plan_review(child: Child, responsible: User | None, today: date | None = None) -> None:
    """The care plan's review is due on the card's next review date (none: no review duty)."""
    today = today or clock.today()
    current = open_duty(child, "plan_review")
    if child.next_review_on is None:
        if current is not None:
            current.ended_on = today
    elif current is None:
        duty = _duty(child.id, "plan_review", PLAN_REVIEW_DAYS, today, responsible_user=responsible)
        duty.due_on = child.next_review_on
    else:
        current.due_on = child.next_review_on
    db.session.flush()


def answer(duty: ChildDuty, done_on: date, child: Child) -> None:
    """A contact answered this duty; a review also moves the card's next review date."""
    duty.mark_done(done_on)
    if duty.kind == "plan_review":
        child.next_review_on = duty.due_on


def duty_answered_by(
    child: Child, contact_kind: str, volunteer: Volunteer | None, user: User | None
) -> ChildDuty | None:
    """The open duty a contact of this kind answers: the one its maker is responsible for
    (their pairing's, else one of theirs on the card), else the only one of that kind."""
    kinds = [k for k, contact in CONTACT_KIND_OF_DUTY.items() if contact == contact_kind]
    if not kinds:
        return None
    candidates = list(
        db.session.scalars(
            select(ChildDuty)
            .options(joinedload(ChildDuty.pairing))
            .where(ChildDuty.child_id == child.id, ChildDuty.kind.in_(kinds))
            .where(ChildDuty.ended_on.is_(None))
            .order_by(ChildDuty.due_on, ChildDuty.id)
        )
    )
    for duty in candidates:
        if volunteer is not None and duty.pairing and duty.pairing.volunteer_id == volunteer.id:
            return duty
    for duty in candidates:
        if user is not None and duty.responsible_user_id == user.id:
            return duty
    unowned = [d for d in candidates if d.pairing_id is None]
    return unowned[0] if len(unowned) == 1 and volunteer is None else None


# --- Reading duties with their state -------------------------------------------------------------


@dataclass(frozen=True)
class DutyState:
    duty: ChildDuty
    state: str
    today: date

    @property
    def overdue(self) -> bool:
        return self.state == "overdue"

    @property
    def due_today(self) -> bool:
        return self.state == "today"

    @property
    def one_tap_contact(self) -> str | None:
        """The contact a carer records with one tap ("done today"); video calls are recorded by
        the home and the plan review on the card."""
        if self.duty.kind in ("video_call", "plan_review"):
            return None
        return CONTACT_KIND_OF_DUTY.get(self.duty.kind)

    @property
    def needs_attention(self) -> bool:
        """Overdue, due today or due soon: the card marks it."""
        return self.state in ("overdue", "today", "soon")

    @property
    def days_since(self) -> int:
        """Days since it was last done (or since it started, when never)."""
        return (self.today - (self.duty.last_done_on or self.duty.starts_on)).days

    @property
    def days_overdue(self) -> int:
        return max(0, (self.today - self.duty.due_on).days)


def states(duties: list[ChildDuty], today: date | None = None) -> list[DutyState]:
    today = today or clock.today()
    return [DutyState(d, d.state(today), today) for d in duties]


def open_duty_states(
    today: date | None = None,
    *,
    only_overdue: bool = False,
    volunteer: Volunteer | None = None,
    child_ids: list[int] | None = None,
    within_days: int | None = None,
) -> list[DutyState]:
    """Open duties (of one carer's active pairings, of some children, or all), most urgent first."""
    today = today or clock.today()
    query = (
        select(ChildDuty)
        .join(Child, Child.id == ChildDuty.child_id)
        .where(Child.erased_at.is_(None))
        .where((ChildDuty.ended_on.is_(None)) | (ChildDuty.ended_on > today))
        .options(
            joinedload(ChildDuty.child).joinedload(Child.home),
            joinedload(ChildDuty.pairing).joinedload(Pairing.volunteer),
            joinedload(ChildDuty.responsible_user),
        )
        .order_by(ChildDuty.due_on, ChildDuty.id)
    )
    if only_overdue:
        query = query.where(ChildDuty.overdue_on(today))
    elif within_days is not None:
        query = query.where(ChildDuty.due_on <= today + timedelta(days=within_days))
    if volunteer is not None:
        query = query.join(Pairing, Pairing.id == ChildDuty.pairing_id).where(
            Pairing.volunteer_id == volunteer.id, Pairing.ended_on.is_(None)
        )
    if child_ids is not None:
        query = query.where(ChildDuty.child_id.in_(child_ids))
    return states(list(db.session.scalars(query)), today)


def children_with_overdue_duties(today: date | None = None) -> int:
    """The dashboard's figure: children with at least one overdue duty."""
    return len({s.duty.child_id for s in open_duty_states(today, only_overdue=True)})
