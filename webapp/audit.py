"""Writing the audit log: changes to people and plans."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from webapp.extensions import db
from webapp.models.audit import AuditLog


def record(
    action: str,
    object_type: str,
    object_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_id: int | None = None,
) -> AuditLog:
    """Add an audit entry to the current transaction (it commits with the change it describes)."""
    if actor_id is None and current_user and getattr(current_user, "is_authenticated", False):
        actor_id = current_user.id
    entry = AuditLog(
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry
