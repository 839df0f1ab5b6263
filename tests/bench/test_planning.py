"""The planning benchmark runs end to end on small numbers and removes only its own rows."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from tests import factories
from tests.blueprints.planning.helpers import term
from webapp.bench.planning import bench_planning
from webapp.extensions import db
from webapp.models import Home, Plan, Programme, SolveRun, User, Volunteer


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_bench_planning_prints_every_measurement_and_cleans_up(app, runner):
    with app.test_request_context("/"):
        programme, _, _ = term()
    programme_id = programme.id
    kept = {m.__name__: _count(m) for m in (Home, Volunteer, Programme, Plan, SolveRun, User)}
    result = runner.invoke(
        bench_planning,
        args=[
            "--volunteers",
            "40",
            "--slots",
            "20",
            "--requests",
            "2",
            "--skip-demo",
        ],
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.strip().splitlines()]
    assert [r["bench"] for r in records] == [
        "term-seed",
        "term-load",
        "review-page",
        "review-page",
        "progress-poll",
    ]
    assert records[1]["volunteers"] == 40 and records[1]["slots"] == 20
    assert records[2]["assignments"] == 1000
    db.session.expire_all()
    after = {m.__name__: _count(m) for m in (Home, Volunteer, Programme, Plan, SolveRun, User)}
    assert after == kept and db.session.get(Programme, programme_id) is not None
    factories.volunteer()  # the database is usable afterwards
