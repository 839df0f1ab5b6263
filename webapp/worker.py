"""`flask --app webapp.app worker`: RQ worker for solve runs, and the periodic jobs.

With REDIS_URL set it takes solve runs from the queue (SOLVE_QUEUE, default "shouwang-solve")
and runs each in this process (rq's SimpleWorker: a killed worker takes its run with it, and the
heartbeat sweep then marks the run failed). Periodic jobs (webapp/periodic.py) run in a thread of
the same process. Without REDIS_URL it runs only the periodic jobs (solves then run in the web
process's own threads).
"""

from __future__ import annotations

import os
import socket

import click
from flask import current_app
from flask.cli import with_appcontext

from webapp.blueprints.planning import dispatch
from webapp.periodic import PeriodicThread


@click.command("worker")
@click.option("--queue", "queue_name", default=None, help="Queue to work on (default SOLVE_QUEUE).")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker(queue_name: str | None, burst: bool) -> None:
    """Run solve jobs from the Redis queue, and the periodic jobs."""
    app = current_app._get_current_object()
    periodic = PeriodicThread(app)
    periodic.start()
    names = ", ".join(job.name for job in periodic.jobs)
    try:
        if not dispatch.uses_rq(app):
            click.echo(f"REDIS_URL is not set: running the periodic jobs only ({names}).")
            periodic.join()
            return
        from redis import Redis
        from rq import Queue, SimpleWorker

        connection = Redis.from_url(app.config["REDIS_URL"])
        queue = Queue(queue_name or dispatch.queue_name(app), connection=connection)
        click.echo(f"Working on queue {queue.name}; periodic jobs: {names}.")
        SimpleWorker(
            [queue], connection=connection, name=f"shouwang-{socket.gethostname()}-{os.getpid()}"
        ).work(burst=burst, logging_level="WARNING")
    finally:
        periodic.stop()
