"""`make bench-web`: the served app under load, against PostgreSQL, printing JSON.

1. Prepares the database in DATABASE_URL (migrations, the demo county when empty).
2. Starts `make serve` (gunicorn, gunicorn.conf.py) on BENCH_WEB_PORT, and a bare Flask app
   (webapp.bench.bare) served the same way (same config and environment) on the next port.
3. Runs the workload, each run bounded by its run time:
   - locust, headless: the mixed workload paced like people (50 users, 0.5-1.5 s between
     requests, 2 minutes): the goal is 0 errors and p95 under 200 ms;
   - then rounds of the same workload without pauses (throughput) and of the bare endpoint
     without pauses, one after the other, driven by wrk (webapp/bench/mix.lua: the locustfile's
     pages and weights): our requests per second over the bare app's in the same round is that
     round's ratio, and the median round's is the ratio (goal: at least 0.1). wrk, because
     locust is the bottleneck against the bare app (it saturated a core at 920-1,460 requests
     a second, well below the bare app's ceiling); every run reports its driver's CPU (seconds,
     and cores busy on average) beside its figures, so that a saturated driver shows. Rounds,
     because this machine's speed drifts by a third within minutes: a ratio from runs minutes
     apart measured the drift as much as the app.
   Everyone is logged in through the form before the runs (those log-ins are timed on their
   own: argon2 is meant to cost there and nowhere else).
4. Prints one JSON object, removes the bookings it made and stops both servers.

Settings (environment): BENCH_WEB_USERS (50), BENCH_WEB_SECONDS (120; 0 leaves the paced run
out), BENCH_WEB_ROUNDS (3),
BENCH_WEB_SATURATE_SECONDS (15, each side of a round), BENCH_WEB_PORT (5103), WEB_CONCURRENCY and
GUNICORN_CMD_ARGS as for `make serve`.
"""

from __future__ import annotations

import http.cookiejar
import json
import math
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from webapp.bench import loadstats, servers

ROOT = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
WRK_SCRIPT = Path(__file__).with_name("mix.lua")
P95_GOAL_MS = 200
RATIO_GOAL = 0.1
BENCH_TITLE = "压测活动"
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _workload_data() -> dict:
    """Accounts, homes, rooms and search words from the database (the demo county)."""
    from flask import url_for
    from sqlalchemy import select

    from webapp.app import create_app
    from webapp.blueprints.feeds import tokens
    from webapp.demo import load_demo_county
    from webapp.extensions import db
    from webapp.models import Room, User, Volunteer, home_managers

    app = create_app()
    with app.app_context():
        if load_demo_county().created:
            db.session.commit()
        manager = User.by_email("manager@example.org")
        homes = list(
            db.session.scalars(
                select(home_managers.c.home_id).where(home_managers.c.user_id == manager.id)
            )
        )
        rooms = [
            (room.home_id, room.id)
            for room in db.session.scalars(
                select(Room).where(Room.home_id.in_(homes), Room.bookable.is_(True))
            )
            if not room.requires_approval
        ]
        surnames = sorted({name[0] for name in db.session.scalars(select(Volunteer.name))})
        # The volunteer's private calendar feed, as a phone's calendar app polls it.
        volunteer = db.session.scalar(
            select(Volunteer).where(Volunteer.user_id == User.by_email(ACCOUNTS["volunteer"]).id)
        )
        with app.test_request_context("/"):
            feed = url_for(
                "feeds.feed", token=tokens.token_of(tokens.ensure("volunteer", volunteer.id, None))
            )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return {
        "password": app.config["DEMO_PASSWORD"],
        "homes": homes,
        "rooms": rooms,
        "search_words": surnames[:20] + ["李", "王", "teacher", "13"],
        "feed": feed,
    }


ACCOUNTS = {
    "volunteer": "volunteer@example.org",
    "manager": "manager@example.org",
    "coordinator": "coordinator@example.org",
}
WEIGHTS = {"volunteer": 3, "manager": 1, "coordinator": 1}  # as in the locustfile


def booking(choose: random.Random, rooms: list, csrf: str) -> tuple[str, dict]:
    """A manager's booking in the mix: (path, form) of a Saturday-morning slot in the next 20
    weeks (the demo homes open 9:00-12:00 on Saturdays in term); a clash is a correct 409."""
    from datetime import timedelta

    from webapp import clock

    home, room = choose.choice(rooms)
    today = clock.today()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    day = saturday + timedelta(weeks=choose.randint(0, 20))
    start = choose.choice(["09:00", "09:30", "10:00", "10:30", "11:00"])
    end = {"09:00": "09:30", "09:30": "10:00", "10:00": "10:30"}.get(start, "11:30")
    form = {
        "room_id": room,
        "title": BENCH_TITLE,
        "kind": "activity",
        "capacity": "10",
        "date": day.isoformat(),
        "start": start,
        "end": end,
        "interval_weeks": "1",
        "csrf_token": csrf,
    }
    return f"/homes/{home}/bookings/new", form


def _log_in(host: str, email: str, password: str) -> tuple[str, str, float]:
    """One log-in through the form, as a browser does it: (session cookie, CSRF token, ms)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{host}/auth/login", timeout=60).read().decode()
    token = CSRF.search(page).group(1)
    form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    started = time.perf_counter()
    opener.open(f"{host}/auth/login", data=form.encode(), timeout=60).read()
    elapsed = (time.perf_counter() - started) * 1000
    cookie = next(c.value for c in jar if c.name == "session")
    return cookie, token, elapsed


def _log_everyone_in(host: str, users: int, password: str) -> tuple[dict, dict]:
    """A session per person of each kind (the log-ins timed on their own: argon2 costs there)."""
    sessions: dict[str, list] = {}
    times = []
    for role, email in ACCOUNTS.items():
        count = math.ceil(users * WEIGHTS[role] / sum(WEIGHTS.values())) + 1
        sessions[role] = []
        for _ in range(count):
            cookie, token, elapsed = _log_in(host, email, password)
            sessions[role].append([cookie, token])
            times.append(elapsed)
    times.sort()
    summary = {
        "count": len(times),
        "p50_ms": round(times[len(times) // 2], 1),
        "p95_ms": round(times[math.ceil(0.95 * len(times)) - 1], 1),
    }
    return sessions, summary


def _remove_bench_bookings() -> int:
    from sqlalchemy import delete

    from webapp.app import create_app
    from webapp.extensions import db
    from webapp.models import Event

    app = create_app()
    with app.app_context():
        removed = db.session.execute(delete(Event).where(Event.title == BENCH_TITLE)).rowcount
        db.session.commit()
        db.engine.dispose()
    return removed


def _lua_value(value) -> str:
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"[{_lua_value(k)}] = {_lua_value(v)}" for k, v in value.items()) + "}"
        )
    if isinstance(value, list | tuple):
        return "{" + ", ".join(_lua_value(v) for v in value) + "}"
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string (ASCII, escaped) is a Lua string
    return repr(value)


def _wrk_data(data: dict, folder: Path) -> Path:
    """The workload's data as a Lua table for mix.lua (wrk's Lua has no JSON)."""
    from datetime import UTC, datetime, timedelta

    from webapp import clock

    today = clock.today()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)

    def epoch(day) -> int:
        return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())

    table = {
        "sessions": data["sessions"],
        "homes": [str(h) for h in data["homes"]],
        "rooms": [[str(h), str(r)] for h, r in data["rooms"]],
        "search_words": [urllib.parse.quote(w) for w in data["search_words"]],
        "feed": data["feed"],
        "today": epoch(today),
        "saturday": epoch(saturday),
        "title_quoted": urllib.parse.quote(BENCH_TITLE),
    }
    path = folder / "mix-data.lua"
    path.write_text("return " + _lua_value(table) + "\n")
    return path


WRK_OK = {200, 303, 304, 409}  # 409: a booking that clashes with another, a correct answer


def _wrk(host: str, users: int, seconds: int, argument: str) -> dict:
    """One wrk run (2 threads, a connection per person) of mix.lua; its summary and CPU."""
    command = [
        "wrk",
        "--threads",
        "2",
        "--connections",
        str(users),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "10s",
        "--script",
        str(WRK_SCRIPT),
        host,
        "--",
        argument,
    ]
    before = loadstats.children_cpu()
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    wall = time.monotonic() - started
    cpu = loadstats.children_cpu() - before
    line = next((x for x in result.stdout.splitlines() if x.startswith("WRK-JSON ")), None)
    if result.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    summary = json.loads(line.removeprefix("WRK-JSON "))
    statuses = {int(k): v for k, v in summary["statuses"].items()}
    return {
        "requests": summary["requests"],
        "errors": summary["socket_errors"]
        + sum(n for status, n in statuses.items() if status not in WRK_OK),
        "requests_per_second": round(summary["requests"] / summary["seconds"], 1),
        "p50_ms": summary["p50_ms"],
        "p95_ms": summary["p95_ms"],
        "p99_ms": summary["p99_ms"],
        "statuses": statuses,
        "driver": loadstats.driver("wrk", cpu, wall),
    }


def _locust(host: str, users: int, seconds: int, pace: str, classes: list[str], data: dict):
    env = dict(os.environ, BENCH_WEB_DATA=json.dumps(data), BENCH_WEB_PACE=pace)
    command = [
        str(VENV_BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 2)),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "5",
        "--host",
        host,
        "--json",
        "--skip-log",
        "--only-summary",
        *classes,
    ]
    before = loadstats.children_cpu()
    started = time.monotonic()
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=seconds + 120
    )
    elapsed = time.monotonic() - started
    _locust.driver = loadstats.driver("locust", loadstats.children_cpu() - before, elapsed)
    try:
        entries = json.loads(result.stdout)
    except ValueError as error:
        message = f"locust failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        raise SystemExit(message) from error
    # Requests per second over the time people were sending (after all logged in).
    first = min((e["start_time"] for e in entries), default=0)
    last = max((e["last_request_timestamp"] or 0 for e in entries), default=0)
    return entries, max(last - first, 1e-9) if entries else elapsed


def _load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    if not (os.environ.get("DATABASE_URL") or "").startswith("postgres"):
        raise SystemExit("make bench-web: set DATABASE_URL to a PostgreSQL database")
    users = _env_int("BENCH_WEB_USERS", 50)
    seconds = _env_int("BENCH_WEB_SECONDS", 120)
    rounds = max(1, _env_int("BENCH_WEB_ROUNDS", 3))
    saturate = _env_int("BENCH_WEB_SATURATE_SECONDS", 15)
    port = _env_int("BENCH_WEB_PORT", 5103)
    load_before = _load_average()
    # One key for the servers and for this process: calendar-feed tokens are signed with it.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
    logs = Path(tempfile.mkdtemp(prefix="bench-web-"))
    app_server = servers.start(["make", "-s", "serve"], port, logs / "serve.log")
    bare_server = None
    people = ["VolunteerUser", "ManagerUser", "CoordinatorUser"]
    busy: list[dict] = []
    bare: list[dict] = []
    per_round = []
    try:
        data = _workload_data()
        # The bare app waits, idle, beside ours: each round runs one right after the other.
        bare_server = servers.start(
            [str(VENV_BIN / "gunicorn"), "--config", "gunicorn.conf.py", "webapp.bench.bare:app"],
            port + 1,
            logs / "bare.log",
        )
        host = f"http://127.0.0.1:{port}"
        data["sessions"], logins = _log_everyone_in(host, users, data["password"])
        paced, paced_seconds, paced_driver = [], 0.0, None
        if seconds:  # BENCH_WEB_SECONDS=0: the throughput rounds alone
            paced, paced_seconds = _locust(host, users, seconds, "paced", people, data)
            paced_driver = _locust.driver
        mix_data = str(_wrk_data(data, logs))
        for _ in range(rounds):
            ours = _wrk(host, users, saturate, mix_data)
            ceiling = _wrk(f"http://127.0.0.1:{port + 1}", users, saturate, "bare")
            busy.append(ours)
            bare.append(ceiling)
            per_round.append(
                {
                    "requests_per_second": ours["requests_per_second"],
                    "driver_cores_busy": ours["driver"]["cores_busy"],
                    "bare_requests_per_second": ceiling["requests_per_second"],
                    "bare_driver_cores_busy": ceiling["driver"]["cores_busy"],
                    "ratio": round(ours["requests_per_second"] / ceiling["requests_per_second"], 3)
                    if ceiling["requests_per_second"]
                    else None,
                    "errors": ours["errors"],
                    "p95_ms": ours["p95_ms"],
                }
            )
    finally:
        servers.stop(app_server)
        if bare_server is not None:
            servers.stop(bare_server)
    removed = _remove_bench_bookings()

    workload = loadstats.summary(paced, paced_seconds)
    ratios = [r["ratio"] for r in per_round if r["ratio"] is not None]
    ratio = round(statistics.median(ratios), 3) if ratios else None
    result = {
        "benchmark": "web",
        "database": "postgresql",
        "users": users,
        "server": {
            "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY") or "default (cores + 1)",
            "GUNICORN_CMD_ARGS": os.environ.get("GUNICORN_CMD_ARGS") or "",
        },
        "machine": {"cores": os.cpu_count(), "load_average_before": load_before},
        "paced_workload": {
            "seconds": seconds,
            **workload,
            "by_page": {e["name"]: loadstats.summary([e], paced_seconds) for e in paced},
            "driver": paced_driver,
        },
        "logins_before_the_runs": logins,
        "saturated_workload": {"seconds_per_round": saturate, "rounds": busy},
        "bare_flask": {"seconds_per_round": saturate, "rounds": bare},
        "rounds": per_round,
        "throughput_ratio": ratio,
        "goals": {
            "errors_zero": workload["errors"] == 0 and all(r["errors"] == 0 for r in busy),
            "p95_under_ms": P95_GOAL_MS,
            "p95_met": workload["p95_ms"] is not None and workload["p95_ms"] < P95_GOAL_MS,
            "ratio_at_least": RATIO_GOAL,
            "ratio_met": ratio is not None and ratio >= RATIO_GOAL,
        },
        "bookings_removed": removed,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
