"""The coverage benchmark on a tiny county: it runs, prints its figures and plans as JSON lines,
and its clean-up removes only its own rows."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from tests import factories
from tests.blueprints.children import coverage_world as world
from webapp.bench import coverage as bench
from webapp.extensions import db
from webapp.models import CareLog, Child, CoverageMonth, Home


def test_bench_runs_on_a_tiny_county_and_leaves_only_other_rows(app, capsys):
    kept = world.child(factories.home())
    world.contact(kept, "talk", kept.consent_on)
    bench.run(children=60, contacts=900, homes=3, months=3, requests=4, seed=1, keep=False)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    figures = {(line["bench"], line.get("variant")): line for line in lines}
    live = figures[("coverage_page", "six_months_live")]
    assert live["requests"] == 4 and live["goal_p95_ms"] == 300
    # Another home in the database: no month is marked as reported by the benchmark.
    assert ("coverage_page", "past_months_reported") not in figures
    assert figures[("coverage_seed", None)]["contacts"] == 900
    if db.engine.dialect.name == "postgresql":
        plans = [line for line in lines if line["bench"] == "coverage_plan"]
        assert {p["query"] for p in plans} == {"children", "reached", "overdue"}
    assert db.session.scalars(select(Child)).all() == [kept]
    assert db.session.scalar(select(func.count()).select_from(CareLog)) == 1
    assert db.session.scalar(select(func.count()).select_from(Home)) == 1


def test_bench_alone_in_its_database_times_reported_months_and_removes_them(app, capsys):
    bench.run(children=30, contacts=300, homes=2, months=6, requests=3, seed=2, keep=False)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    variants = {line.get("variant") for line in lines if line["bench"] == "coverage_page"}
    assert variants == {"six_months_live", "past_months_reported"}
    assert db.session.scalar(select(func.count()).select_from(CoverageMonth)) == 0
    assert db.session.scalar(select(func.count()).select_from(Child)) == 0
