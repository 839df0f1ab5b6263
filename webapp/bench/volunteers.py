"""Benchmark of the volunteer list and import on the database in DATABASE_URL.

`python -m webapp.bench.volunteers` (part of `make bench`):
creates 10,000 volunteers marked with a reserved e-mail domain, times the list page through the
real app (logged in as a coordinator, many filter/sort/search variants), then times an import of
5,000 rows (upload + preview + confirm). Prints one JSON line per measurement and removes
everything it created, also after a failure.
"""

from __future__ import annotations

import io
import random
import statistics
import time
from datetime import date, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import delete, insert, select

from webapp import clock
from webapp.bench import emit, logged_in_client, percentile, run_as_script
from webapp.extensions import db
from webapp.models import (
    AuditLog,
    PendingImport,
    Team,
    TeamMember,
    User,
    UserRole,
    Volunteer,
    VolunteerDateRange,
    WeeklyAvailability,
    volunteer_skills,
)

DOMAIN = "bench.shouwang.invalid"
COORDINATOR_EMAIL = f"bench-coordinator@{DOMAIN}"
PASSWORD = "bench-password-not-secret"
KINDS = ("surrogate_parent", "college_student", "teacher", "community")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐韩冯邓曹彭"
GIVEN = "秀兰桂英玉梅春燕海燕丽华建国志强小红晓明文静子涵雨桐浩然思远欣怡俊杰"
# Phone prefixes no real mainland mobile number uses (they start 13-19), so the benchmark can never
# match, update or delete a real volunteer.
SEED_PREFIX, IMPORT_PREFIX = "100", "101"
TEAM_NAME = f"BENCH {DOMAIN}"
PLACES = ("石门乡石门村", "石门乡高坡村", "白云镇杨柳村", "柳溪乡竹林村", "青山县城")


def cleanup() -> None:
    """Remove every row the benchmark made (safe to run at any time)."""
    db.session.rollback()
    bench_ids = select(Volunteer.id).where(Volunteer.email.like(f"%@{DOMAIN}"))
    user_ids = select(User.id).where(User.email.like(f"%@{DOMAIN}"))
    db.session.execute(delete(TeamMember).where(TeamMember.volunteer_id.in_(bench_ids)))
    db.session.execute(delete(Team).where(Team.name == TEAM_NAME))
    db.session.execute(
        delete(volunteer_skills).where(volunteer_skills.c.volunteer_id.in_(bench_ids))
    )
    db.session.execute(
        delete(WeeklyAvailability).where(WeeklyAvailability.volunteer_id.in_(bench_ids))
    )
    db.session.execute(
        delete(VolunteerDateRange).where(VolunteerDateRange.volunteer_id.in_(bench_ids))
    )
    db.session.execute(delete(Volunteer).where(Volunteer.email.like(f"%@{DOMAIN}")))
    db.session.execute(delete(AuditLog).where(AuditLog.actor_id.in_(user_ids)))
    db.session.execute(delete(PendingImport).where(PendingImport.created_by_id.in_(user_ids)))
    db.session.execute(delete(UserRole).where(UserRole.user_id.in_(user_ids)))
    db.session.execute(delete(User).where(User.email.like(f"%@{DOMAIN}")))
    db.session.commit()


def _seed(count: int, rng: random.Random) -> None:
    from webapp.demo import ensure_default_skills
    from webapp.security import hash_password

    skills = list(ensure_default_skills().values())
    user = User(email=COORDINATOR_EMAIL, name="bench", password_hash=hash_password(PASSWORD))
    user.set_roles({"coordinator"})
    db.session.add(user)
    today = clock.today()
    rows = []
    for i in range(count):
        status = rng.choice(("cleared", "cleared", "cleared", "pending", "none", "expired"))
        cleared = today - timedelta(days=rng.randint(1, 700)) if status != "none" else None
        rows.append(
            {
                "kind": rng.choice(KINDS),
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "phone": f"{SEED_PREFIX}{i:08d}",
                "email": f"v{i}@{DOMAIN}",
                "place_name": rng.choice(PLACES),
                "lat": 26.5 + rng.random() / 5,
                "lon": 107.4 + rng.random() / 5,
                "transport_mode": rng.choice(("walk", "ebike", "bus", "car")),
                "max_travel_minutes": rng.choice((30, 45, 60, 90)),
                "max_sessions_per_week": rng.choice((1, 2, 3)),
                "notes": "",
                "vetting_status": status,
                "cleared_on": cleared,
                "expires_on": cleared + timedelta(days=730) if cleared else None,
                "vetting_note": "",
            }
        )
    for start in range(0, len(rows), 2000):
        db.session.execute(insert(Volunteer), rows[start : start + 2000])
    ids = list(db.session.scalars(select(Volunteer.id).where(Volunteer.email.like(f"%@{DOMAIN}"))))
    links, weekly, ranges = [], [], []
    summer = date(today.year + 1, 7, 1)
    for vid in ids:
        for skill in rng.sample(skills, k=rng.randint(1, 3)):
            links.append({"volunteer_id": vid, "skill_id": skill.id})
        weekday = rng.randint(0, 6)
        weekly.append(
            {"volunteer_id": vid, "weekday": weekday, "start_minute": 960, "end_minute": 1080}
        )
        if rng.random() < 0.4:
            ranges.append(
                {
                    "volunteer_id": vid,
                    "kind": "available",
                    "starts_on": summer,
                    "ends_on": summer + timedelta(days=rng.randint(14, 50)),
                }
            )
    for table, data in ((volunteer_skills, links), (WeeklyAvailability, weekly)):
        for start in range(0, len(data), 5000):
            db.session.execute(insert(table), data[start : start + 5000])
    if ranges:
        db.session.execute(insert(VolunteerDateRange), ranges)
    team = Team(name=TEAM_NAME, college="bench", programme="bench")
    team.memberships = [TeamMember(volunteer_id=vid, programme="bench") for vid in ids[:12]]
    db.session.add(team)
    db.session.commit()


def _import_csv(rows: int, existing: int) -> bytes:
    """`rows` lines: the first tenth update bench volunteers (by phone), the rest are new."""
    buffer = io.StringIO()
    buffer.write(
        "name,kind,phone,email,skills,place_name,transport_mode,max_travel_minutes,available_from,available_to\n"
    )
    updates = min(existing, rows // 10)
    for i in range(rows):
        if i < updates:
            phone, email = f"{SEED_PREFIX}{i:08d}", f"v{i}@{DOMAIN}"
        else:
            phone, email = f"{IMPORT_PREFIX}{i:08d}", f"import{i}@{DOMAIN}"
        buffer.write(
            f"导入{i},college_student,{phone},{email},英语;数学,青山县城,bus,60,2027-07-01,2027-08-15\n"
        )
    return buffer.getvalue().encode("utf-8")


def run(volunteers: int, import_rows: int, requests: int, seed: int) -> None:
    rng = random.Random(seed)
    database = db.engine.url.get_backend_name()
    cleanup()
    clash = db.session.scalar(
        select(db.func.count()).where(
            Volunteer.phone.like(f"{SEED_PREFIX}%") | Volunteer.phone.like(f"{IMPORT_PREFIX}%")
        )
    )
    if clash:
        raise click.ClickException(
            f"{clash} volunteers already use the benchmark's phone prefixes; not running"
        )
    try:
        started = time.perf_counter()
        _seed(volunteers, rng)
        emit(
            {
                "bench": "seed",
                "database": database,
                "volunteers": volunteers,
                "seconds": round(time.perf_counter() - started, 2),
            }
        )
        client = logged_in_client(COORDINATOR_EMAIL, PASSWORD)
        team_id = db.session.scalar(select(Team.id).where(Team.name == TEAM_NAME))
        variants = {
            "first_page": "/volunteers/",
            "page_200": "/volunteers/?page=200",
            "search_name": "/volunteers/?q=王秀",
            "search_phone": f"/volunteers/?q={SEED_PREFIX}0000",
            "search_skill": "/volunteers/?q=心理",
            "filter_cleared_kind": "/volunteers/?vetting=cleared&kind=teacher",
            "filter_skill_sort_place": "/volunteers/?skill=math&sort=place&dir=desc",
            "filter_available": "/volunteers/?available_from=2027-07-05&available_to=2027-07-12",
            "filter_team": f"/volunteers/?team={team_id}",
            "htmx_fragment": "/volunteers/?q=李",
        }
        for url in variants.values():  # warm up caches and the connection pool
            client.get(url)
        timings: dict[str, list[float]] = {name: [] for name in variants}
        for i in range(requests):
            name = list(variants)[i % len(variants)]
            headers = {"HX-Request": "true"} if name == "htmx_fragment" else {}
            t0 = time.perf_counter()
            response = client.get(variants[name], headers=headers)
            timings[name].append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200:
                raise click.ClickException(f"{variants[name]} answered {response.status_code}")
        every = [t for values in timings.values() for t in values]
        for name, values in timings.items():
            emit(
                {
                    "bench": "list_page",
                    "variant": name,
                    "n": len(values),
                    "p50_ms": round(statistics.median(values), 1),
                    "p95_ms": round(percentile(values, 0.95), 1),
                }
            )
        p95 = percentile(every, 0.95)
        emit(
            {
                "bench": "list_page",
                "variant": "all",
                "database": database,
                "volunteers": volunteers,
                "requests": len(every),
                "p50_ms": round(statistics.median(every), 1),
                "p95_ms": round(p95, 1),
                "max_ms": round(max(every), 1),
                "goal_p95_ms": 150,
                "ok": p95 < 150,
            }
        )
        data = _import_csv(import_rows, volunteers)
        t0 = time.perf_counter()
        response = client.post(
            "/volunteers/import",
            data={"file": (io.BytesIO(data), "bench.csv")},
            content_type="multipart/form-data",
        )
        t_upload = time.perf_counter() - t0
        location = response.headers.get("Location", "")
        if response.status_code not in (302, 303) or "/import/" not in location:
            raise click.ClickException(f"bench upload failed: {response.status_code}")
        t1 = time.perf_counter()
        preview = client.get(location)
        t_preview = time.perf_counter() - t1
        t2 = time.perf_counter()
        confirm = client.post(location + "/confirm")
        t_confirm = time.perf_counter() - t2
        if preview.status_code != 200 or confirm.status_code not in (302, 303):
            raise click.ClickException(
                f"bench import failed: preview {preview.status_code}, confirm {confirm.status_code}"
            )
        imported = db.session.scalar(
            select(db.func.count()).where(Volunteer.email.like(f"import%@{DOMAIN}"))
        )
        total = t_upload + t_preview + t_confirm
        emit(
            {
                "bench": "import",
                "database": database,
                "rows": import_rows,
                "new_rows_written": imported,
                "upload_s": round(t_upload, 2),
                "preview_s": round(t_preview, 2),
                "confirm_s": round(t_confirm, 2),
                "total_s": round(total, 2),
                "goal_s": 10,
                "ok": total < 10,
            }
        )
    finally:
        cleanup()
        emit({"bench": "cleanup", "done": True})


@click.command("bench-volunteers")
@click.option("--volunteers", default=10_000, show_default=True)
@click.option("--import-rows", default=5_000, show_default=True)
@click.option("--requests", default=200, show_default=True, help="List-page requests to time.")
@click.option("--seed", default=7, show_default=True)
@with_appcontext
def bench_volunteers(volunteers: int, import_rows: int, requests: int, seed: int) -> None:
    """Time the volunteer list (10,000 volunteers) and a 5,000-row import; prints JSON lines."""
    run(volunteers, import_rows, requests, seed)


if __name__ == "__main__":
    run_as_script(bench_volunteers)
