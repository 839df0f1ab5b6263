"""A child's data (PIPL: sensitive personal information): who read it, a copy of it, erasing it.

- Every reading of a child's record (the record form, a pairing's page) is written to the audit
  log, with who read it.
- A coordinator can export everything stored about one child (for the guardian) as JSON.
- Erasing keeps the row and its pairings and contacts, so that reports still count them, but
  nothing personal: the pseudonym becomes "#<id>", consent and the notes of the care log go, an
  active pairing ends. The age band and the home stay: they are what reports count by.

Children's data never goes into calendar feeds, volunteer exports or logs; the audit log keeps
ids, never pseudonyms or notes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from webapp import audit, clock
from webapp.blueprints.children.access import log_access
from webapp.extensions import db
from webapp.models import CareLog, Child, Pairing
from webapp.models.base import utcnow


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
        "exported_at": clock.now().isoformat(timespec="seconds"),
    }


def erase(child: Child) -> dict[str, int]:
    """Remove what is personal; keep what reports count. Returns what was changed."""
    today = clock.today()
    pairing_ids = select(Pairing.id).where(Pairing.child_id == child.id)
    ended = db.session.execute(
        update(Pairing)
        .where(Pairing.child_id == child.id, Pairing.ended_on.is_(None))
        .values(ended_on=today)
        .execution_options(synchronize_session=False)
    ).rowcount
    notes = db.session.execute(
        update(CareLog)
        .where(CareLog.pairing_id.in_(pairing_ids), CareLog.note != "")
        .values(note="")
        .execution_options(synchronize_session=False)
    ).rowcount
    child.pseudonym = f"#{child.id}"
    child.guardian_consent, child.consent_on = False, None
    child.erased_at = utcnow()
    db.session.flush()
    counts = {"pairings_ended": ended, "notes_cleared": notes}
    audit.record("child.erase", "child", child.id, after=counts)
    return counts
