"""Writing to the notifications outbox (notifications/delivery.py sends it over SMTP, and
notifications/sms_delivery.py by SMS).

A message is written in its recipient's language, not in the language of whoever's request
writes it: compose it inside `in_language_of(recipient)`.

Callers name the recipient, never the channel: `address_of` decides where a message to a user
goes. A message that may also go by SMS carries its template values (`sms=Sms(kind, params)`,
webapp/core/sms.py); it goes by SMS to a volunteer who chose SMS on their profile, and by e-mail
to everyone else. People without an account are reached by SMS alone (`notify_phone`).

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
from flask_babel import gettext as _
from jinja2 import Environment
from sqlalchemy import select

from webapp.core import sms as sms_channel
from webapp.core.sms import Sms, SmsRefused
from webapp.extensions import db
from webapp.i18n import template_gettext
from webapp.models import OutboxMessage, User, Volunteer

EMAIL = "email"
SMS = "sms"


@dataclass(frozen=True)
class Address:
    channel: str  # EMAIL or SMS
    value: str


@contextmanager
def in_language_of(user: User | None) -> Iterator[None]:
    """Translate in `user`'s language (their choice, else the default) within the block."""
    if user is None:
        yield
        return
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        yield


def address_of(user: User, sms_kind: str | None = None) -> Address | None:
    """Where a message to `user` goes; None when they cannot be reached. With `sms_kind` (the
    message can go by SMS): their phone, when they chose SMS and SMS is available for it."""
    if sms_kind and sms_channel.available(sms_kind):
        volunteer = db.session.scalar(
            select(Volunteer).where(Volunteer.user_id == user.id, Volunteer.prefers_sms)
        )
        phone = sms_channel.usable_phone(volunteer.phone) if volunteer else None
        if phone:
            return Address(SMS, phone)
    return Address(EMAIL, user.email) if user.email else None


def notify(
    user: User | None,
    subject: str,
    body: str,
    related_type: str | None = None,
    related_id: int | None = None,
    sms: Sms | None = None,
) -> OutboxMessage | None:
    """Queue a message to a user; nothing when there is nobody to tell (or no way to reach them).

    `sms`: the same message as SMS template values, for those who chose SMS. Values that do not
    fit the template send it by e-mail instead (the person has an account, hence an address)."""
    if user is None:
        return None
    address = address_of(user, sms.kind if sms else None)
    if address is not None and address.channel == SMS:
        try:
            return _write_sms(user, address.value, sms, related_type, related_id)
        except SmsRefused:
            address = Address(EMAIL, user.email) if user.email else None
    if address is None:
        return None
    return _write(user, address, subject, body, related_type, related_id)


def notify_phone(
    phone: str, sms: Sms, related_type: str | None = None, related_id: int | None = None
) -> OutboxMessage:
    """Queue an SMS to someone without an account. SmsRefused (with the reason) when SMS is not
    available for this kind, the number is not a mobile number or a value does not fit."""
    if not sms_channel.available(sms.kind):
        raise SmsRefused(_("SMS is not configured for this kind of message."))
    number = sms_channel.usable_phone(phone)
    if number is None:
        raise SmsRefused(_("No usable mobile number."))
    return _write_sms(None, number, sms, related_type, related_id)


def _write_sms(
    user: User | None,
    phone: str,
    sms: Sms,
    related_type: str | None,
    related_id: int | None,
) -> OutboxMessage:
    checked = sms.check()
    subject = sms_channel.kind_label(checked.kind)
    message = _write(user, Address(SMS, phone), subject, checked.text(), related_type, related_id)
    message.channel, message.sms_kind, message.sms_params = SMS, checked.kind, checked.as_json()
    return message


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
        channel=address.channel,
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
    sms: Sms | None = None,
    **context: Any,
) -> OutboxMessage | None:
    """Queue the message of templates/emails/<kind>.txt to a user, in their language (by SMS,
    with `sms`, when they chose SMS)."""
    if user is None or address_of(user) is None:
        return None
    subject, body = render_message(kind, user, **context)
    return notify(user, subject, body, related_type, related_id, sms=sms)
