"""Solve runs on worker threads: start, heartbeat and progress, cancel, crash, one at a time,
and runs whose worker stopped answering."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from tests import factories
from tests.blueprints.planning.helpers import FAST, term
from webapp.bench import planning_data
from webapp.blueprints.planning import dispatch, runs
from webapp.blueprints.planning.errors import PlanningError
from webapp.extensions import db
from webapp.models import AuditLog, Plan, Programme, SolveRun
from webapp.models.base import utcnow
from webapp.periodic import job_named, run_job


def _start(programme, **kw):
    kw.setdefault("extra", FAST)
    run = runs.start_run(programme, None, **kw)
    db.session.commit()
    return run.id


def _finished(run_id: int) -> SolveRun:
    assert dispatch.wait(run_id, timeout=60)
    db.session.expire_all()
    return db.session.get(SolveRun, run_id)


def _wait_for(run_id: int, status: str, timeout: float = 30) -> SolveRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        run = db.session.get(SolveRun, run_id)
        if run.status == status:
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} never became {status}: {run.status}")


def _wait_for_a_solution(run_id: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        if any(sample[1] is not None for sample in db.session.get(SolveRun, run_id).progress):
            return
        time.sleep(0.05)
    raise AssertionError("no solution reported")


def test_a_run_solves_in_a_worker_thread_and_proposes_a_plan(app):
    programme, _, _ = term(volunteers=2)
    run_id = _start(programme)
    assert db.session.get(Programme, programme.id).state == "solving"
    run = _finished(run_id)
    assert run.status == "done" and run.engine_status == "optimal"
    assert run.heartbeat_at is not None and run.started_at <= run.finished_at
    assert run.progress and all(len(sample) == 3 for sample in run.progress)
    assert (run.needed, run.filled, run.unfilled) == (2, 2, 0)
    assert run.gap == 0 and run.objective == run.bound
    plan = db.session.get(Plan, run.plan_id)
    assert plan.state == "proposed" and len(plan.assignments) == 2
    assert db.session.get(Programme, programme.id).state == "proposed"
    assert db.session.query(AuditLog).filter_by(action="plan.proposed").count() == 1


def test_a_second_run_of_the_same_programme_is_refused_and_names_the_first(app):
    programme, _, _ = term()
    run = runs.start_run(programme, None, extra=FAST, background=False)
    db.session.commit()
    with pytest.raises(PlanningError) as refused:
        runs.start_run(programme, None, background=False)
    assert refused.value.status == 409 and refused.value.run_id == run.id
    db.session.rollback()
    assert db.session.query(SolveRun).count() == 1


def test_the_database_lets_only_one_active_run_in(app):
    """Even past the service's check (two requests racing), the index refuses the second."""
    from sqlalchemy.exc import IntegrityError

    programme, _, _ = term()
    db.session.add(SolveRun(programme_id=programme.id, status="running"))
    db.session.commit()
    db.session.add(SolveRun(programme_id=programme.id, status="queued"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(SolveRun(programme_id=programme.id, status="done"))
    db.session.commit()


def test_nothing_to_plan_is_refused_before_a_run_starts(app):
    programme = factories.programme(kind="summer")
    with pytest.raises(PlanningError) as refused:
        runs.start_run(programme, None)
    assert refused.value.status == 422 and "nothing to plan" in refused.value.message
    factories.post(programme)
    with pytest.raises(PlanningError) as refused:
        runs.start_run(programme, None)
    assert "nobody to plan" in refused.value.message
    db.session.rollback()
    assert db.session.query(SolveRun).count() == 0
    assert db.session.get(Programme, programme.id).state == "draft"


def test_cancelling_a_queued_run_ends_it_and_gives_the_programme_back(app):
    programme, _, _ = term()
    run = runs.start_run(programme, None, background=False)
    db.session.commit()
    runs.cancel_run(run, None)
    db.session.commit()
    assert run.status == "cancelled" and run.finished_at is not None
    assert db.session.get(Programme, programme.id).state == "draft"
    # A worker that picks it up later does nothing.
    runs.execute_run(app, run.id)
    db.session.expire_all()
    assert db.session.get(SolveRun, run.id).status == "cancelled"
    with pytest.raises(PlanningError):
        runs.cancel_run(run, None)


def test_cancelling_a_running_solve_stops_it_and_keeps_the_best_plan(app):
    programme = planning_data.seed_summer(volunteers=300, posts=40)
    try:
        run_id = _start(programme, time_limit=120, extra={"seed": 7})
        _wait_for(run_id, "running")
        _wait_for_a_solution(run_id)
        runs.cancel_run(db.session.get(SolveRun, run_id), None)
        db.session.commit()
        run = _finished(run_id)
        assert run.status == "cancelled"
        assert run.seconds < 60
        # The best plan found so far is kept.
        assert run.plan_id is not None, (run.engine_status, run.error, run.progress[-3:])
        assert db.session.get(Programme, programme.id).state == "proposed"
    finally:
        dispatch.wait(timeout=60)
        planning_data.cleanup()


def test_a_crash_marks_the_run_failed_with_its_reason(app):
    programme, _, _ = term()
    run_id = _start(programme, extra={"time_limit": "not a number"})
    run = _finished(run_id)
    assert run.status == "failed"
    message, detail = runs.describe_error(run)
    assert "error" in message and "ValueError" in detail
    assert db.session.get(Programme, programme.id).state == "draft"


def test_a_run_that_cannot_be_built_fails_with_the_reason(app):
    programme, event, _ = term()
    run = runs.start_run(programme, None, background=False)
    db.session.commit()
    run_id = run.id
    programme.volunteers = []  # people left after the run was queued
    db.session.commit()
    runs.execute_run(app, run_id)
    db.session.expire_all()
    run = db.session.get(SolveRun, run_id)
    assert run.status == "failed"
    assert "nobody to plan" in runs.describe_error(run)[0]


def test_a_silent_worker_is_marked_failed_by_the_sweep_and_the_programme_recovers(app):
    programme, _, _ = term()
    programme.state = "proposed"
    db.session.commit()
    run = runs.start_run(programme, None, background=False)
    run.status, run.started_at = "running", utcnow() - timedelta(minutes=5)
    run.heartbeat_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    assert run_job(app, job_named(app, "sweep-stale-solve-runs")) == 1
    db.session.expire_all()
    run = db.session.get(SolveRun, run.id)
    assert run.status == "failed" and "stopped answering" in runs.describe_error(run)[0]
    assert db.session.get(Programme, programme.id).state == "proposed"


def test_a_run_nobody_picked_up_fails_after_the_queue_timeout(app):
    programme, _, _ = term()
    run = runs.start_run(programme, None, background=False)
    run.created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert runs.sweep_stale_runs() == 1
    assert "No worker" in runs.describe_error(db.session.get(SolveRun, run.id))[0]


def test_a_rollback_never_hands_a_run_to_a_worker(app):
    programme, _, _ = term()
    runs.start_run(programme, None, extra=FAST)
    db.session.rollback()
    assert dispatch.wait(timeout=1)
    assert db.session.query(SolveRun).count() == 0


def test_racing_requests_start_exactly_one_run(app):
    """Eight requests at once (own sessions, like requests): one run starts, seven get the 409.
    PostgreSQL: the partial unique index decides; SQLite: the write lock serialises them."""
    import threading

    programme, _, _ = term()
    programme_id = programme.id
    barrier, results = threading.Barrier(8), []

    def request() -> None:
        with app.test_request_context("/", headers={"Accept-Language": "en"}):
            try:
                mine = db.session.get(Programme, programme_id)
                db.session.commit()
                barrier.wait(timeout=30)
                try:
                    runs.start_run(mine, None, background=False)
                    db.session.commit()
                    results.append(201)
                except PlanningError as refused:
                    db.session.rollback()
                    results.append(refused.status)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [201] + [409] * 7
    assert db.session.query(SolveRun).filter_by(programme_id=programme_id).count() == 1
