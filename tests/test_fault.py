"""The database goes away and comes back while people use the app.

A private, throwaway PostgreSQL cluster (initdb + pg_ctl in a temporary folder, on a free port;
never the shared server that other sessions and CI use) serves a real HTTP server of the app.
While managers book weekly series, the cluster is stopped and started again. Requests that meet
the outage get a 503 with Retry-After; nothing is half-written (every booked series has all its
dates); /healthz stays alive while /readyz says not ready; and the app recovers by itself.
"""

from __future__ import annotations

import contextlib
import glob
import http.cookiejar
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests import factories
from tests.blueprints.homes.helpers import next_monday

pytestmark = pytest.mark.fault

PG_BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
WORKERS = 4
WEEKS = 5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster of our own, run as the `postgres` OS user when we are root."""

    def __init__(self) -> None:
        self.bin = os.path.dirname(PG_BINARIES[-1])
        self.base = tempfile.mkdtemp(prefix="shouwang-fault-")
        self.data = os.path.join(self.base, "data")
        self.port = _free_port()
        os.chmod(self.base, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [os.path.join(self.bin, args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync")  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = os.path.join(self.base, "server.log")
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        # "fast": connections are cut mid-transaction, as in a crash or a fail-over.
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # stopped already
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def cluster():
    if not PG_BINARIES:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL as postgres")
    found = Cluster()
    try:
        found.init()
        found.start()
        yield found
    finally:
        found.remove()


class Browser:
    """A person's cookies and the app's answers, without following redirects."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), self._NoRedirect
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()


@pytest.fixture
def served(cluster, tmp_path):
    """The app on a real HTTP server, against the private cluster, migrated, with a home."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from webapp.app import create_app
    from webapp.extensions import db

    app = create_app(
        {
            "SECRET_KEY": "fault-test-secret-key-0123456789",
            "SQLALCHEMY_DATABASE_URI": cluster.url,
            "WTF_CSRF_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
        }
    )
    with app.app_context():
        upgrade()
        manager = factories.user(roles=("home_manager",))
        home = factories.home(managers=(manager,), rooms=("activity",))
        factories.opening_hours(home, (0, 1, 2, 3, 4, 5, 6), "08:00", "20:00")
        ids = {"home": home.id, "room": home.rooms[0].id, "manager": manager.email}
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}", ids
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def _book(browser: Browser, ids: dict, series: int) -> tuple[int, dict]:
    first = next_monday() + timedelta(weeks=WEEKS * series)
    status, headers, _body = browser.request(
        f"/homes/{ids['home']}/bookings/new",
        {
            "room_id": ids["room"],
            "title": f"系列{series}",
            "kind": "tutoring",
            "capacity": "10",
            "date": first.isoformat(),
            "start": "16:00",
            "end": "17:00",
            "repeat": "y",
            "weekdays": [str(first.weekday())],
            "interval_weeks": "1",
            "count": str(WEEKS),
        },
    )
    return status, headers


def test_a_database_restart_gives_503s_writes_nothing_half_and_recovers(cluster, served):
    app, base, ids = served
    browsers = [Browser(base) for _ in range(WORKERS)]
    for browser in browsers:
        status, _headers, _ = browser.request(
            "/auth/login", {"email": ids["manager"], "password": factories.PASSWORD}
        )
        assert status == 303
    outcomes: list[tuple[str, int, dict]] = []
    stop = threading.Event()
    counter = iter(range(10_000))
    lock = threading.Lock()

    def work(browser: Browser) -> None:
        while not stop.is_set():
            with lock:
                series = next(counter)
            status, headers = _book(browser, ids, series)
            outcomes.append(("book", status, headers))
            status, headers, _ = browser.request(f"/homes/{ids['home']}/week")
            outcomes.append(("week", status, headers))

    threads = [threading.Thread(target=work, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    cluster.stop()
    probe = Browser(base)
    down_outcomes = []
    for _ in range(10):  # the database is away for a while; people keep clicking
        down_outcomes.append(probe.request("/healthz")[0])
        down_outcomes.append(probe.request("/readyz")[0])
        time.sleep(0.2)
    cluster.start()
    deadline = time.monotonic() + 30
    while probe.request("/readyz")[0] != 200:
        assert time.monotonic() < deadline, "the app did not recover without a restart"
        time.sleep(0.2)
    time.sleep(1.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    assert set(down_outcomes[0::2]) == {200}  # /healthz: the process is alive
    assert set(down_outcomes[1::2]) == {503}  # /readyz: not ready without a database
    statuses = [status for _kind, status, _headers in outcomes]
    assert set(statuses) <= {200, 303, 503}, sorted(set(statuses))
    unavailable = [headers for _kind, status, headers in outcomes if status == 503]
    assert unavailable, "no request met the outage"
    assert all(int(headers["Retry-After"]) > 0 for headers in unavailable)
    # After the restart the same app serves again: the last requests of every worker worked.
    for browser in browsers:
        assert _book(browser, ids, next(counter))[0] == 303
        assert browser.request(f"/homes/{ids['home']}/week")[0] == 200
    _assert_every_series_is_whole(app)


def _assert_every_series_is_whole(app) -> None:
    from webapp.extensions import db

    with app.app_context():
        rows = db.session.execute(
            sa.text(
                "SELECT e.id, count(o.id) FROM events e LEFT JOIN occurrences o"
                " ON o.event_id = e.id GROUP BY e.id"
            )
        ).all()
        db.session.remove()
    assert rows, "nothing was booked"
    assert {count for _event, count in rows} == {WEEKS}, rows
