"""Registering as a volunteer, in two steps, so that the form never tells a stranger whether an
e-mail address or a phone number is known.

1. The form (name, e-mail, phone, kind) always answers the same: "we have sent you a message".
   The message goes to the address typed: a link to finish when the address is new, a pointer to
   the log-in page when it has an account, a pointer to the coordinator when a coordinator has
   already added a profile with it (such profiles are claimed with an invitation link).
2. The link (valid 24 hours, signed, nothing stored until then) opens a page to choose the
   password; only then are the account and the volunteer profile created. Whoever can read the
   mailbox chooses the password, so nobody can register someone else's address for them.

Two finishes at once with one link make one account (users.email is unique); the other gets a
clear message.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select

from webapp.blueprints.auth.services import email_taken
from webapp.core.outbox import EMAIL, Address, notify_address, render_message
from webapp.extensions import db
from webapp.models import Volunteer

VALID_FOR_SECONDS = 24 * 3600
# Outbox messages with links that let their reader act as the addressee: never shown to staff.
RELATED_TYPE = "account"


@dataclass(frozen=True)
class Registration:
    email: str
    name: str
    kind: str
    phone: str | None
    locale: str | None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="register-volunteer")


def make_token(registration: Registration) -> str:
    return _serializer().dumps(
        [
            registration.email,
            registration.name,
            registration.kind,
            registration.phone,
            registration.locale,
        ]
    )


def read_token(token: str) -> Registration | None:
    """The registration a link carries; None when it is forged, malformed or older than a day."""
    if not token or len(token) > 2000:
        return None
    try:
        email, name, kind, phone, locale = _serializer().loads(token, max_age=VALID_FOR_SECONDS)
    except (BadSignature, ValueError, TypeError):
        return None
    return Registration(email=email, name=name, kind=kind, phone=phone, locale=locale)


def _queue(to_address: str, kind: str, **context) -> None:
    subject, body = render_message(kind, None, **context)
    notify_address(Address(EMAIL, to_address), subject, body, RELATED_TYPE)


def request_registration(registration: Registration) -> None:
    """Send the message of step 1 to the address typed; the answer on screen never differs."""
    email = registration.email
    if email_taken(email):
        _queue(email, "account_exists", login_url=url_for("auth.login", _external=True))
    elif db.session.scalar(select(func.count()).where(Volunteer.email == email)):
        _queue(email, "ask_for_invitation")
    else:
        link = url_for("auth.finish_registration", token=make_token(registration), _external=True)
        _queue(email, "finish_registration", link=link)
    db.session.flush()
