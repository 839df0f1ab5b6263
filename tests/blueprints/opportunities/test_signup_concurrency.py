"""Twenty volunteers at once for the last place: the database, not luck, decides.

PostgreSQL: the need's row lock queues the writers; each counts after the one before committed.
SQLite: BEGIN IMMEDIATE does the same with the database write lock.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.concurrency import race_service_calls
from tests.conftest import AuthActions
from webapp.blueprints.opportunities import signups
from webapp.extensions import db, limiter
from webapp.models import Assignment, Need, Occurrence, Post, Volunteer

THREADS = 20


def _run(app, n: int, act) -> list:
    """n sign-ups at once; each result is "confirmed", "waitlisted" or the refusal."""
    return race_service_calls(
        app,
        act,
        n,
        signups.SignupError,
        lambda done: "waitlisted" if done.waitlisted else "confirmed",
    )


class SignUpForNeed:
    def __init__(self, need_id, occurrence_id, volunteer_ids):
        self.need_id, self.occurrence_id, self.volunteer_ids = need_id, occurrence_id, volunteer_ids

    def prepare(self, i):
        return (
            db.session.get(Volunteer, self.volunteer_ids[i]),
            db.session.get(Need, self.need_id),
            db.session.get(Occurrence, self.occurrence_id),
        )

    def act(self, prepared):
        return signups.sign_up_for_need(*prepared)


class SignUpForPost:
    def __init__(self, post_id, volunteer_ids):
        self.post_id, self.volunteer_ids = post_id, volunteer_ids

    def prepare(self, i):
        return db.session.get(Volunteer, self.volunteer_ids[i]), db.session.get(Post, self.post_id)

    def act(self, prepared):
        return signups.sign_up_for_post(*prepared)


def _counts() -> dict[str, int]:
    db.session.expire_all()
    return dict(
        db.session.execute(
            select(Assignment.status, func.count()).group_by(Assignment.status)
        ).all()
    )


def _race_for_the_last_place(app):
    need, occurrence = factories.open_need(max_headcount=1)
    volunteers = [factories.volunteer().id for _ in range(THREADS)]
    results = _run(app, THREADS, SignUpForNeed(need.id, occurrence.id, volunteers))
    assert results.count("confirmed") == 1, results
    assert results.count("waitlisted") == THREADS - 1, results
    assert _counts() == {"confirmed": 1, "waitlisted": THREADS - 1}


@pytest.mark.postgres
def test_twenty_sign_ups_for_one_place_one_confirmed_nineteen_waitlisted_on_postgres(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    _race_for_the_last_place(app)


def test_twenty_sign_ups_for_one_place_serialise_with_begin_immediate_on_sqlite(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the SQLite write-lock path")
    _race_for_the_last_place(app)


@pytest.mark.postgres
def test_twenty_sign_ups_for_a_post_with_two_beds_two_confirmed_on_postgres(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    programme = factories.programme()
    post = factories.post(programme, beds=2, max_headcount=6, open_for_signup=True)
    volunteers = [factories.volunteer().id for _ in range(THREADS)]
    results = _run(app, THREADS, SignUpForPost(post.id, volunteers))
    assert results.count("confirmed") == 2, results
    assert _counts() == {"confirmed": 2, "waitlisted": THREADS - 2}


def test_twenty_simultaneous_sign_up_requests_one_place_one_confirmed(app):
    """Through HTTP, on whichever database runs the suite: every request answers 303, exactly
    one volunteer is confirmed and the others are told they are on the waitlist."""
    need, occurrence = factories.open_need(max_headcount=1)
    clients = []
    for _ in range(THREADS):
        volunteer = factories.volunteer_with_login()
        client = app.test_client()
        limiter.reset()  # twenty log-ins from one address in a second
        assert AuthActions(client).login(volunteer.user.email).status_code == 303
        clients.append(client)
    db.session.commit()
    barrier = threading.Barrier(THREADS)
    answers: list = [None] * THREADS
    url = f"/opportunities/needs/{need.id}/{occurrence.id}/signup"

    def post(i: int) -> None:
        barrier.wait(timeout=30)
        response = clients[i].post(url, headers={"Accept-Language": "en"})
        follow = clients[i].get(
            response.headers.get("Location", "/"), headers={"Accept-Language": "en"}
        )
        answers[i] = (response.status_code, "on the waitlist" in follow.text)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert [status for status, _w in answers] == [303] * THREADS, answers
    assert sum(1 for _s, waiting in answers if waiting) == THREADS - 1
    assert _counts() == {"confirmed": 1, "waitlisted": THREADS - 1}
