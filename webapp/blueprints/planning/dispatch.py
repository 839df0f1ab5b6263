"""Where a solve run executes: an in-process worker thread (default, nothing else to run), or an
RQ worker (`flask --app webapp.app worker`) when REDIS_URL is set, so that several machines can
solve against one PostgreSQL.

A run is handed over only after the request that created it has committed (``after_commit``):
a worker must never look for a row that a rolled-back request did not write.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from webapp.extensions import db

log = logging.getLogger(__name__)
JOB_FUNCTION = "webapp.blueprints.planning.jobs.solve_job"
DEFAULT_QUEUE = "shouwang-solve"
_threads: dict[int, threading.Thread] = {}
_lock = threading.Lock()


# --------------------------------------------------------------------------- after commit


def after_commit(fn) -> None:
    """Call ``fn()`` once the current transaction has committed (never if it rolls back)."""
    db.session().info.setdefault("after_commit", []).append(fn)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for fn in session.info.pop("after_commit", []):
        fn()


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop("after_commit", None)


# --------------------------------------------------------------------------- dispatch


def uses_rq(app: Flask | None = None) -> bool:
    return bool((app or current_app).config.get("REDIS_URL"))


def queue_name(app: Flask | None = None) -> str:
    return (app or current_app).config.get("SOLVE_QUEUE") or DEFAULT_QUEUE


def dispatch_after_commit(run_id: int, time_limit: float) -> None:
    app = current_app._get_current_object()
    after_commit(lambda: dispatch(app, run_id, time_limit))


def dispatch(app: Flask, run_id: int, time_limit: float) -> None:
    """Hand the run to an RQ worker, or start a worker thread in this process."""
    if uses_rq(app):
        try:
            enqueue(app, run_id, time_limit)
            return
        except Exception as error:  # Redis down: say so on the run instead of leaving it queued
            log.exception("could not enqueue solve run %s", run_id)
            from webapp.blueprints.planning.runs import fail_run

            with app.app_context():
                fail_run(run_id, f"Could not hand the run to a worker: {error}")
                db.session.commit()
            return
    start_thread(app, run_id)


def enqueue(app: Flask, run_id: int, time_limit: float) -> None:
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(app.config["REDIS_URL"])
    Queue(queue_name(app), connection=connection).enqueue(
        JOB_FUNCTION,
        run_id,
        job_id=f"{queue_name(app)}-run-{run_id}",
        # The engine stops itself at its time limit; the margin covers loading and storing.
        job_timeout=int(time_limit) + 600,
        result_ttl=3600,
        failure_ttl=7 * 24 * 3600,
    )


def start_thread(app: Flask, run_id: int) -> threading.Thread:
    from webapp.blueprints.planning.runs import execute_run

    thread = threading.Thread(
        target=execute_run, args=(app, run_id), name=f"solve-run-{run_id}", daemon=True
    )
    with _lock:
        _threads[run_id] = thread
    thread.start()
    return thread


def wait(run_id: int | None = None, timeout: float = 60.0) -> bool:
    """Wait for this process's worker threads (one run, or all); True when none is left."""
    with _lock:
        threads = [t for r, t in _threads.items() if run_id in (None, r)]
    for thread in threads:
        thread.join(timeout)
    with _lock:
        for r, t in list(_threads.items()):
            if not t.is_alive():
                del _threads[r]
        return not any(run_id in (None, r) for r in _threads)
