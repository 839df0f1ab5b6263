"""Writing to the notifications outbox (notifications/delivery.py sends it over SMTP).

A message is written in its recipient's language, not in the language of whoever's request
writes it: compose it inside `in_language_of(recipient)`.

Callers name the recipient, never the channel: `address_of` decides where a message to a user
goes (e-mail today), so a second channel (SMS for people without e-mail) is added there and in
the sender, not at the dozen places that tell someone something.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale

from webapp.extensions import db
from webapp.models import OutboxMessage, User

EMAIL = "email"


@dataclass(frozen=True)
class Address:
    channel: str  # EMAIL; the only channel the sender knows so far
    value: str


@contextmanager
def in_language_of(user: User | None) -> Iterator[None]:
    """Translate in `user`'s language (their choice, else the default) within the block."""
    if user is None:
        yield
        return
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        yield


def address_of(user: User) -> Address | None:
    """Where a message to `user` goes; None when they cannot be reached."""
    return Address(EMAIL, user.email) if user.email else None


def notify(
    user: User | None,
    subject: str,
    body: str,
    related_type: str | None = None,
    related_id: int | None = None,
) -> OutboxMessage | None:
    """Queue a message to a user; nothing when there is nobody to tell (or no way to reach them)."""
    if user is None:
        return None
    address = address_of(user)
    if address is None:
        return None
    return _write(user, address, subject, body, related_type, related_id)


def notify_address(
    address: Address, subject: str, body: str, related_type: str | None = None
) -> OutboxMessage:
    """Queue a message to an address that belongs to no user yet (a registration's e-mail)."""
    return _write(None, address, subject, body, related_type, None)


def _write(
    user: User | None,
    address: Address,
    subject: str,
    body: str,
    related_type: str | None,
    related_id: int | None,
) -> OutboxMessage:
    message = OutboxMessage(
        to_user=user,
        to_address=address.value,
        subject=subject[:200],
        body=body,
        related_type=related_type,
        related_id=related_id,
        status="pending",
    )
    db.session.add(message)
    return message
