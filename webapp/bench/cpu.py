"""`python -m webapp.bench.cpu`: the web mix's CPU per request, in-process, printing JSON lines.

Each page of `make bench-web`'s workload (webapp/bench/locustfile.py: the same URLs, roles and
weights) is requested through the app in this process (Flask's test client, no server, no load
driver), and the process's CPU time per request is measured: on a machine shared with others a
throughput figure drifts by a third within minutes, CPU time per request hardly does. One line
per page (CPU ms p50 and mean, SQL statements, response bytes), then the weighted mix. The
figures leave out the database server's own CPU (another process) and the web server's.

Settings: DATABASE_URL (the demo county is loaded when the database is empty), BENCH_CPU_REQUESTS
(per page, 200), BENCH_CPU_PROFILE=<page name> to print that page's cProfile top 40 instead.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import random
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from webapp.bench import web

CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd", "Accept-Language": "zh-CN,zh;q=0.9"}


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    weight: float  # share of the mix's requests
    request: Callable[[dict, object], tuple[str, str, dict, dict | None]]


def _weights() -> dict[str, float]:
    """Each role's share (users 3:1:1), split over its tasks by their weights."""
    tasks = {
        "volunteer": {"dashboard": 3, "profile": 2, "schedule": 3, "opportunities": 1, "feed": 3},
        "manager": {"week": 4, "next week": 2, "book": 1},
        "coordinator": {"search": 3, "filter": 2, "list": 1},
    }
    users = sum(web.WEIGHTS.values())
    shares = {}
    for role, role_tasks in tasks.items():
        total = sum(role_tasks.values())
        for task, weight in role_tasks.items():
            shares[task] = web.WEIGHTS[role] / users * weight / total
    return shares


def _pages(data: dict) -> list[Page]:
    from webapp import clock

    share = _weights()
    rng = random.Random(1)

    def get(url, **headers):
        return "GET", url, headers, None

    def booking(d, person):
        path, form = web.booking(rng, d["rooms"], person.csrf)
        return "POST", path, {}, form

    def feed(d, person):
        held = getattr(person, "etag", None)
        return get(d["feed"], **({"If-None-Match": held} if held else {}))

    def next_week(d, _person):
        day = (clock.today() + timedelta(weeks=rng.randint(1, 8))).isoformat()
        return get(f"/homes/{rng.choice(d['homes'])}/week?date={day}", **{"HX-Request": "true"})

    def filtered(d, _person):
        kind = rng.choice(["", "teacher", "college_student", "surrogate_parent"])
        url = f"/volunteers/?kind={kind}&vetting=cleared&page={rng.randint(1, 3)}"
        return get(url, **{"HX-Request": "true"})

    sorts = ["name", "kind", "vetting", "place", "updated"]
    return [
        Page(
            "volunteer: dashboard", "volunteer", share["dashboard"], lambda d, p: get("/dashboard")
        ),
        Page(
            "volunteer: my profile",
            "volunteer",
            share["profile"],
            lambda d, p: get("/volunteers/me"),
        ),
        Page(
            "volunteer: my schedule",
            "volunteer",
            share["schedule"],
            lambda d, p: get("/me/schedule"),
        ),
        Page(
            "volunteer: opportunities",
            "volunteer",
            share["opportunities"],
            lambda d, p: get("/opportunities/"),
        ),
        Page("volunteer: calendar feed", "volunteer", share["feed"], feed),
        Page(
            "manager: week",
            "manager",
            share["week"],
            lambda d, p: get(f"/homes/{rng.choice(d['homes'])}/week"),
        ),
        Page("manager: another week (htmx)", "manager", share["next week"], next_week),
        Page("manager: book", "manager", share["book"], booking),
        Page(
            "coordinator: search volunteers",
            "coordinator",
            share["search"],
            lambda d, p: get(f"/volunteers/?q={rng.choice(d['search_words'])}"),
        ),
        Page("coordinator: filter volunteers (htmx)", "coordinator", share["filter"], filtered),
        Page(
            "coordinator: list volunteers",
            "coordinator",
            share["list"],
            lambda d, p: get(f"/volunteers/?sort={rng.choice(sorts)}"),
        ),
    ]


def _log_in(app, email: str, password: str):
    client = app.test_client()
    token = CSRF.search(client.get("/auth/login").get_data(as_text=True)).group(1)
    response = client.post(
        "/auth/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 303, response.status_code
    client.csrf = CSRF.search(client.get("/dashboard").get_data(as_text=True)).group(1)
    return client


def _request(client, page: Page, data: dict):
    method, url, headers, form = page.request(data, client)
    response = client.open(url, method=method, headers={**BROWSER, **headers}, data=form)
    if page.name.endswith("calendar feed") and response.status_code == 200:
        client.etag = response.headers.get("ETag")
    return response


def main() -> None:
    import sqlalchemy as sa

    from webapp.app import create_app
    from webapp.extensions import db

    count = int(os.environ.get("BENCH_CPU_REQUESTS") or 200)
    profile = os.environ.get("BENCH_CPU_PROFILE")
    os.environ.setdefault("SECRET_KEY", "bench-cpu-" + "x" * 40)
    data = web._workload_data()
    app = create_app({"SESSION_COOKIE_SECURE": False})
    clients = {role: _log_in(app, email, data["password"]) for role, email in web.ACCOUNTS.items()}
    statements = 0

    def counter(*_args):
        nonlocal statements
        statements += 1

    mix_cpu = 0.0
    results = []
    for page in _pages(data):
        if profile and page.name != profile:
            continue
        client = clients[page.role]
        for _ in range(20):  # warm: compiled templates, cached statements, a pooled connection
            _request(client, page, data)
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", counter)
        statements = 0
        cpu, sizes, statuses = [], [], {}
        profiler = cProfile.Profile(time.process_time) if profile else None
        for _ in range(count):
            started = time.process_time()
            if profiler:
                profiler.enable()
            response = _request(client, page, data)
            if profiler:
                profiler.disable()
            cpu.append((time.process_time() - started) * 1000)
            sizes.append(len(response.data))
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        with app.app_context():
            sa.event.remove(db.engine, "before_cursor_execute", counter)
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            return
        mean = statistics.fmean(cpu)
        mix_cpu += page.weight * mean
        results.append(page.name)
        line = {
            "page": page.name,
            "share": round(page.weight, 3),
            "cpu_ms_p50": round(statistics.median(cpu), 2),
            "cpu_ms_mean": round(mean, 2),
            "statements": round(statements / count, 1),
            "bytes": round(statistics.fmean(sizes)),
            "statuses": statuses,
        }
        print(json.dumps(line, ensure_ascii=False))
    removed = web._remove_bench_bookings()
    print(
        json.dumps(
            {
                "benchmark": "web-cpu",
                "database": app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0],
                "requests_per_page": count,
                "mix_cpu_ms_per_request": round(mix_cpu, 2),
                "bookings_removed": removed,
            }
        )
    )


if __name__ == "__main__":
    main()
