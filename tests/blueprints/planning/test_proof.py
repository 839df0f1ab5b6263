"""What the solver proved, on the run page and the review page, and "keep searching"."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.blueprints.planning.helpers import FAST, proposal, term
from webapp.blueprints.planning import adapter, dispatch, runs
from webapp.blueprints.planning.errors import PlanningError
from webapp.blueprints.planning.proof import Proof, of_plan, percent
from webapp.extensions import db
from webapp.models import Plan, SolveRun


def _short_one(plan_status="optimal"):
    """One volunteer, one session a week, two weekly sessions: one minimum place stays empty."""
    programme, _, people = term(volunteers=1, weekdays=(1, 3))
    people[0].max_sessions_per_week = 1
    db.session.commit()
    return programme


def _unproven(plan: Plan, gap: float = 0.034, missing: int = 3, bound: int = 1) -> Plan:
    """A proposal as an unproven run leaves it (the figures of a run stopped at its limit)."""
    plan.engine_status, plan.gap = "feasible", gap
    plan.terms = [
        {**t, "value": missing, "bound": bound} if t["name"] == "unfilled_min" else t
        for t in plan.terms
    ]
    db.session.commit()
    return plan


def test_gaps_are_rounded_up_and_never_shown_as_nothing():
    assert percent(0.0921) == "9.21 %"
    assert percent(0.00001) == "0.01 %"
    assert percent(0.805) == "81 %"
    assert percent(0.0) == "0.00 %"


def test_the_words_follow_what_was_proven():
    assert Proof("optimal", 0.0, 0, 0).sentences() == [
        "Proven optimal: no plan under these rules is better."
    ]
    short = Proof("feasible", 0.05, 5, 2).sentences()
    assert short[0] == "Not proven optimal: at most 5.00 % from the best possible plan."
    assert short[1] == "Perhaps up to 3 more minimum places could still be filled."
    none_fillable = Proof("feasible", None, 4, 4).sentences()
    assert "stopped before it could tell" in none_fillable[0]
    assert none_fillable[1].startswith("No place left short could be filled")
    assert Proof("feasible", 0.1, 2, None).sentences()[1] == (
        "Whether more minimum places could be filled is not known yet."
    )
    assert Proof("infeasible", None, None, None).sentences() == []


def test_the_adapter_stores_the_proven_bound_on_unfilled_minimums(app):
    programme = _short_one()
    built = adapter.build(programme)
    outcome = adapter.solve_programme(built, FAST)
    assert outcome.status == "optimal" and outcome.unfilled_bound == 1
    plan = adapter.save_proposal(built, programme)
    (term_row,) = [t for t in plan.terms if t["name"] == "unfilled_min"]
    assert term_row["value"] == term_row["bound"] == 1
    proof = of_plan(plan)
    assert proof.optimal and proof.fillable == 0


def test_the_run_page_says_optimal_and_that_no_empty_place_could_be_filled(app, coordinator_client):
    programme = _short_one()
    response = coordinator_client.post(
        f"/planning/programmes/{programme.id}/solve", data={"time_limit": "10"}
    )
    run_id = int(re.search(r"/planning/runs/(\d+)$", response.headers["Location"]).group(1))
    assert dispatch.wait(run_id, timeout=60)
    page = coordinator_client.get(f"/planning/runs/{run_id}").get_data(as_text=True)
    assert "Proven optimal: no plan under these rules is better." in page
    assert (
        "No place left short could be filled: no plan comes closer to the minimums (1 short" in page
    )
    assert "keep-searching-form" not in page  # nothing better to search for


def test_an_unproven_proposal_says_how_far_it_may_be_and_offers_to_keep_searching(
    app, coordinator_client
):
    plan = _unproven(proposal(_short_one()))
    page = coordinator_client.get(f"/planning/plans/{plan.id}").get_data(as_text=True)
    assert "Not proven optimal: at most 3.40 % from the best possible plan." in page
    assert "Perhaps up to 2 more minimum places could still be filled." in page
    assert f'action="/planning/plans/{plan.id}/keep-searching"' in page


def test_keep_searching_continues_from_the_plan_in_the_background_and_replaces_it(
    app, coordinator_client
):
    programme = _short_one()
    plan = _unproven(proposal(programme))
    plan_id = plan.id
    response = coordinator_client.post(
        f"/planning/plans/{plan_id}/keep-searching", data={"time_limit": "30"}
    )
    assert response.status_code == 303
    run_id = int(re.search(r"/planning/runs/(\d+)$", response.headers["Location"]).group(1))
    assert dispatch.wait(run_id, timeout=60)
    db.session.expire_all()
    run = db.session.get(SolveRun, run_id)
    assert run.parameters["start_from"] == plan_id and run.parameters["pins_from"] == plan_id
    assert run.parameters["time_limit"] == 30
    assert run.status == "done" and run.engine_status == "optimal"
    assert db.session.get(Plan, plan_id).state == "discarded"
    assert db.session.get(Plan, run.plan_id).state == "proposed"
    page = coordinator_client.get(f"/planning/runs/{run_id}").get_data(as_text=True)
    assert "Proven optimal" in page and "keep-searching-form" not in page


def test_the_run_page_of_an_unproven_run_offers_a_longer_search(app, coordinator_client):
    programme = _short_one()
    run = runs.start_run(programme, None, extra=FAST, background=False, time_limit=10)
    db.session.commit()
    runs.execute_run(app, run.id)
    db.session.expire_all()
    run = db.session.get(SolveRun, run.id)
    _unproven(run.plan)
    page = coordinator_client.get(f"/planning/runs/{run.id}").get_data(as_text=True)
    assert f'action="/planning/plans/{run.plan_id}/keep-searching"' in page
    assert re.search(r'<option selected value="30">|<option value="30" selected', page)


def test_an_optimal_plan_is_not_searched_further(app, coordinator_client):
    plan = proposal(_short_one())
    response = coordinator_client.post(
        f"/planning/plans/{plan.id}/keep-searching", data={"time_limit": "30"}
    )
    assert response.status_code == 409
    assert "nothing better to search for" in response.get_data(as_text=True)
    with pytest.raises(PlanningError):
        runs.keep_searching(plan, None, 30)
    db.session.rollback()
    assert db.session.query(SolveRun).count() == 0


def test_keep_searching_needs_a_time_limit(app, coordinator_client):
    plan = _unproven(proposal(_short_one()))
    response = coordinator_client.post(f"/planning/plans/{plan.id}/keep-searching", data={})
    assert response.status_code == 422
    assert db.session.query(SolveRun).count() == 0


def test_a_chinese_coordinator_reads_the_proof_in_chinese(app):
    from tests.conftest import AuthActions

    plan = _unproven(proposal(_short_one()))
    reader = factories.user(roles=("coordinator",), locale="zh_CN")
    client = app.test_client()
    AuthActions(client).login(reader.email)
    page = client.get(f"/planning/plans/{plan.id}").get_data(as_text=True)
    assert "尚未证明最优" in page and "继续搜索" in page
