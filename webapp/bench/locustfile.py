"""The web workload of `make bench-web` (locust): a busy county morning.

Volunteers read their dashboard, schedule and opportunities, and their phones poll the private
calendar feed (mostly conditional GETs answered 304, as calendar apps do); managers look at their
home's week and book rooms; coordinators list and search volunteers. Weights 3:1:1. BENCH_WEB_DATA (JSON, written by webapp.bench.web)
holds the logged-in sessions, homes, rooms and search words; BENCH_WEB_PACE=paced makes each
person wait 0.5-1.5 s between requests, "none" not at all (for throughput). Run by webapp/bench/web.py; never imported by the app.
"""

from __future__ import annotations

import json
import os
import random
from datetime import timedelta
from urllib.parse import urlsplit

from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser
from requests.cookies import create_cookie

from webapp import clock
from webapp.bench.web import booking

DATA = json.loads(os.environ.get("BENCH_WEB_DATA") or "{}")
PACE = os.environ.get("BENCH_WEB_PACE", "paced")


def _wait():
    return between(0.5, 1.5) if PACE == "paced" else constant(0)


class _Person(FastHttpUser):
    """A logged-in person: the benchmark logged everyone in beforehand (timing the log-ins on
    their own), so that argon2's cost does not blur the pages' figures; each person takes one
    of those sessions (cookie and CSRF token)."""

    abstract = True
    role = ""
    wait_time = _wait()
    _taken = {}

    def on_start(self) -> None:
        sessions = DATA["sessions"][self.role]
        index = _Person._taken.get(self.role, 0)
        _Person._taken[self.role] = index + 1
        cookie, self.csrf = sessions[index % len(sessions)]
        self.client.cookiejar.set_cookie(
            create_cookie("session", cookie, domain=urlsplit(self.host).hostname, path="/")
        )


class VolunteerUser(_Person):
    weight = 3
    role = "volunteer"

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/dashboard", name="volunteer: dashboard")

    @task(2)
    def profile(self) -> None:
        self.client.get("/volunteers/me", name="volunteer: my profile")

    @task(3)
    def schedule(self) -> None:
        self.client.get("/me/schedule", name="volunteer: my schedule")

    @task(1)
    def opportunities(self) -> None:
        self.client.get("/opportunities/", name="volunteer: opportunities")

    @task(3)
    def feed(self) -> None:
        """The phone's calendar app: a full feed the first time, then conditional GETs."""
        etag = getattr(self, "etag", None)
        headers = {"If-None-Match": etag} if etag else {}
        with self.client.get(
            DATA["feed"], headers=headers, name="volunteer: calendar feed", catch_response=True
        ) as response:
            if response.status_code == 200:
                self.etag = response.headers.get("ETag")
                response.success()
            elif response.status_code == 304:
                response.success()
            else:
                response.failure(f"feed answered {response.status_code}")


class ManagerUser(_Person):
    weight = 1
    role = "manager"

    @task(4)
    def week(self) -> None:
        home = random.choice(DATA["homes"])
        self.client.get(f"/homes/{home}/week", name="manager: week")

    @task(2)
    def next_week(self) -> None:
        home = random.choice(DATA["homes"])
        day = (clock.today() + timedelta(weeks=random.randint(1, 8))).isoformat()
        self.client.get(
            f"/homes/{home}/week?date={day}",
            headers={"HX-Request": "true"},
            name="manager: another week (htmx)",
        )

    @task(1)
    def book(self) -> None:
        """A Saturday-morning booking (the demo homes open 9:00-12:00 on Saturdays in term);
        a clash with someone else's booking is a correct answer (409), not an error."""
        path, form = booking(random, DATA["rooms"], self.csrf)
        with self.client.post(
            path,
            data=form,
            allow_redirects=False,
            name="manager: book",
            catch_response=True,
        ) as response:
            if response.status_code in (303, 409):
                response.success()
            else:
                response.failure(f"booking answered {response.status_code}")


class CoordinatorUser(_Person):
    weight = 1
    role = "coordinator"

    @task(3)
    def search(self) -> None:
        word = random.choice(DATA["search_words"])
        self.client.get(f"/volunteers/?q={word}", name="coordinator: search volunteers")

    @task(2)
    def filter_and_page(self) -> None:
        kind = random.choice(["", "teacher", "college_student", "surrogate_parent"])
        page = random.randint(1, 3)
        self.client.get(
            f"/volunteers/?kind={kind}&vetting=cleared&page={page}",
            headers={"HX-Request": "true"},
            name="coordinator: filter volunteers (htmx)",
        )

    @task(1)
    def list_sorted(self) -> None:
        sort = random.choice(["name", "kind", "vetting", "place", "updated"])
        self.client.get(f"/volunteers/?sort={sort}", name="coordinator: list volunteers")


class BareUser(FastHttpUser):
    """The ceiling: a bare Flask endpoint, served the same way."""

    wait_time = _wait()

    @task
    def hello(self) -> None:
        self.client.get("/", name="bare flask")
