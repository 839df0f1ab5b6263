"""Configuration read from the environment.

DATABASE_URL, SECRET_KEY, REDIS_URL and friends come from the environment; the defaults are fit for
a single machine: a SQLite file and a secret key generated once under instance/.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(
    os.environ.get("SHOUWANG_INSTANCE", Path(__file__).resolve().parent.parent / "instance")
)


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_secret_key(instance_dir: Path = INSTANCE_DIR) -> str:
    """SECRET_KEY from the environment, else from instance/secret_key, created on first run."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        # Write with a private mode from the start: the key signs every session.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def database_url(instance_dir: Path = INSTANCE_DIR) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the old driver; we use psycopg 3.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://") :]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    instance_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{instance_dir / 'shouwang.db'}"


class Config:
    """Settings for a running server. Build it at app creation so that the environment is read then."""

    def __init__(self) -> None:
        self.SECRET_KEY = load_secret_key()
        self.SQLALCHEMY_DATABASE_URI = database_url()
        # pre_ping: a connection that died with a database restart is replaced, not used, so the
        # app recovers by itself (on PostgreSQL done without a round trip per request, see
        # webapp.app._check_connections_on_checkout). hide_parameters: error messages and logs never carry values
        # (names, children's pseudonyms) from the statements that failed.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        self.RATELIMIT_HEADERS_ENABLED = True
        # Per address, a cap on log-in attempts (argon2 is costly); failures also cause growing
        # delays per address and per address + account (webapp.throttle).
        self.LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "60 per minute")
        # Registrations per address, and per e-mail address typed (no flooding one mailbox).
        self.REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "20 per hour")
        self.REGISTER_EMAIL_RATE_LIMIT = os.environ.get("REGISTER_EMAIL_RATE_LIMIT", "5 per hour")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_DURATION = timedelta(days=30)
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        # Secure cookies unless told otherwise (debug, or plain http on 127.0.0.1 for `make run`).
        secure = _flag("SESSION_COOKIE_SECURE", not _flag("FLASK_DEBUG", False))
        self.SESSION_COOKIE_SECURE = secure
        self.REMEMBER_COOKIE_SECURE = secure
        # Reverse proxies in front (nginx, Caddy): trust that many X-Forwarded-For/-Proto/-Host
        # hops, so that throttling sees the client's address and https is known.
        self.PROXY_COUNT = int(os.environ.get("PROXY_COUNT") or 0)
        # The host names this server answers to (comma-separated). Links in e-mails (finishing a
        # registration) are built from the request's host; without this list a forged Host
        # header could point them elsewhere. Any other host gets a 400.
        hosts = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()]
        self.TRUSTED_HOSTS = hosts or None
        self.WTF_CSRF_TIME_LIMIT = 8 * 3600
        self.MAX_CONTENT_LENGTH = 12 * 1024 * 1024
        self.BABEL_DEFAULT_LOCALE = "zh_CN"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
        self.LANGUAGES = ["zh_CN", "en"]
        self.ARGON2_TIME_COST = int(os.environ.get("ARGON2_TIME_COST", "3"))
        self.ARGON2_MEMORY_COST = int(os.environ.get("ARGON2_MEMORY_COST", "65536"))
        self.DEMO_PASSWORD = "shouwang-demo"
        # Outbox delivery (flask send-outbox, the worker): nothing is sent while SMTP_HOST is unset.
        self.SMTP_HOST = os.environ.get("SMTP_HOST", "")
        self.SMTP_PORT = os.environ.get("SMTP_PORT", "")
        self.SMTP_USER = os.environ.get("SMTP_USER", "")
        self.SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
        self.SMTP_SENDER = os.environ.get("SMTP_SENDER", "守望 Shouwang <noreply@localhost>")
        self.SMTP_STARTTLS = _flag("SMTP_STARTTLS", True)
        self.SMTP_SSL = _flag("SMTP_SSL", False)
        self.SMTP_TIMEOUT = os.environ.get("SMTP_TIMEOUT", "20")
        self.SMTP_CA_FILE = os.environ.get("SMTP_CA_FILE", "")
        # SMS through Aliyun's SendSms (webapp/blueprints/notifications/aliyun.py): nothing goes
        # by SMS while the key or the sign name is unset. One approved template per message kind:
        # SMS_TEMPLATE_PLAN_ASSIGNED=SMS_123456 (kinds in webapp/core/sms.py).
        self.SMS_ACCESS_KEY_ID = os.environ.get("SMS_ACCESS_KEY_ID", "")
        self.SMS_ACCESS_KEY_SECRET = os.environ.get("SMS_ACCESS_KEY_SECRET", "")
        self.SMS_ENDPOINT = os.environ.get("SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com/")
        self.SMS_REGION = os.environ.get("SMS_REGION", "cn-hangzhou")
        self.SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "")
        self.SMS_TIMEOUT = os.environ.get("SMS_TIMEOUT", "10")
        self.SMS_TEMPLATES = {
            name.removeprefix("SMS_TEMPLATE_").lower(): value.strip()
            for name, value in os.environ.items()
            if name.startswith("SMS_TEMPLATE_") and value.strip()
        }
        # At most this many SMS a day (China time); the rest wait for the next day. A
        # `sms_daily_cap` row in the settings table overrides it.
        self.SMS_DAILY_CAP = os.environ.get("SMS_DAILY_CAP", "500")
        # No mail server on a laptop (`make run`): the worker writes messages (SMS
        # too, while SMS is not configured) to its log instead.
        self.OUTBOX_TO_LOG = _flag("OUTBOX_TO_LOG", False)
        # Calendar feeds: how long a feed's ETag is trusted for conditional GETs (0: always rebuilt).
        self.FEED_CACHE_SECONDS = int(os.environ.get("FEED_CACHE_SECONDS", "30"))
        # Volunteers withdraw online up to this many hours before the start.
        self.WITHDRAWAL_CUTOFF_HOURS = os.environ.get("WITHDRAWAL_CUTOFF_HOURS", "24")
        # Solve runs: the RQ queue (with REDIS_URL), the heartbeat interval, and how long a run
        # may go without a heartbeat (or wait in the queue) before it is marked failed.
        self.SOLVE_QUEUE = os.environ.get("SOLVE_QUEUE", "shouwang-solve")
        self.SOLVE_HEARTBEAT_SECONDS = float(os.environ.get("SOLVE_HEARTBEAT_SECONDS", "2"))
        self.SOLVE_HEARTBEAT_TIMEOUT = float(os.environ.get("SOLVE_HEARTBEAT_TIMEOUT", "30"))
        self.SOLVE_QUEUE_TIMEOUT = float(os.environ.get("SOLVE_QUEUE_TIMEOUT", "600"))
