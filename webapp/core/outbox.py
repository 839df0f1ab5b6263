"""Writing to the notifications outbox (notifications/delivery.py sends it over SMTP).

A message is written in its recipient's language, not in the language of whoever's request
writes it: compose it inside `in_language_of(recipient)`.

Callers name the recipient, never the channel: `address_of` decides where a message to a user
goes (e-mail today), so a second channel (SMS for people without e-mail) is added there and in
the sender, not at the dozen places that tell someone something.

Message bodies are templates, as Indico keeps them: templates/emails/<kind>.txt holds a
`subject` block and a `body` block, and `render_message` renders both in the recipient's
language (`notify_message` renders and queues in one call).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale
from jinja2 import Environment

from webapp.extensions import db
from webapp.i18n import template_gettext
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


# --- message templates ------------------------------------------------------------------------


def _message_env() -> Environment:
    """The app's Jinja environment (loader, globals, helpers) for plain text: block tags take
    their own line without leaving blank lines, and nothing is HTML-escaped."""
    env = current_app.extensions.get("message_templates")
    if env is None:
        env = current_app.jinja_env.overlay(trim_blocks=True, lstrip_blocks=True, autoescape=False)
        current_app.extensions["message_templates"] = env
    return env


_BLANK_LINES = re.compile(r"\n{3,}")


def render_message(kind: str, recipient: User | None, **context: Any) -> tuple[str, str]:
    """(subject, body) of templates/emails/<kind>.txt in `recipient`'s language (None: the
    current one, e.g. someone registering, who reads the page in the language they chose)."""
    with in_language_of(recipient):
        template = _message_env().get_template(f"emails/{kind}.txt")
        values = template.new_context({**context, **template_gettext()})
        subject = "".join(template.blocks["subject"](values))
        body = "".join(template.blocks["body"](values))
    lines = "\n".join(line.rstrip() for line in body.strip().splitlines())
    return " ".join(subject.split()), _BLANK_LINES.sub("\n\n", lines)


def notify_message(
    user: User | None,
    kind: str,
    related_type: str | None = None,
    related_id: int | None = None,
    **context: Any,
) -> OutboxMessage | None:
    """Queue the message of templates/emails/<kind>.txt to a user, in their language."""
    if user is None or address_of(user) is None:
        return None
    subject, body = render_message(kind, user, **context)
    return notify(user, subject, body, related_type, related_id)
