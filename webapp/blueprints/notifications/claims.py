"""Claiming outbox messages for a sender, and recording each outcome (e-mail and SMS alike).

- claim: on PostgreSQL `SELECT ... FOR UPDATE SKIP LOCKED`, so concurrent senders take different
  rows; on SQLite `BEGIN IMMEDIATE` makes select-and-mark one step. Claimed rows are `sending`
  with the sender's name, and only that sender writes their outcome, so no message goes out twice.
- a temporary failure puts the message back as `pending` with `next_attempt_at` after a growing
  pause; a permanent one or the last attempt marks it `failed`, with its reason in `last_error`.
- a sender that died mid-batch leaves `sending` rows: after CLAIM_LEASE they are due again.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select, update

from webapp.core.locking import serialise_writers
from webapp.extensions import db
from webapp.models import OutboxMessage
from webapp.models.base import utcnow

MAX_ATTEMPTS = 6
# Pause after the n-th failed attempt (the last one is repeated).
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=4),
)
CLAIM_LEASE = timedelta(minutes=15)
BATCH = 100


@dataclass
class DeliveryResult:
    configured: bool = True
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


def sender_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:6]}"


def due(now, channel: str):
    return (
        (OutboxMessage.status == "pending")
        & (OutboxMessage.channel == channel)
        & or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now)
    )


def release_stale_claims() -> int:
    """Claims older than the lease belong to a sender that died: due again."""
    now = utcnow()
    count = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - CLAIM_LEASE)
        .values(
            status="pending",
            claimed_by="",
            last_error="The sender stopped while sending; trying again.",
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return count


def claim(name: str, limit: int = BATCH, channel: str = "email") -> list[int]:
    """Mark up to `limit` due messages of a channel as ours and commit; returns their ids."""
    now = utcnow()
    if limit <= 0:
        return []
    query = (
        select(OutboxMessage.id).where(due(now, channel)).order_by(OutboxMessage.id).limit(limit)
    )
    if db.session.connection().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    else:
        serialise_writers()
    ids = list(db.session.scalars(query))
    if ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == "pending")
            .values(status="sending", claimed_by=name, claimed_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return ids


def finish(message_id: int, name: str, **values) -> None:
    """Record an outcome, only while the claim is still ours."""
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == "sending",
            OutboxMessage.claimed_by == name,
        )
        .values(updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def retry_values(attempts: int, reason: str) -> dict:
    if attempts >= MAX_ATTEMPTS:
        return {
            "status": "failed",
            "attempts": attempts,
            "last_error": f"Gave up after {attempts} attempts: {reason}",
            "claimed_by": "",
        }
    pause = BACKOFF[min(attempts, len(BACKOFF)) - 1]
    return {
        "status": "pending",
        "attempts": attempts,
        "next_attempt_at": utcnow() + pause,
        "last_error": reason,
        "claimed_by": "",
    }


def merge(a: DeliveryResult, b: DeliveryResult) -> DeliveryResult:
    return DeliveryResult(
        configured=a.configured or b.configured,
        claimed=a.claimed + b.claimed,
        sent=a.sent + b.sent,
        retrying=a.retrying + b.retrying,
        failed=a.failed + b.failed,
    )
