"""Fixtures for the homes tests: a managed home with opening hours and a way to call services."""

from __future__ import annotations

import pytest

from tests import factories
from webapp.extensions import db


@pytest.fixture
def manager(app):
    return factories.user(roles=("home_manager",))


@pytest.fixture
def home(app, manager):
    home = factories.home(managers=(manager,), rooms=("activity", "video_call"))
    factories.opening_hours(home, (0, 1, 2, 3, 4, 5, 6), "08:00", "20:00")
    return home


@pytest.fixture
def committed():
    """Run a service call as a request would: commit on success, roll back on refusal."""

    def run(fn, *args, **kwargs):
        try:
            result = fn(*args, **kwargs)
        except Exception:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return run


@pytest.fixture(autouse=True)
def request_context(english_request):
    """Services translate their messages, which needs a request (for the locale): every homes test
    with `app` gets one (tests/conftest.py); pure tests get nothing, and no database set-up."""
    yield
