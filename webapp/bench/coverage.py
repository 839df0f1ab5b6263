"""Benchmark of the coverage page on the database in DATABASE_URL (the goal is for PostgreSQL).

`python -m webapp.bench.coverage` (part of `make bench`): builds a county of 20,000 children in
200 homes under 12 townships, three duties each, and 1,000,000 contact records spread over the
last 12 months (COPY on PostgreSQL, executemany elsewhere), then times /children/coverage through
the real app logged in as a coordinator: the running month's page (its table, the six months of
its chart and the overdue list) in two states: nothing reported yet (all six months counted
live), and the five past months reported (stored counts, as after each month's export or `flask
close-coverage`; done only when the database holds no other homes). Prints JSON lines: the seed,
each state's p50/p95 against the 300 ms p95 goal, and EXPLAIN ANALYZE of the six months' three
queries. Removes everything it made, also after a failure (or keeps the county for another run
with --keep; a separate database named by DATABASE_URL is the tidy place).
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import delete, func, insert, select, text

from webapp import clock
from webapp.bench import emit, logged_in_client, percentile, run_as_script
from webapp.blueprints.children import coverage, reported
from webapp.extensions import db
from webapp.models import (
    CareLog,
    Child,
    ChildAccess,
    ChildDuty,
    CoverageMonth,
    Home,
    Place,
    User,
    UserRole,
)

TAG = "BENCH-COVERAGE"
COORDINATOR_EMAIL = "bench-coverage@bench.shouwang.invalid"
PASSWORD = "bench-password-not-secret"
# Kinds in the proportions a county writes them: weekly talks and video calls, monthly visits.
KINDS = ("talk",) * 4 + ("video_call",) * 3 + ("call",) + ("visit",) * 2 + ("meeting", "other")
SCHOOLS = [f"{TAG} 第{n}小学" for n in range(1, 41)]
GOAL_P95_MS = 300
PAGE = "/children/coverage"


def _bench_children():
    homes = select(Home.id).where(Home.name.like(f"{TAG}%"))
    return select(Child.id).where(Child.home_id.in_(homes))


def cleanup() -> None:
    """Remove every row the benchmark made (safe to run at any time)."""
    db.session.rollback()
    children = _bench_children()
    db.session.execute(delete(CareLog).where(CareLog.child_id.in_(children)))
    db.session.execute(delete(ChildDuty).where(ChildDuty.child_id.in_(children)))
    db.session.execute(delete(Child).where(Child.id.in_(children)))
    db.session.execute(delete(Home).where(Home.name.like(f"{TAG}%")))
    townships = select(Place.id).where(Place.name.like(f"{TAG}%"), Place.kind == "township")
    db.session.execute(delete(Place).where(Place.parent_id.in_(townships)))
    db.session.execute(delete(Place).where(Place.name.like(f"{TAG}%"), Place.kind == "township"))
    db.session.execute(delete(Place).where(Place.name.like(f"{TAG}%")))
    users = select(User.id).where(User.email == COORDINATOR_EMAIL)
    db.session.execute(delete(CoverageMonth).where(CoverageMonth.reported_by_id.in_(users)))
    db.session.execute(delete(ChildAccess).where(ChildAccess.user_id.in_(users)))
    db.session.execute(delete(UserRole).where(UserRole.user_id.in_(users)))
    db.session.execute(delete(User).where(User.email == COORDINATOR_EMAIL))
    db.session.commit()


def _seed(children: int, contacts: int, homes: int, months: int, rng: random.Random) -> None:
    from webapp.security import hash_password

    user = User(email=COORDINATOR_EMAIL, name="bench", password_hash=hash_password(PASSWORD))
    user.set_roles({"coordinator"})
    db.session.add(user)
    county = Place(kind="county", name=f"{TAG} 县")
    db.session.add(county)
    db.session.flush()
    townships = []
    for n in range(12):
        township = Place(kind="township", name=f"{TAG} 乡{n}", parent_id=county.id)
        db.session.add(township)
        townships.append(township)
    db.session.flush()
    home_ids = []
    for n in range(homes):
        home = Home(name=f"{TAG} 之家{n:03d}", place_id=townships[n % 12].id)
        db.session.add(home)
        db.session.flush()
        home_ids.append(home.id)
    today = clock.today()
    rows = [
        {
            "pseudonym": f"B{i:05d}",
            "age_band": rng.choice(("6_to_9", "10_to_13", "14_to_17")),
            "home_id": home_ids[i % homes],
            "school": SCHOOLS[(i // 7) % len(SCHOOLS)],
            "guardian_consent": True,
            "consent_on": today - timedelta(days=400),
            "report_consent": rng.random() < 0.9,
            "erased_at": clock.utcnow() if rng.random() < 0.01 else None,
        }
        for i in range(children)
    ]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Child), rows[start : start + 5000])
    child_ids = list(db.session.scalars(_bench_children().order_by(Child.id)))
    duties = []
    for child_id in child_ids:
        for kind, interval in (("weekly_talk", 7), ("monthly_visit", 30), ("video_call", 7)):
            due = today + timedelta(days=rng.randint(-4, interval))
            duties.append(
                {
                    "child_id": child_id,
                    "kind": kind,
                    "starts_on": today - timedelta(days=400),
                    "first_after_days": interval,
                    "interval_days": interval,
                    "due_on": due,
                    "last_done_on": due - timedelta(days=interval),
                }
            )
    for start in range(0, len(duties), 5000):
        db.session.execute(insert(ChildDuty), duties[start : start + 5000])
    db.session.commit()
    start_day = today - timedelta(days=months * 30)
    span = (today - start_day).days + 1
    logs = (
        (rng.choice(child_ids), rng.choice(KINDS), start_day + timedelta(days=rng.randrange(span)))
        for _ in range(contacts)
    )
    _write_contacts(logs)


def _write_contacts(logs) -> None:
    """COPY on PostgreSQL (a million rows in seconds); batched executemany elsewhere."""
    if db.engine.dialect.name == "postgresql":
        raw = db.session.connection().connection.driver_connection
        with (
            raw.cursor() as cursor,
            cursor.copy("COPY care_logs (child_id, kind, happened_on, note) FROM STDIN") as copy,
        ):
            for child_id, kind, on in logs:
                copy.write_row((child_id, kind, on, ""))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            # Fresh statistics and a visibility map, as autovacuum would leave them after a load:
            # index-only scans need the latter.
            for table in ("care_logs", "children", "child_duties"):
                connection.execute(text(f"VACUUM ANALYZE {table}"))
        return
    batch = []
    for child_id, kind, on in logs:
        batch.append({"child_id": child_id, "kind": kind, "happened_on": on, "note": ""})
        if len(batch) == 10_000:
            db.session.execute(insert(CareLog), batch)
            batch = []
    if batch:
        db.session.execute(insert(CareLog), batch)
    db.session.commit()


def _time(client, requests: int) -> list[float]:
    """Milliseconds of each of `requests` GETs of the running month's page (after one warm-up)."""
    client.get(PAGE)
    timings = []
    for _ in range(requests):
        t0 = time.perf_counter()
        response = client.get(PAGE)
        timings.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            raise click.ClickException(f"{PAGE} answered {response.status_code}")
    return timings


def explain(month: date) -> None:
    """EXPLAIN ANALYZE of the month's three queries, one JSON line each (PostgreSQL only)."""
    if db.engine.dialect.name != "postgresql":
        return
    for name, statement in coverage.statements(coverage.recent_months(month)).items():
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = db.session.scalars(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")).all()
        emit({"bench": "coverage_plan", "query": name, "month": str(month), "plan": plan})


def run(
    children: int, contacts: int, homes: int, months: int, requests: int, seed: int, keep: bool
) -> None:
    rng = random.Random(seed)
    database = db.engine.url.get_backend_name()
    cleanup()
    try:
        started = time.perf_counter()
        _seed(children, contacts, homes, months, rng)
        emit(
            {
                "bench": "coverage_seed",
                "database": database,
                "children": children,
                "contacts": contacts,
                "homes": homes,
                "months_of_contacts": months,
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
        client = logged_in_client(COORDINATOR_EMAIL, PASSWORD)
        this_month = clock.today().replace(day=1)
        timings = {"six_months_live": _time(client, requests)}
        # Steady state: the past months were reported (their counts stored), so only the running
        # month is counted live. Stored only when the database holds the bench county alone, so
        # that no real month is ever marked as reported by a benchmark.
        others = db.session.scalar(
            select(func.count()).select_from(Home).where(Home.name.not_like(f"{TAG}%"))
        )
        if not others:
            user = db.session.scalar(select(User).where(User.email == COORDINATOR_EMAIL))
            t0 = time.perf_counter()
            for month in coverage.recent_months(this_month)[:-1]:
                reported.close_month(month, user)
            db.session.commit()
            emit(
                {
                    "bench": "coverage_close",
                    "months": 5,
                    "seconds": round(time.perf_counter() - t0, 1),
                }
            )
            timings["past_months_reported"] = _time(client, requests)
        for name, values in timings.items():
            p95 = percentile(values, 0.95)
            emit(
                {
                    "bench": "coverage_page",
                    "variant": name,
                    "database": database,
                    "children": children,
                    "contacts": contacts,
                    "requests": len(values),
                    "p50_ms": round(statistics.median(values), 1),
                    "p95_ms": round(p95, 1),
                    "max_ms": round(max(values), 1),
                    "goal_p95_ms": GOAL_P95_MS,
                    "ok": p95 < GOAL_P95_MS,
                }
            )
        explain(this_month)
    finally:
        if not keep:
            cleanup()
        emit({"bench": "coverage_cleanup", "done": not keep})


@click.command("bench-coverage")
@click.option("--children", default=20_000, show_default=True)
@click.option("--contacts", default=1_000_000, show_default=True)
@click.option("--homes", default=200, show_default=True)
@click.option("--months", default=12, show_default=True, help="Months the contacts span.")
@click.option(
    "--requests", default=40, show_default=True, help="Page requests per variant (>= 30)."
)
@click.option("--seed", default=7, show_default=True)
@click.option("--keep", is_flag=True, help="Leave the county in the database.")
@with_appcontext
def bench_coverage(
    children: int, contacts: int, homes: int, months: int, requests: int, seed: int, keep: bool
) -> None:
    """Time the coverage page on 20,000 children and 1,000,000 contacts; prints JSON lines."""
    run(children, contacts, homes, months, requests, seed, keep)


if __name__ == "__main__":
    run_as_script(bench_coverage)
