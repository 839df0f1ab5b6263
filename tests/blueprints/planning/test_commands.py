"""`flask programmes --json` and `flask solve ID`: the same services as the pages."""

from __future__ import annotations

import json

from tests import factories
from tests.blueprints.planning.helpers import term
from webapp.blueprints.planning import runs
from webapp.extensions import db
from webapp.models import Plan, SolveRun

KEYS = {
    "programme",
    "status",
    "objective",
    "bound",
    "gap",
    "seconds",
    "needed",
    "filled",
    "unfilled",
}


def test_programmes_as_json(app, runner):
    programme, _, _ = term()
    result = runner.invoke(args=["programmes", "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert {k: row[k] for k in ("id", "kind", "name", "state")} == {
        "id": programme.id,
        "kind": "tutoring",
        "name": programme.name,
        "state": "draft",
    }


def test_solve_prints_one_json_object_last_and_stores_the_proposal(app, runner):
    programme, _, _ = term(volunteers=2)
    result = runner.invoke(args=["solve", str(programme.id), "--time-limit", "10", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output.strip().splitlines()[-1])
    assert set(data) >= KEYS
    assert data["programme"] == programme.id and data["status"] == "optimal"
    assert (data["needed"], data["filled"], data["unfilled"]) == (2, 2, 0)
    assert data["gap"] == 0
    assert data["proof"] == ["Proven optimal: no plan under these rules is better."]
    db.session.expire_all()
    plan = db.session.get(Plan, data["plan"])
    assert plan.state == "proposed" and len(plan.assignments) == 2


def test_solve_in_words_without_json(app, runner):
    programme, _, _ = term(volunteers=2)
    result = runner.invoke(args=["solve", str(programme.id), "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    assert "optimal" in result.output and "filled 2 of 2" in result.output
    assert "Proven optimal: no plan under these rules is better." in result.output


def test_solve_refuses_an_unknown_programme(app, runner):
    result = runner.invoke(args=["solve", "987654", "--json"])
    assert result.exit_code != 0
    assert "no programme with id 987654" in result.output


def test_solve_refuses_while_a_run_is_going(app, runner):
    programme, _, _ = term()
    running = runs.start_run(programme, None, background=False)
    db.session.commit()
    result = runner.invoke(args=["solve", str(programme.id), "--json"])
    assert result.exit_code != 0
    assert "already running" in result.output
    assert db.session.query(SolveRun).count() == 1 and running.status == "queued"


def test_solve_says_when_there_is_nothing_to_plan(app, runner):
    programme = factories.programme(kind="summer")
    result = runner.invoke(args=["solve", str(programme.id)])
    assert result.exit_code != 0 and "nothing to plan" in result.output
    assert db.session.query(SolveRun).count() == 0
