"""Gunicorn settings for `make serve`: Shouwang on a county's server.

The environment decides: PORT (default 8000) and HOST (default 0.0.0.0); WEB_CONCURRENCY, the
worker processes (default: one per core, plus one, one thread each); GUNICORN_CMD_ARGS for
anything else, e.g. "--threads 4" (threads per worker), which overrides this file. SECRET_KEY is required. Put a TLS proxy (nginx, Caddy) in front; set PROXY_COUNT=1 so
that the app sees the client's address and https (see README, "Serving a county").
"""

import multiprocessing
import os

bind = [f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"]
# One worker per core plus one: our requests spend most of their time in Python, not waiting, and
# the database usually shares the machine; measured with `make bench-web` on 2 cores, 3 workers
# served 0.107 of the bare endpoint's rate where 5 (gunicorn's "2 x cores + 1") served 0.090.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() + 1)
# One thread per worker (gunicorn's sync worker): measured with `make bench-web` on 2 cores,
# 5 sync workers served 35-95 % more of our pages per second than 5 workers x 2 threads, whose
# threads mostly contend for the GIL. More threads: GUNICORN_CMD_ARGS="--threads 4".
threads = 1
proc_name = "shouwang"
# No control socket: it would be one fixed path in $HOME shared by every gunicorn on the machine.
control_socket_disable = True
# Heartbeat files in memory, not on a disk that may stall (containers, slow SD cards).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so that a slow leak never grows without end.
max_requests = 5000
max_requests_jitter = 500
# Logs to stdout/stderr for the service manager. The access log leaves out query strings: they
# can hold names typed into a search box.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
loglevel = os.environ.get("LOG_LEVEL", "info")


def on_starting(server):
    """Refuse to serve without a real secret key, or in debug mode."""
    key = os.environ.get("SECRET_KEY", "")
    if len(key) < 32:
        raise SystemExit(
            "SECRET_KEY must be set to a random string of at least 32 characters, e.g.\n"
            "  export SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    if os.environ.get("FLASK_DEBUG", "").lower() in ("1", "true", "yes", "on"):
        raise SystemExit("FLASK_DEBUG is on: never serve a county in debug mode.")
    if server.cfg.workers > 1 and not os.environ.get("REDIS_URL"):
        server.log.warning(
            "REDIS_URL is not set: each of the %d workers counts log-in failures and rate limits"
            " on its own; set REDIS_URL to share them.",
            server.cfg.workers,
        )
