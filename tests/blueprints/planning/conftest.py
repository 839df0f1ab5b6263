"""Planning tests: services run inside a request (for the locale, English here), and worker
threads end before the database is emptied."""

from __future__ import annotations

import pytest

from webapp.blueprints.planning import dispatch


@pytest.fixture(autouse=True)
def _runs_finish(request):
    """Pure tests (no `app` fixture) get nothing, and so no database either."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    app.config.update(SOLVE_HEARTBEAT_SECONDS=0.2)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        yield
    assert dispatch.wait(timeout=60), "a solve thread is still running"
    app.config.update(SOLVE_HEARTBEAT_SECONDS=2.0, SOLVE_HEARTBEAT_TIMEOUT=30, REDIS_URL=None)


@pytest.fixture
def coordinator_client(app):
    """A coordinator who reads English (messages are asserted in English here)."""
    from tests import factories
    from tests.conftest import AuthActions

    user = factories.user(roles=("coordinator",), locale="en")
    client = app.test_client()
    assert AuthActions(client).login(user.email).status_code in (302, 303)
    client.user = user
    return client
