"""The RQ job: what `flask --app webapp.app worker` runs for each queued solve."""

from __future__ import annotations

from flask import current_app

from webapp.blueprints.planning.runs import execute_run


def solve_job(run_id: int) -> None:
    """Execute one solve run (the worker process holds an app context for its lifetime)."""
    execute_run(current_app._get_current_object(), run_id)
