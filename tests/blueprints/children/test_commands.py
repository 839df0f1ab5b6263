"""`flask coverage --month YYYY-MM --json`: one JSON object per home, equal to a recount."""

from __future__ import annotations

import json

from tests.blueprints.children import coverage_world as world
from tests.blueprints.children.test_coverage import recount
from webapp import clock
from webapp.blueprints.children import coverage


def test_coverage_json_per_home_equals_a_recount_from_the_database(runner):
    built = world.county(seed=11)
    today = clock.today()
    for month in (today.replace(day=1), coverage.previous_month(today.replace(day=1))):
        result = runner.invoke(args=["coverage", "--month", month.strftime("%Y-%m"), "--json"])
        assert result.exit_code == 0, result.output
        lines = [json.loads(line) for line in result.output.splitlines()]
        assert {line["home"] for line in lines} == {h.name for h in built["homes"]}
        ids = {h.name: h.id for h in built["homes"]}
        for line in lines:
            assert set(line) == {"home", "children", "reached", "overdue"}
            expected = recount(month, ids[line["home"]], today)
            assert {k: v for k, v in line.items() if k != "home"} == expected, line["home"]


def test_coverage_json_names_no_child(runner):
    built = world.county(seed=5)
    output = runner.invoke(args=["coverage", "--json"]).output
    assert output.strip()
    for kid in built["children"]:
        assert kid.pseudonym not in output and kid.real_name not in output


def test_coverage_refuses_a_bad_month_with_the_reason(runner):
    result = runner.invoke(args=["coverage", "--month", "2026-13", "--json"])
    assert result.exit_code == 2
    assert "YYYY-MM" in result.output
