"""The same solve through a real RQ worker (`flask --app webapp.app worker`) against the real
Redis on 127.0.0.1:6379, and a worker killed mid-run: its run is marked failed, never left
running. Each test uses a queue of its own (Redis database 1)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.blueprints.planning.helpers import FAST, term
from webapp.bench import planning_data
from webapp.blueprints.planning import runs
from webapp.extensions import db
from webapp.models import Plan, Programme, SolveRun

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


def _redis():
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    connection = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except RedisDown:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return connection


@pytest.fixture
def queue(app, tmp_path, database_url):
    """A queue of our own, a worker process on it, and everything removed afterwards."""
    redis = _redis()
    name = f"shouwang-test-{uuid.uuid4().hex[:10]}"
    app.config.update(REDIS_URL=REDIS_URL, SOLVE_QUEUE=name)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "SOLVE_QUEUE": name,
        "SOLVE_HEARTBEAT_SECONDS": "0.3",
        "SECRET_KEY": "test-worker",
        "SHOUWANG_INSTANCE": str(tmp_path),
    }
    log = open(tmp_path / "worker.log", "w+")  # noqa: SIM115  (closed below)
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "webapp.app", "worker"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    worker.log_path = tmp_path / "worker.log"
    try:
        yield worker
    finally:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        log.close()
        for key in redis.scan_iter(f"*{name}*"):
            redis.delete(key)
        for key in redis.scan_iter(f"rq:worker:shouwang-*-{worker.pid}"):
            redis.delete(key)
        redis.srem("rq:queues", f"rq:queue:{name}")
        redis.srem("rq:workers", f"rq:worker:shouwang-{os.uname().nodename}-{worker.pid}")
        app.config.update(REDIS_URL=None, SOLVE_QUEUE="shouwang-solve")


def _wait(run_id: int, done, timeout: float, worker) -> SolveRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        run = db.session.get(SolveRun, run_id)
        if done(run):
            return run
        if worker.poll() is not None:
            raise AssertionError("the worker died:\n" + worker.log_path.read_text())
        time.sleep(0.1)
    raise AssertionError(
        f"run {run_id} is {run.status}; worker log:\n" + worker.log_path.read_text()
    )


def test_a_solve_runs_through_an_rq_worker(app, queue):
    programme, _, _ = term(volunteers=2)
    run = runs.start_run(programme, None, extra=FAST)
    db.session.commit()
    run = _wait(run.id, lambda r: not r.active, 90, queue)
    assert run.status == "done", run.error
    assert run.engine_status == "optimal"
    assert run.worker.split(":")[1] == str(queue.pid)  # solved in the worker process
    assert run.heartbeat_at is not None
    plan = db.session.get(Plan, run.plan_id)
    assert len(plan.assignments) == 2
    assert db.session.get(Programme, programme.id).state == "proposed"


def test_a_worker_killed_mid_run_leaves_a_failed_run(app, queue):
    programme = planning_data.seed_summer(volunteers=300, posts=40)
    try:
        run = runs.start_run(programme, None, time_limit=120, extra={"seed": 7})
        db.session.commit()
        run_id = run.id
        _wait(run_id, lambda r: r.status == "running" and r.progress, 90, queue)
        os.kill(queue.pid, signal.SIGKILL)
        queue.wait(timeout=10)
        db.session.expire_all()
        assert db.session.get(SolveRun, run_id).status == "running"  # as the worker left it
        app.config["SOLVE_HEARTBEAT_TIMEOUT"] = 1.0
        time.sleep(1.5)
        assert runs.sweep_stale_runs() == 1
        run = db.session.get(SolveRun, run_id)
        assert run.status == "failed" and run.finished_at is not None
        assert "stopped answering" in runs.describe_error(run)[0]
        assert db.session.get(Programme, programme.id).state == "draft"
    finally:
        planning_data.cleanup()
