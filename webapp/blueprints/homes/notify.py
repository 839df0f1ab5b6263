"""Writing to the notifications outbox (notifications/delivery.py sends it over SMTP).

A message is written in its recipient's language, not in the language of whoever's request
writes it: compose it inside `in_language_of(recipient)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from flask_babel import force_locale

from webapp.extensions import db
from webapp.models import OutboxMessage, User


@contextmanager
def in_language_of(user: User | None) -> Iterator[None]:
    """Translate in `user`'s language (their choice, else the default) within the block."""
    if user is None:
        yield
        return
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        yield


def notify(
    user: User | None,
    subject: str,
    body: str,
    related_type: str | None = None,
    related_id: int | None = None,
) -> OutboxMessage | None:
    """Queue a message to a user; nothing when there is nobody to tell."""
    if user is None:
        return None
    message = OutboxMessage(
        to_user=user,
        to_address=user.email,
        subject=subject[:200],
        body=body,
        related_type=related_type,
        related_id=related_id,
        status="pending",
    )
    db.session.add(message)
    return message
