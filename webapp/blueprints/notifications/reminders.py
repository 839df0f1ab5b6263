"""Reminders, written to the outbox once each (the sender delivers them).

- the day before: one message per commitment starting tomorrow (China date), a post on its
  first day only;
- carers (surrogate parents, class teachers) with an overdue talk or home visit, read from the
  duties' one rule (ChildDuty.state): one message per overdue spell (named by the last time it
  was done, so a new spell after the next talk gets a new reminder).
A SentReminder row with a unique (kind, key) is written with each message in one savepoint: a
second run, or two at once, writes nothing twice. Run daily (any hour); needs an app context.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app, has_request_context
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp import clock
from webapp.blueprints.children.contacts import record_held_calls
from webapp.blueprints.children.duties import DutyState, open_duty_states
from webapp.blueprints.notifications import reminder_sms
from webapp.core import occasions
from webapp.core.commitments import commitments
from webapp.core.outbox import notify_message, notify_phone
from webapp.core.sms import Sms, SmsRefused
from webapp.extensions import db
from webapp.models import Assignment, SentReminder, User, Volunteer


@dataclass
class ReminderResult:
    day_before: int = 0
    duties: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _write_once(
    kind: str,
    key: str,
    volunteer: Volunteer,
    for_date: date,
    message: str,
    sms: Sms | None = None,
    **context: Any,
) -> bool:
    """Queue templates/emails/<message>.txt to the volunteer, once for (kind, key); with `sms`,
    by SMS to those who chose it, and to those without an account who have a mobile number."""
    user: User | None = volunteer.user
    if user is None and sms is None:
        return False
    savepoint = db.session.begin_nested()
    try:
        if user is None:
            written = notify_phone(volunteer.phone or "", sms, "reminder", None)
        else:
            written = notify_message(user, message, "reminder", None, sms=sms, **context)
        db.session.flush()
        db.session.add(
            SentReminder(
                kind=kind,
                key=key,
                volunteer_id=volunteer.id,
                for_date=for_date,
                outbox_message_id=written.id,
            )
        )
        db.session.flush()
    except (IntegrityError, SmsRefused):
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def _already(kind: str, keys: set[str]) -> set[str]:
    if not keys:
        return set()
    return set(
        db.session.scalars(
            select(SentReminder.key).where(SentReminder.kind == kind, SentReminder.key.in_(keys))
        )
    )


def _day_before(today: date) -> int:
    tomorrow = today + timedelta(days=1)
    entries = [
        e
        for e in commitments(None, tomorrow, tomorrow, include_cancelled=False)
        if e.first_day == tomorrow
    ]
    keys = {f"{e.uid}:{tomorrow.isoformat()}": e for e in entries}
    done = _already("day_before", set(keys))
    volunteers = {
        v.id: v
        for v in db.session.scalars(
            select(Volunteer).where(Volunteer.id.in_({e.volunteer_id for e in entries}))
        )
    }
    written = 0
    for key, entry in keys.items():
        if key in done:
            continue
        volunteer = volunteers[entry.volunteer_id]
        if entry.kind == "visit":  # a day of home visits has no assignment
            occasion = occasions.of_visit(entry)
        else:
            assignment = db.session.get(Assignment, entry.assignment_id)
            occasion = occasions.of_assignment(assignment, [entry])
        written += _write_once(
            "day_before",
            key,
            volunteer,
            tomorrow,
            "reminder_tomorrow",
            sms=reminder_sms.reminder_tomorrow(volunteer, occasion),
            occasion=occasion,
            post=entry.kind == "post",
        )
    return written


def _duties(today: date) -> int:
    # Held video calls count first, so that a call held this week is no overdue video call.
    record_held_calls()
    # The same overdue duties the dashboards and lists show (one rule: ChildDuty.state); the
    # carers' duties are reminded here, to the paired volunteer.
    written = 0
    for state in open_duty_states(today, only_overdue=True):
        if state.duty.pairing is not None:
            written += _duty(state, today)
    return written


def _duty(state: DutyState, today: date) -> int:
    duty = state.duty
    pairing = duty.pairing
    which = "visit" if duty.kind == "monthly_visit" else "talk"
    days = state.days_since
    # One reminder per overdue spell: the spell is named by the last time it was done.
    since = duty.last_done_on or pairing.started_on
    key = f"pairing{pairing.id}-{which}-{since.isoformat()}"
    if key in _already(f"duty_{which}", {key}):
        return 0
    return int(
        _write_once(
            f"duty_{which}",
            key,
            pairing.volunteer,
            today,
            f"duty_{which}",
            child=duty.child.pseudonym,
            days=days,
        )
    )


def send_reminders(today: date | None = None) -> ReminderResult:
    """Write today's reminders into the outbox (flushes; the caller commits). Run once a day."""
    today = today or clock.today()
    context = nullcontext() if has_request_context() else current_app.test_request_context("/")
    with context:
        return ReminderResult(day_before=_day_before(today), duties=_duties(today))


def send_reminders_and_commit() -> ReminderResult:
    """The worker's periodic job: today's reminders, committed (each is written once only, so
    running it every hour costs nothing and catches a worker started late in the day)."""
    result = send_reminders()
    db.session.commit()
    return result
