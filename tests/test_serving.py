"""`make serve`: gunicorn with gunicorn.conf.py, as a county runs it. Started for real here (on a
free port, against a SQLite file so that the test needs no server), then stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECRET = "a-test-secret-key-that-is-long-enough-0123456789"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(tmp_path, **extra) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "FLASK_DEBUG", "GUNICORN_CMD_ARGS")
    }
    env.update(
        SECRET_KEY=SECRET,
        DATABASE_URL=f"sqlite:///{tmp_path / 'county.db'}",
        SHOUWANG_INSTANCE=str(tmp_path),
        HOST="127.0.0.1",
        PORT=str(_free_port()),
        WEB_CONCURRENCY="1",
    )
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def _get(port: str, path: str):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


class Served:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = env["PORT"]
        self.log = log
        with log.open("w") as output:
            self.process = subprocess.Popen(
                ["make", "-s", "serve"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped as a whole below
            )
        deadline = time.monotonic() + 120
        while True:
            assert self.process.poll() is None, log.read_text()
            try:
                if _get(self.port, "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)

    def stop(self) -> str:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        return self.log.read_text()


@pytest.fixture
def serve(tmp_path):
    started: list[Served] = []

    def start(**extra) -> Served:
        served = Served(_env(tmp_path, **extra), tmp_path / f"serve{len(started)}.log")
        started.append(served)
        return served

    yield start
    for served in started:
        if served.process.poll() is None:
            served.stop()


def test_make_serve_refuses_to_start_without_a_secret_key(tmp_path):
    result = subprocess.run(
        ["make", "-s", "serve"],
        cwd=ROOT,
        env=_env(tmp_path, SECRET_KEY=None),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_gunicorn_itself_refuses_a_short_secret_key(tmp_path):
    result = subprocess.run(
        [str(ROOT / ".venv/bin/gunicorn"), "--config", "gunicorn.conf.py", "webapp.bench.bare:app"],
        cwd=ROOT,
        env=_env(tmp_path, SECRET_KEY="short"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stdout + result.stderr


def test_make_serve_serves_a_county_safely(serve):
    served = serve(WEB_CONCURRENCY="2")
    status, headers, body = _get(served.port, "/auth/login")
    assert status == 200 and "守望" in body
    assert headers["Server"] == "gunicorn"  # no version, no Python
    assert "Secure" in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert _get(served.port, "/readyz")[0] == 200  # make serve migrated the database
    status, _headers, body = _get(served.port, "/volunteers/99999999999")
    assert status == 404 and "Traceback" not in body and "werkzeug" not in body.lower()
    log = served.stop()
    assert log.count("Booting worker") == 2  # WEB_CONCURRENCY
    assert "Using worker: sync" in log  # one thread per worker by default
    assert "?" not in "".join(line for line in log.splitlines() if '"GET ' in line)


def test_gunicorn_cmd_args_override_the_settings(serve):
    served = serve(GUNICORN_CMD_ARGS="--threads 3 --workers 1")
    assert _get(served.port, "/healthz")[0] == 200
    log = served.stop()
    assert "Using worker: gthread" in log and log.count("Booting worker") == 1
