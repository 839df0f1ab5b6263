"""Invitations: a coordinator gives a volunteer who has a profile but no account a one-time link;
opening it lets that person choose a log-in e-mail and password for the existing profile.

The link carries a long random token; only its SHA-256 is stored. A link works once, for 14 days,
and a new invitation for the same volunteer closes the older ones.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from webapp import audit
from webapp.blueprints.auth.services import AccountError, create_user, email_taken
from webapp.extensions import db
from webapp.models import Invitation, User, Volunteer
from webapp.models.base import utcnow

VALID_FOR = timedelta(days=14)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(volunteer: Volunteer, actor: User) -> tuple[str, Invitation]:
    """A new link for this volunteer (earlier unused links stop working). Returns the token."""
    if volunteer.user_id is not None:
        raise AccountError("volunteer", _("This volunteer already has an account."))
    now = utcnow()
    db.session.execute(
        update(Invitation)
        .where(Invitation.volunteer_id == volunteer.id, Invitation.closed_at.is_(None))
        .values(closed_at=now)
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        volunteer_id=volunteer.id,
        token_hash=token_hash(token),
        created_by_id=actor.id,
        created_at=now,
        expires_at=now + VALID_FOR,
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(
        "volunteer.invited",
        "volunteer",
        volunteer.id,
        after={"expires_at": invitation.expires_at.isoformat()},
        actor_id=actor.id,
    )
    return token, invitation


def _still_open():
    return select(Invitation).where(
        Invitation.closed_at.is_(None), Invitation.expires_at > utcnow()
    )


def open_invitation(token: str) -> Invitation | None:
    """The invitation behind a link, or None when it is unknown, used, replaced or expired."""
    if not token or len(token) > 100:
        return None
    invitation = db.session.scalar(_still_open().where(Invitation.token_hash == token_hash(token)))
    if invitation is None or invitation.volunteer.user_id is not None:
        return None
    return invitation


def open_invitation_of(volunteer: Volunteer) -> Invitation | None:
    """The volunteer's newest link that still works (its token is not known any more)."""
    return db.session.scalar(
        _still_open()
        .where(Invitation.volunteer_id == volunteer.id)
        .order_by(Invitation.id.desc())
        .limit(1)
    )


def accept(invitation: Invitation, *, email: str, password: str, locale: str | None) -> User:
    """Create the account and link it to the invited profile; the link is used up."""
    volunteer = invitation.volunteer
    email = email.strip().lower()
    if email_taken(email):
        raise AccountError("email", _("An account with this e-mail already exists."))
    other = db.session.scalar(
        select(Volunteer.id).where(Volunteer.email == email, Volunteer.id != volunteer.id)
    )
    if other is not None:
        raise AccountError("email", _("Another volunteer already has this e-mail address."))
    # Close the link first and only if still open: of two people racing with one link, one wins.
    closed = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.closed_at.is_(None))
        .values(closed_at=utcnow())
    )
    if closed.rowcount != 1:
        raise AccountError("email", _("This invitation link has already been used."))
    user = create_user(email=email, name=volunteer.name, password=password, locale=locale)
    volunteer.user_id = user.id
    volunteer.email = email
    db.session.flush()
    audit.record(
        "user.register",
        "user",
        user.id,
        after={"email": email, "volunteer_id": volunteer.id, "invitation": invitation.id},
        actor_id=user.id,
    )
    return user
