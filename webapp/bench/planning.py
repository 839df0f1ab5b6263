"""Benchmark of planning: `python -m webapp.bench.planning` (part of `make bench`).

Prints one JSON line per measurement:

* ``demo-summer-solve``: the demo county's summer programme solved through the CLI's code path
  (`flask solve ID --json`) in a scratch SQLite database with the demo loaded. Goal: proven
  optimal in under 10 s.
* ``term-load``: a term of 1,000 volunteers x 500 slots (generated, in the database of
  DATABASE_URL) read into the engine's problem by the adapter. Goal: under 3 s.
* ``review-page``: the review page of a 1,000-assignment plan (board and table). Goal: p95
  under 300 ms.
* ``progress-poll``: the polled progress fragment of a running solve. Goal: under 20 ms.

Everything it makes in DATABASE_URL is marked and removed afterwards, also after a failure.
"""

from __future__ import annotations

import contextvars
import json
import statistics
import tempfile
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask.testing import FlaskClient
from sqlalchemy import delete, insert, select

from webapp.bench import emit, percentile, planning_data, run_as_script
from webapp.extensions import db
from webapp.models import Assignment, AuditLog, Plan, Programme, SolveRun, User, UserRole
from webapp.models.base import utcnow

EMAIL = f"bench-coordinator@{planning_data.DOMAIN}"
PASSWORD = "bench-password-not-secret"


def _timings(record: dict, values: list[float]) -> dict:
    return {
        **record,
        "requests": len(values),
        "p50_ms": round(statistics.median(values) * 1000, 1),
        "p95_ms": round(percentile(values, 0.95) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


# --------------------------------------------------------------------------- the demo summer


def demo_summer_solve(time_limit: float = 30) -> dict:
    """Load the demo into a scratch SQLite database and solve its summer via the CLI."""
    from webapp.app import create_app
    from webapp.demo import load_demo_county

    with tempfile.TemporaryDirectory() as scratch:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(scratch) / 'demo.db'}",
                "SQLALCHEMY_ENGINE_OPTIONS": {},
            }
        )
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            started = time.perf_counter()
            load_demo_county()
            db.session.commit()
            seeded = time.perf_counter() - started
            summer = db.session.scalar(
                select(Programme).where(Programme.kind == "summer").order_by(Programme.id)
            )
            started = time.perf_counter()
            result = app.test_cli_runner().invoke(
                args=["solve", str(summer.id), "--time-limit", str(time_limit), "--json"]
            )
            wall = time.perf_counter() - started
            db.engine.dispose()
    if result.exit_code != 0:
        raise click.ClickException(f"demo solve failed: {result.output}")
    data = json.loads(result.output.strip().splitlines()[-1])
    return {
        "bench": "demo-summer-solve",
        "database": "sqlite (scratch, demo loaded)",
        "demo_seed_seconds": round(seeded, 2),
        "status": data["status"],
        "solver_seconds": data["seconds"],
        "command_seconds": round(wall, 2),
        "objective": data["objective"],
        "bound": data["bound"],
        "gap": data["gap"],
        "filled": data["filled"],
        "needed": data["needed"],
        "goal": "optimal in < 10 s",
    }


# --------------------------------------------------------------------------- county term


def term_load(programme_id: int, repeats: int = 3) -> dict:
    from webapp.blueprints.planning import adapter

    times, built = [], None
    for _ in range(repeats):
        db.session.expire_all()
        db.session.close()
        started = time.perf_counter()
        built = adapter.build(db.session.get(Programme, programme_id))
        times.append(time.perf_counter() - started)
    return {
        "bench": "term-load",
        "database": db.engine.url.get_backend_name(),
        "volunteers": len(built.volunteer_ids),
        "slots": len(built.targets),
        "seconds_median": round(statistics.median(times), 3),
        "seconds_max": round(max(times), 3),
        "goal": "< 3 s",
    }


def _thousand_assignment_plan(programme_id: int) -> tuple[Plan, dict]:
    """Solve the term (as a run would), then top it up by hand to 1,000 assignments."""
    from webapp.blueprints.planning import adapter

    programme = db.session.get(Programme, programme_id)
    built = adapter.build(programme)
    started = time.perf_counter()
    outcome = adapter.solve_programme(built, {"time_limit": 60})
    solved = time.perf_counter() - started
    plan = adapter.save_proposal(built, programme)
    db.session.commit()
    have = outcome.summary.assignments
    volunteers = built.volunteer_ids
    targets = list(built.targets.values())
    extra = []
    for i in range(max(0, 1000 - have)):
        t = targets[i % len(targets)]
        extra.append(
            {
                "plan_id": plan.id,
                "programme_id": programme_id,
                "volunteer_id": volunteers[(i * 7) % len(volunteers)],
                "need_id": t.need_id,
                "weekday": t.weekday,
                "status": "proposed",
                "pinned": False,
                "source": "manual",
                "note": "",
                "sequence": 0,
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
        )
    if extra:
        db.session.execute(insert(Assignment), extra)
        db.session.commit()
    info = {
        "solver_status": outcome.status,
        "solver_seconds": round(solved, 2),
        "solver_gap": outcome.gap,
        "solved_assignments": have,
        "assignments": have + len(extra),
    }
    return plan, info


class FreshContextClient(FlaskClient):
    """Each request in its own context, with its own database session, as in production
    (otherwise requests would share the benchmark's session and its identity map)."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def _client():
    from webapp.security import hash_password

    user = User(email=EMAIL, name="bench planning", password_hash=hash_password(PASSWORD))
    user.set_roles({"coordinator"})
    user.locale = "zh_CN"
    db.session.add(user)
    db.session.commit()
    app = current_app._get_current_object()
    app.config.update(WTF_CSRF_ENABLED=False, SESSION_COOKIE_SECURE=False)
    client = FreshContextClient(app, app.response_class, use_cookies=True)
    response = client.post("/auth/login", data={"email": EMAIL, "password": PASSWORD})
    if response.status_code not in (302, 303):
        raise click.ClickException(f"bench login failed: {response.status_code}")
    return client


def review_page(client, plan: Plan, info: dict, requests: int) -> list[dict]:
    out = []
    for view in ("board", "table"):
        url = f"/planning/plans/{plan.id}?view={view}"
        client.get(url)  # warm up
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise click.ClickException(f"review page answered {response.status_code}")
        out.append(
            _timings(
                {
                    "bench": "review-page",
                    "database": db.engine.url.get_backend_name(),
                    "view": view,
                    **info,
                    "goal": "p95 < 300 ms",
                },
                times,
            )
        )
    return out


def progress_poll(client, programme_id: int, requests: int) -> dict:
    samples = [[i * 0.5, 1_000_000 - i * 100, 900_000 + i * 50] for i in range(240)]
    run = SolveRun(
        programme_id=programme_id,
        status="running",
        parameters={"time_limit": 120},
        started_at=utcnow(),
        heartbeat_at=utcnow(),
        progress=samples,
    )
    db.session.add(run)
    db.session.commit()
    url = f"/planning/runs/{run.id}/progress"
    headers = {"HX-Request": "true"}
    client.get(url, headers=headers)
    times = []
    try:
        for _ in range(requests):
            run_heartbeat = utcnow()
            db.session.execute(
                SolveRun.__table__.update()
                .where(SolveRun.id == run.id)
                .values(heartbeat_at=run_heartbeat)
            )
            db.session.commit()
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise click.ClickException(f"progress poll answered {response.status_code}")
    finally:
        db.session.execute(delete(SolveRun).where(SolveRun.id == run.id))
        db.session.commit()
    return _timings(
        {
            "bench": "progress-poll",
            "database": db.engine.url.get_backend_name(),
            "samples": len(samples),
            "goal": "< 20 ms",
        },
        times,
    )


def cleanup() -> None:
    db.session.rollback()
    users = select(User.id).where(User.email == EMAIL)
    db.session.execute(delete(AuditLog).where(AuditLog.actor_id.in_(users)))
    db.session.execute(delete(UserRole).where(UserRole.user_id.in_(users)))
    db.session.execute(delete(User).where(User.email == EMAIL))
    db.session.commit()
    planning_data.cleanup()


@click.command("bench-planning")
@click.option("--volunteers", default=1000, show_default=True)
@click.option("--slots", default=500, show_default=True)
@click.option("--requests", default=30, show_default=True, help="Requests per page measured.")
@click.option("--skip-demo", is_flag=True, help="Leave out the demo summer solve.")
@with_appcontext
def bench_planning(volunteers: int, slots: int, requests: int, skip_demo: bool) -> None:
    """Time the demo summer solve, loading a county term, the review page and a poll."""
    if not skip_demo:
        emit(demo_summer_solve())
    cleanup()
    try:
        started = time.perf_counter()
        programme = planning_data.seed_term(volunteers, slots)
        emit(
            {
                "bench": "term-seed",
                "database": db.engine.url.get_backend_name(),
                "seconds": round(time.perf_counter() - started, 2),
            }
        )
        programme_id = programme.id
        emit(term_load(programme_id))
        plan, info = _thousand_assignment_plan(programme_id)
        client = _client()
        for record in review_page(client, plan, info, requests):
            emit(record)
        emit(progress_poll(client, programme_id, requests * 2))
    finally:
        cleanup()


if __name__ == "__main__":
    run_as_script(bench_planning)
