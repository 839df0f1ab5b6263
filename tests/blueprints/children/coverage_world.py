"""A small county for the coverage tests: townships, homes, schools, children with and without
consent to reporting, one erased, contacts of every kind and duties due at different dates."""

from __future__ import annotations

import random
from datetime import date, timedelta

from tests import factories
from webapp import clock
from webapp.extensions import db
from webapp.models import CareLog, Child, ChildDuty
from webapp.models.children import CARE_LOG_KINDS


def child(home, *, school: str = "青山小学", consent: bool = True, erased: bool = False, **fields):
    obj = Child(
        pseudonym=fields.pop("pseudonym", f"PS{factories._n()}"),
        real_name=fields.pop("real_name", f"真名{factories._n()}"),
        age_band="10_to_13",
        home=home,
        school=school,
        guardian_consent=True,
        consent_on=clock.today() - timedelta(days=100),
        report_consent=consent,
        erased_at=clock.utcnow() if erased else None,
        **fields,
    )
    db.session.add(obj)
    db.session.commit()
    return obj


def contact(target: Child, kind: str, on: date) -> CareLog:
    obj = CareLog(child_id=target.id, kind=kind, happened_on=on)
    db.session.add(obj)
    db.session.commit()
    return obj


def duty(target: Child, due_on: date, *, kind: str = "weekly_talk", ended_on=None) -> ChildDuty:
    obj = ChildDuty(
        child_id=target.id,
        kind=kind,
        starts_on=due_on - timedelta(days=30),
        first_after_days=7,
        interval_days=7,
        due_on=due_on,
        ended_on=ended_on,
    )
    db.session.add(obj)
    db.session.commit()
    return obj


def county(seed: int = 3, children_per_home: int = 6) -> dict:
    """Two townships (homes on a village and on the township itself), a home with no place,
    random children, contacts over the last seven months and duties."""
    rng = random.Random(seed)
    today = clock.today()
    county_place = factories.place(name=f"县{factories._n()}", kind="county")
    east = factories.place(name=f"东乡{factories._n()}", kind="township", parent=county_place)
    west = factories.place(name=f"西镇{factories._n()}", kind="township", parent=county_place)
    village = factories.place(name=f"东村{factories._n()}", kind="village", parent=east)
    homes = [
        factories.home(place_id=village.id),
        factories.home(place_id=west.id),
        factories.home(),
    ]
    children = []
    for home in homes:
        for _ in range(children_per_home):
            kid = child(
                home,
                school=rng.choice(("青山小学", "石门中学", "")),
                consent=rng.random() < 0.8,
                erased=rng.random() < 0.1,
            )
            children.append(kid)
            for _ in range(rng.randint(0, 8)):
                contact(
                    kid, rng.choice(CARE_LOG_KINDS), today - timedelta(days=rng.randint(0, 210))
                )
            for _ in range(rng.randint(0, 2)):
                duty(
                    kid,
                    today + timedelta(days=rng.randint(-60, 20)),
                    ended_on=today - timedelta(days=5) if rng.random() < 0.2 else None,
                )
    return {"homes": homes, "children": children, "townships": (east, west)}
