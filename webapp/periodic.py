"""Periodic jobs, run by `flask --app webapp.app worker` beside the solve jobs.

Each job is a plain function that takes no arguments, runs inside an app context and commits
its own work. The blueprint that owns a job registers it on the app when the blueprint joins it
(`bp.record_once` calling `register`), so this module knows no feature; the worker runs every
registered job when it is due.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from webapp.extensions import db

log = logging.getLogger(__name__)

_EXTENSION = "periodic_jobs"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: float
    function: Callable[[], object]


def register(app: Flask, job: PeriodicJob) -> None:
    """Add a job to the app's registry; a second job of the same name is a mistake."""
    jobs = app.extensions.setdefault(_EXTENSION, {})
    if job.name in jobs and jobs[job.name] != job:
        raise ValueError(f"periodic job {job.name!r} is registered twice")
    jobs[job.name] = job


def jobs_of(app: Flask) -> tuple[PeriodicJob, ...]:
    """The app's registered jobs, in the order they were registered."""
    return tuple(app.extensions.get(_EXTENSION, {}).values())


def job_named(app: Flask, name: str) -> PeriodicJob:
    return app.extensions.get(_EXTENSION, {})[name]


def run_job(app: Flask, job: PeriodicJob) -> object:
    """Run one job in its own app context (its own session); errors are logged, not raised."""
    with app.app_context():
        try:
            return job.function()
        except Exception:
            log.exception("periodic job %s failed", job.name)
            db.session.rollback()
            return None
        finally:
            db.session.remove()


class PeriodicThread(threading.Thread):
    """Runs every registered job when it is due (first right away), until stopped."""

    def __init__(self, app: Flask, jobs: tuple[PeriodicJob, ...] | None = None) -> None:
        super().__init__(name="periodic-jobs", daemon=True)
        self.app = app
        self.jobs = jobs_of(app) if jobs is None else jobs
        self.stopped = threading.Event()
        self.due = {job.name: 0.0 for job in self.jobs}

    def run(self) -> None:
        while not self.stopped.is_set():
            now = time.monotonic()
            for job in self.jobs:
                if now >= self.due[job.name]:
                    run_job(self.app, job)
                    self.due[job.name] = time.monotonic() + job.every_seconds
            self.stopped.wait(1.0)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=10)
