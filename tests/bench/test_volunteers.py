"""The volunteer-list benchmark's clean-up removes only its own rows."""

from __future__ import annotations

from sqlalchemy import select

from tests import factories
from webapp.bench import volunteers as bench
from webapp.extensions import db
from webapp.models import Volunteer


def test_bench_cleanup_removes_only_benchmark_rows(app):
    kept = factories.volunteer(name="留下")
    factories.volunteer(name="基准", email=f"v1@{bench.DOMAIN}")
    factories.user(email=f"someone@{bench.DOMAIN}", roles=["coordinator"])
    bench.cleanup()
    assert db.session.scalars(select(Volunteer)).all() == [kept]
