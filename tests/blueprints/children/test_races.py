"""Pairing rules hold when requests race: one active surrogate parent per child (a partial unique
index, on every database) and at most PAIRING_MAX_CHILDREN children per parent (writers for one
parent take turns); the losers see the same message as the rule gives one at a time.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests import factories
from tests.concurrency import clones, race
from webapp.extensions import db
from webapp.models import AuditLog, Pairing

THREADS = 10


def _active(**where) -> int:
    query = select(func.count()).select_from(Pairing).where(Pairing.ended_on.is_(None))
    for name, value in where.items():
        query = query.where(getattr(Pairing, name) == value)
    return db.session.scalar(query)


def _pair(client, volunteer_id: int, child_id: int):
    return client.post(
        "/children/pairings/new",
        data={"volunteer_id": str(volunteer_id), "child_id": str(child_id)},
        headers={"Accept-Language": "en"},
    )


def test_the_database_refuses_a_second_active_pairing_of_one_child(app):
    first = factories.pairing()
    other = factories.volunteer(kind="surrogate_parent")
    db.session.add(Pairing(volunteer=other, child=first.child, started_on=first.started_on))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_an_ended_pairing_does_not_count_for_the_index(app):
    first = factories.pairing()
    first.ended_on = first.started_on
    db.session.commit()
    other = factories.volunteer(kind="surrogate_parent")
    db.session.add(Pairing(volunteer=other, child=first.child, started_on=first.started_on))
    db.session.commit()
    assert _active(child_id=first.child_id) == 1


def test_submitting_the_form_twice_pairs_once(coordinator_client):
    volunteer = factories.volunteer(kind="surrogate_parent")
    child = factories.child()
    assert _pair(coordinator_client, volunteer.id, child.id).status_code == 303
    again = _pair(coordinator_client, volunteer.id, child.id)
    assert again.status_code == 422
    assert _active(child_id=child.id) == 1


def test_concurrent_pairings_of_one_child_make_one(app, coordinator_client):
    child_id = factories.child().id
    parents = [factories.volunteer(kind="surrogate_parent").id for _ in range(THREADS)]
    statuses = race(
        app,
        lambda c, i: _pair(c, parents[i], child_id),
        THREADS,
        clients=clones(app, coordinator_client, THREADS),
    )
    assert sorted(statuses) == [303] + [422] * (THREADS - 1), statuses
    assert _active(child_id=child_id) == 1
    actions = select(func.count()).where(AuditLog.action == "pairing.create")
    assert db.session.scalar(actions) == 1


def test_concurrent_pairings_of_one_parent_stop_at_the_limit(app, coordinator_client):
    parent_id = factories.volunteer(kind="surrogate_parent").id
    children = [factories.child().id for _ in range(THREADS)]
    responses: list = []

    def send(client, i):
        response = _pair(client, parent_id, children[i])
        responses.append(response.get_data(as_text=True))
        return response

    statuses = race(app, send, THREADS, clients=clones(app, coordinator_client, THREADS))
    assert sorted(statuses) == [303] * 3 + [422] * (THREADS - 3), statuses
    assert _active(volunteer_id=parent_id) == 3
    refused = [r for r in responses if "already cares for 3 children" in r]
    assert len(refused) == THREADS - 3
