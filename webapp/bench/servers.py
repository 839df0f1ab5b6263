"""The servers a web benchmark starts: `make serve` and the bare app, each on its port, and
stopping them again."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def server_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PORT=str(port),
        HOST="127.0.0.1",
        SECRET_KEY=os.environ["SECRET_KEY"],
        # Plain http on 127.0.0.1: cookies cannot be Secure here (as for `make run`).
        SESSION_COOKIE_SECURE="0",
        # Fifty people logging in from one address within seconds is the benchmark, not an attack.
        LOGIN_RATE_LIMIT="100000 per minute",
        LOG_LEVEL="warning",
    )
    return env


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def wait_until_up(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server on port {port} stopped:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers (the bare app has no /healthz)
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server on port {port} did not start:\n{log.read_text()[-3000:]}")


def start(command: list[str], port: int, log: Path) -> subprocess.Popen:
    if not port_is_free(port):
        raise SystemExit(f"port {port} is taken: stop what serves there first (BENCH_WEB_PORT)")
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=server_env(port),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole
        )
    try:
        wait_until_up(port, process, log)
    except BaseException:
        stop(process)
        raise
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
