"""Feed tokens: long and random, stored only as a hash, rotatable.

token = base64url(HMAC-SHA256(SECRET_KEY, "calendar-feed:" + nonce)), 43 characters (256 bits).
The database holds the nonce and sha256(token): the owner's page can show the link again (the app
derives it), while the database alone opens nothing. Rotating revokes the row and makes a new one;
a revoked, unknown or malformed token all look the same to the feed: not found.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from flask import current_app, url_for
from sqlalchemy import ColumnElement, and_, bindparam, select
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import CalendarToken, User
from webapp.models.base import utcnow

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
OWNER_COLUMNS = {"volunteer": "volunteer_id", "home": "home_id", "team": "team_id"}


def derive(nonce: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    mac = hmac.new(key, b"calendar-feed:" + nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active_condition(kind: str, owner_id) -> ColumnElement[bool]:
    """The owner's active token (`owner_id`: a value or a bound parameter)."""
    column = getattr(CalendarToken, OWNER_COLUMNS[kind])
    return and_(column == owner_id, CalendarToken.revoked_at.is_(None))


def active(kind: str, owner_id: int) -> CalendarToken | None:
    return db.session.scalar(select(CalendarToken).where(active_condition(kind, owner_id)))


def _new(kind: str, owner_id: int, actor: User | None) -> CalendarToken:
    nonce = secrets.token_hex(16)
    row = CalendarToken(
        owner_kind=kind,
        nonce=nonce,
        token_hash=hash_token(derive(nonce)),
        created_by_id=actor.id if actor else None,
        **{OWNER_COLUMNS[kind]: owner_id},
    )
    savepoint = db.session.begin_nested()
    try:
        db.session.add(row)
        db.session.flush()
    except IntegrityError:  # another tab made one at the same moment: use that one
        savepoint.rollback()
        return active(kind, owner_id)
    savepoint.commit()
    return row


_UNREAD = object()


def ensure(kind: str, owner_id: int, actor: User | None, found=_UNREAD):
    """The owner's active token, made on first use. `found`: the active token as the caller read
    it already (anything with `nonce` and `token_hash`, see active_condition()), or None when it
    found none: a page that reads it along with other things saves a round trip."""
    row = active(kind, owner_id) if found is _UNREAD else found
    if row is None or token_of(row) is None:
        return rotate(kind, owner_id, actor)
    return row


def rotate(kind: str, owner_id: int, actor: User | None) -> CalendarToken:
    """A new token; the old URL answers 404 from now on."""
    row = active(kind, owner_id)
    if row is not None:
        row.revoked_at = utcnow()
        db.session.flush()
    return _new(kind, owner_id, actor)


def token_of(row) -> str | None:
    """The token of a row, or None when it can no longer be derived (SECRET_KEY changed)."""
    token = derive(row.nonce)
    return token if hmac.compare_digest(hash_token(token), row.token_hash) else None


def feed_url(row) -> str | None:
    """The feed's address for the owner's page (calendar apps subscribe to it)."""
    token = token_of(row)
    return url_for("feeds.feed", token=token, _external=True) if token else None


def presented_hash(token: str) -> str | None:
    """The hash a presented token is looked up by, or None when it cannot be a token at all."""
    return hash_token(token) if TOKEN_RE.match(token or "") else None


def is_active(token_hash: str) -> bool:
    """Whether an active token has this hash: one indexed lookup on a connection of its own in
    autocommit (a poll answered from the feed cache reads nothing else, so it needs no
    transaction: no BEGIN and COMMIT round trips)."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return connection.execute(_ACTIVE_BY_HASH, {"hash": token_hash}).first() is not None


_ACTIVE_BY_HASH = select(CalendarToken.id).where(
    CalendarToken.token_hash == bindparam("hash"), CalendarToken.revoked_at.is_(None)
)
