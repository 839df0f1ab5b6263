"""Periodic jobs, run by `flask --app webapp.app worker` beside the solve jobs (one registry).

Each job is a plain function that takes no arguments, runs inside an app context and commits
its own work. Add a job here with its interval; the worker runs each one when it is due.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from webapp.extensions import db

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: float
    function: str  # "module:function"

    def load(self) -> Callable[[], object]:
        module, _sep, name = self.function.partition(":")
        return getattr(importlib.import_module(module), name)


PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    # Solve runs whose worker died (no heartbeat) are marked failed, never left running.
    PeriodicJob("sweep-stale-solve-runs", 30, "webapp.blueprints.planning.runs:sweep_stale_runs"),
    # The outbox over SMTP (nothing happens while SMTP_HOST is unset); each message is claimed,
    # so several workers never send one twice.
    PeriodicJob("send-outbox", 60, "webapp.blueprints.notifications.delivery:send_outbox"),
    # Day-before and overdue-duty reminders; written once each, so hourly is safe.
    PeriodicJob(
        "send-reminders",
        3600,
        "webapp.blueprints.notifications.reminders:send_reminders_and_commit",
    ),
)


def run_job(app: Flask, job: PeriodicJob) -> object:
    """Run one job in its own app context (its own session); errors are logged, not raised."""
    with app.app_context():
        try:
            return job.load()()
        except Exception:
            log.exception("periodic job %s failed", job.name)
            db.session.rollback()
            return None
        finally:
            db.session.remove()


class PeriodicThread(threading.Thread):
    """Runs every registered job when it is due (first right away), until stopped."""

    def __init__(self, app: Flask, jobs: tuple[PeriodicJob, ...] = PERIODIC_JOBS) -> None:
        super().__init__(name="periodic-jobs", daemon=True)
        self.app, self.jobs = app, jobs
        self.stopped = threading.Event()
        self.due = {job.name: 0.0 for job in jobs}

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
