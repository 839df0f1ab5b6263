"""A child's data (PIPL: sensitive personal information): who read it, a copy of it, erasing it.

- Every reading of a child's record (the record form, a pairing's page) is written to the audit
  log, with who read it.
- A coordinator can export everything stored about one child (for the guardian) as JSON.
- Erasing removes the card's personal fields, the contacts, duties, care goals, video-call
  sign-ups, weekly times (parents' free times, school timetable) and meeting attendance, takes
  the child out of their household, and ends the pairings; the row stays as "#<id>" with its age
  band and home, and the counts already reported stay in coverage's stored months. It is written
  to the access log ("erase").

Children's data never goes into calendar feeds, volunteer exports or logs; the audit log keeps
ids, never pseudonyms or notes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import selectinload

from webapp import audit, clock
from webapp.blueprints.children.access import log_access
from webapp.blueprints.children.weekly_times import hhmm, times_of
from webapp.extensions import db
from webapp.models import CallSlot, CareLog, Child, Pairing
from webapp.models.base import utcnow
from webapp.models.child_care import CareGoal, ChildDuty, MeetingAttendance
from webapp.models.video_calls import ChildWeeklyTime

# The card's personal fields, emptied on erasure (dates and codes become empty too).
CARD_PERSONAL = (
    "real_name",
    "sex",
    "birth_year",
    "school",
    "grade",
    "village",
    "guardian_name",
    "guardian_relation",
    "guardian_phone",
    "guardianship",
    "father_work_city",
    "father_phone",
    "father_last_home_on",
    "mother_work_city",
    "mother_phone",
    "mother_last_home_on",
    "priority",
    "priority_reason",
    "next_review_on",
)


def record_reading(child: Child, via: str, pairing_id: int | None = None) -> None:
    """Audit that the current user read this child's record (on which page), in the audit log
    and in the child's access log."""
    log_access(child, "view", via)
    after: dict[str, Any] = {"via": via}
    if pairing_id is not None:
        after["pairing_id"] = pairing_id
    audit.record("child.view", "child", child.id, after=after)


def export(child: Child) -> dict[str, Any]:
    """Everything stored about the child, in plain words, for the guardian."""
    pairings = db.session.scalars(
        select(Pairing)
        .where(Pairing.child_id == child.id)
        .options(selectinload(Pairing.volunteer), selectinload(Pairing.logs))
        .order_by(Pairing.started_on)
    )
    audit.record("child.export", "child", child.id)
    return {
        "child": {
            "id": child.id,
            "pseudonym": child.pseudonym,
            "age_band": child.age_band,
            "home": child.home.name,
            "guardian_consent": child.guardian_consent,
            "consent_on": child.consent_on.isoformat() if child.consent_on else None,
            "report_consent": child.report_consent,
            **{
                name: (value.isoformat() if hasattr(value, "isoformat") else value)
                for name in CARD_PERSONAL
                if (value := getattr(child, name)) not in (None, "")
            },
            "created_at": child.created_at.isoformat(),
            "updated_at": child.updated_at.isoformat(),
        },
        "pairings": [
            {
                "surrogate_parent": p.volunteer.name,
                "started_on": p.started_on.isoformat(),
                "ended_on": p.ended_on.isoformat() if p.ended_on else None,
                "weekly_talk": p.weekly_talk,
                "monthly_visit": p.monthly_visit,
                "contacts": [
                    {"on": log.happened_on.isoformat(), "kind": log.kind, "note": log.note}
                    for log in sorted(p.logs, key=lambda log: (log.happened_on, log.id))
                ],
            }
            for p in pairings
        ],
        "household": (
            {"label": child.household.label, "village": child.household.village}
            if child.household
            else None
        ),
        "weekly_times": [
            {
                "kind": t.kind,
                "weekday": t.weekday,
                "start": hhmm(t.start_minute),
                "end": hhmm(t.end_minute),
            }
            for t in times_of(child)
        ],
        "exported_at": clock.now().isoformat(timespec="seconds"),
    }


def erase(child: Child) -> dict[str, int]:
    """Remove the card's personal fields, the contacts, duties, care goals, video-call sign-ups,
    weekly times and meeting attendance; take the child out of the household; end the pairings.
    The row stays (marked erased, with its age band and home) and the counts already reported
    stay in coverage's stored months. Returns what was removed (counts only)."""
    today = clock.today()
    ended = db.session.execute(
        update(Pairing)
        .where(Pairing.child_id == child.id, Pairing.ended_on.is_(None))
        .values(ended_on=today)
        .execution_options(synchronize_session=False)
    ).rowcount

    def gone(statement) -> int:
        return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount

    counts = {
        "pairings_ended": ended,
        "contacts": gone(delete(CareLog).where(CareLog.child_id == child.id)),
        "duties": gone(delete(ChildDuty).where(ChildDuty.child_id == child.id)),
        "goals": gone(delete(CareGoal).where(CareGoal.child_id == child.id)),
        "attendance": gone(delete(MeetingAttendance).where(MeetingAttendance.child_id == child.id)),
        # The parents' free times and the school timetable (the rota's inputs).
        "weekly_times": gone(delete(ChildWeeklyTime).where(ChildWeeklyTime.child_id == child.id)),
        "call_slots": gone(
            update(CallSlot)
            .where(CallSlot.child_id == child.id)
            .values(child_id=None, child_label=None, signed_up_by_id=None)
        ),
    }
    child.pseudonym = f"#{child.id}"
    child.guardian_consent, child.consent_on, child.report_consent = False, None, False
    for name in CARD_PERSONAL:
        setattr(child, name, None if Child.__table__.c[name].nullable else "")
    # The household stays (it holds no name: siblings may still live there); the child leaves.
    child.household = None
    child.erased_at = utcnow()
    db.session.flush()
    db.session.expire(child, ["pairings"])
    log_access(child, "erase")
    audit.record("child.erase", "child", child.id, after=counts)
    return counts
