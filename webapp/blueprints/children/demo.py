"""Demo children, pairings and care logs for the demo county (called from webapp.demo)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from webapp import clock
from webapp.extensions import db
from webapp.models import CareLog, Child, Home, Pairing, Volunteer

DEMO_CHILDREN = [
    # pseudonym, age band, home index, consent days ago (None: no consent recorded)
    ("小明", "6_to_9", 0, 200),
    ("L.Y.", "10_to_13", 0, 150),
    ("小雨", "under_6", 1, 90),
    ("Z.H.", "14_to_17", 2, None),
    ("小军", "10_to_13", 2, 60),
    ("小花", "6_to_9", 4, None),
]


def load_demo_pairings(today: date | None = None) -> int:
    """A few children with consent, pairings with cleared surrogate parents and their care logs.

    Idempotent: does nothing when any child exists. Returns the number of pairings made.
    """
    today = today or clock.today()
    if db.session.scalar(select(func.count()).select_from(Child)):
        return 0
    homes = list(db.session.scalars(select(Home).order_by(Home.id)))
    if not homes:
        return 0
    children = []
    for pseudonym, band, home_index, consent_days in DEMO_CHILDREN:
        child = Child(
            pseudonym=pseudonym,
            age_band=band,
            home=homes[home_index % len(homes)],
            guardian_consent=consent_days is not None,
            consent_on=today - timedelta(days=consent_days) if consent_days else None,
        )
        db.session.add(child)
        children.append(child)
    parents = [
        v
        for v in db.session.scalars(
            select(Volunteer).where(Volunteer.kind == "surrogate_parent").order_by(Volunteer.id)
        )
        if v.is_cleared(today)
    ]
    made = 0
    pairable = [c for c in children if c.consent_recorded or not c.under_14]
    for index, child in enumerate(pairable[: len(parents)]):
        started = today - timedelta(days=120 - index * 15)
        pairing = Pairing(
            volunteer=parents[index % min(3, len(parents))], child=child, started_on=started
        )
        db.session.add(pairing)
        # Regular contact for most; the last pairing lets its duties lapse (shows as overdue).
        recent = index < len(pairable) - 1
        for weeks_ago in range(1 if recent else 3, 8):
            pairing.logs.append(
                CareLog(
                    happened_on=today - timedelta(days=7 * weeks_ago),
                    kind="talk",
                    note="电话谈心，学习和心情都不错",
                )
            )
        visit_days = (20, 50) if recent else (40, 70)
        for days in visit_days:
            pairing.logs.append(
                CareLog(
                    happened_on=today - timedelta(days=days),
                    kind="visit",
                    note="家访，和爷爷奶奶聊了孩子的近况",
                )
            )
        made += 1
    db.session.flush()
    return made
