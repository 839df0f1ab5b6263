"""Writing to the notifications outbox (notifications/delivery.py sends it over SMTP)."""

from __future__ import annotations

from webapp.extensions import db
from webapp.models import OutboxMessage, User


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
