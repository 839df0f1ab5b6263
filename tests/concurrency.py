"""Real concurrent requests: threads that meet at a barrier, then each send one request.

Each request runs in its own app context, session and database connection, as in production.
Races are decided by PostgreSQL's locks and constraints; SQLite has one write lock for the whole
database, so these tests need PostgreSQL (they run in CI) and skip on SQLite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webapp.extensions import db


def needs_postgresql() -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): concurrent writers")


def clones(app: Flask, client: FlaskClient, n: int) -> list[FlaskClient]:
    """n clients with `client`'s cookies: one logged-in person in n tabs."""
    copies = []
    for _ in range(n):
        copy = app.test_client()
        for name in ("session", "remember_token"):
            cookie = client.get_cookie(name)
            if cookie is not None:
                copy.set_cookie(name, cookie.value)
        copies.append(copy)
    return copies


def race(
    app: Flask, send: Callable[[FlaskClient, int], object], n: int = 10, clients=None
) -> list[int]:
    """n clients call send(client, i) at the same moment; returns the status codes in order."""
    needs_postgresql()
    clients = clients or [app.test_client() for _ in range(n)]
    barrier = threading.Barrier(n)
    statuses: list = [None] * n

    def run(i: int) -> None:
        barrier.wait(timeout=30)
        statuses[i] = send(clients[i], i).status_code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    return statuses


def race_service_calls(app: Flask, work, n: int, refused: type[Exception], outcome) -> list:
    """n threads call a service at the same moment, each in its own app context (its own session
    and connection, like a request): work.prepare(i) loads what the call needs, the threads meet
    at a barrier, then work.act(prepared) runs and commits. Each result is outcome(what act
    returned), or (status, message) of the `refused` error it raised (rolled back)."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        with app.test_request_context("/", headers={"Accept-Language": "en"}):
            try:
                prepared = work.prepare(i)
                # Give the connection back: 20 threads share a pool of 15 while they wait.
                db.session.commit()
                barrier.wait(timeout=30)
                try:
                    value = work.act(prepared)
                    db.session.commit()
                    results[i] = outcome(value)
                except refused as error:
                    db.session.rollback()
                    results[i] = (error.status, error.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return results
