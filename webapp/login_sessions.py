"""Server-side login sessions: every log-in is a row; the cookies carry its random token.

Why rows and not only a signed cookie: a signed cookie stays valid until it expires, so logging
out could not end it (a copied cookie, replayed, was still logged in). With a row per session,
logging out deletes the row and the same cookie is worth nothing; "log out everywhere", a
password change and a removed role delete every row of the person; a person can see where they
are logged in. A per-user nonce could only end all sessions at once, not this one.

Lifetimes: a session without "keep me logged in" ends after IDLE hours without a request; with
it, REMEMBER_DAYS after the log-in at the latest (the remember-me cookie lives as long). The
last-seen time is written at most every TOUCH_EVERY, so a busy page costs no extra write.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import NamedTuple

from flask import g, request
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import lazyload

from webapp.extensions import db
from webapp.models import LoginSession, User, UserRole
from webapp.models.base import utcnow

REMEMBER_DAYS = 30
IDLE = timedelta(hours=12)
TOUCH_EVERY = timedelta(minutes=5)
REMEMBER = timedelta(days=REMEMBER_DAYS)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, remember: bool = False) -> LoginSession:
    """Log `user` in with a new session (a new token: nothing from before the log-in is kept)."""
    now = utcnow()
    token = secrets.token_urlsafe(32)
    record = LoginSession(
        user=user,
        token_hash=token_hash(token),
        remember=remember,
        created_at=now,
        last_seen_at=now,
        expires_at=now + (REMEMBER if remember else IDLE),
        user_agent=(request.user_agent.string or "")[:200],
    )
    db.session.add(record)
    db.session.execute(
        delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.expires_at < now)
    )
    db.session.flush()
    user.login_token = token
    g.login_session = record
    login_user(user, remember=remember, duration=REMEMBER)
    return record


class SessionRef(NamedTuple):
    """The login session of this request, as far as the rest of the app needs it."""

    id: int
    user_id: int


# One query for the session, its person and their role names: it runs on every request. The
# session's own columns and the roles come as plain values (an ORM entity and a joined collection
# cost more to load than the query takes to run); the person is a real User in the session. Built
# once: building it (and its cache key) anew took longer than running it.
_ROLE_NAMES = (
    select(func.aggregate_strings(UserRole.role, " "))
    .where(UserRole.user_id == User.id)
    .correlate(User)
    .scalar_subquery()
)
_LOAD = (
    select(
        User,
        LoginSession.id,
        LoginSession.remember,
        LoginSession.created_at,
        LoginSession.last_seen_at,
        LoginSession.expires_at,
        _ROLE_NAMES,
    )
    .join(LoginSession, LoginSession.user_id == User.id)
    .where(LoginSession.token_hash == bindparam("token_hash"))
    .options(lazyload(User.role_rows))
)


def load(token: str) -> User | None:
    """flask-login's user loader: the user of a live session with this token, else nobody."""
    if not token or len(token) > 100:
        return None
    row = db.session.execute(_LOAD, {"token_hash": token_hash(token)}).first()
    now = utcnow()
    if row is None:
        return None
    user, session_id, remember, created_at, last_seen_at, expires_at, role_names = row
    if expires_at <= now or not user.active:
        return None
    if now - last_seen_at >= TOUCH_EVERY:
        values = {"last_seen_at": now}
        if not remember:
            values["expires_at"] = min(now + IDLE, created_at + REMEMBER)
        db.session.execute(
            update(LoginSession).where(LoginSession.id == session_id).values(**values)
        )
    user.use_role_names(role_names.split() if role_names else ())
    user.login_token = token
    g.login_session = SessionRef(session_id, user.id)
    return user


def current() -> LoginSession | SessionRef | None:
    """The session of this request: its row when it began now, else its id and person."""
    return g.get("login_session")


def end_current() -> None:
    """Log out here: the session row goes, so its cookies are worth nothing from now on."""
    record = current()
    if record is not None:
        db.session.execute(delete(LoginSession).where(LoginSession.id == record.id))
        db.session.flush()
        g.login_session = None
    logout_user()


def end_all(user: User, keep_current: bool = False) -> int:
    """End every session of `user` (but the one of this request, if asked); returns how many."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    record = current()
    if keep_current and record is not None and record.user_id == user.id:
        query = query.where(LoginSession.id != record.id)
    result = db.session.execute(query.execution_options(synchronize_session=False))
    db.session.flush()
    return result.rowcount


BROWSERS = (
    ("MicroMessenger", "WeChat"),
    ("DingTalk", "DingTalk"),
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "Mac"),
    ("HarmonyOS", "HarmonyOS"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str) -> str:
    """ "Chrome · Android" from a browser's description, so that people recognise their devices."""
    browser = next((name for key, name in BROWSERS if key in user_agent), "")
    system = next((name for key, name in SYSTEMS if key in user_agent), "")
    return " · ".join(part for part in (browser, system) if part)


def sessions_of(user: User) -> list[LoginSession]:
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(LoginSession.user_id == user.id, LoginSession.expires_at > utcnow())
            .order_by(LoginSession.last_seen_at.desc())
        )
    )
