"""Account rules: registration, authentication, password changes, roles."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from webapp import audit, login_sessions
from webapp.core.locking import serialise_writers
from webapp.extensions import db
from webapp.models import User, Volunteer
from webapp.models.accounts import VOLUNTEER
from webapp.models.base import utcnow
from webapp.security import hash_password, verify_password


class AccountError(ValueError):
    """A rule was broken; `field` names the form field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def email_taken(email: str) -> bool:
    return User.by_email(email) is not None


def _account_exists() -> str:
    return _("An account with this e-mail already exists. Log in instead.")


def create_user(*, email: str, name: str, password: str, locale: str | None) -> User:
    """A volunteer account. Of two requests creating the same e-mail at once, the database's
    unique index lets one win; the other gets an AccountError, not a 500."""
    email = email.strip().lower()
    serialise_writers()  # SQLite: the write lock first, so the savepoint below nests in it
    if email_taken(email):
        raise AccountError("email", _account_exists())
    user = User(
        email=email, name=name.strip(), password_hash=hash_password(password), locale=locale
    )
    user.set_roles({VOLUNTEER})
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError as error:
        raise AccountError("email", _account_exists()) from error
    return user


def register_volunteer(
    *, name: str, email: str, password: str, kind: str, phone: str | None, locale: str | None
) -> tuple[User, bool]:
    """Finish a registration (the e-mail was confirmed): the account and an unvetted volunteer
    profile. Returns the user and whether the phone number was kept: a phone that belongs to
    another profile (one a coordinator created is claimed with an invitation link, never by
    typing its number) is left out."""
    user = create_user(email=email, name=name, password=password, locale=locale)
    email = user.email
    phone_kept = bool(phone) and not db.session.scalar(
        select(func.count()).where(Volunteer.phone == phone)
    )
    # A coordinator's profile with this e-mail: registering never claims it (invitations do).
    profile_email = None if _profile_with_email(email) else email
    db.session.add(
        Volunteer(
            user_id=user.id,
            kind=kind,
            name=user.name,
            email=profile_email,
            phone=phone if phone_kept else None,
        )
    )
    db.session.flush()
    audit.record("user.register", "user", user.id, after={"email": email}, actor_id=user.id)
    return user, phone_kept


def _profile_with_email(email: str) -> bool:
    return bool(db.session.scalar(select(func.count()).where(Volunteer.email == email)))


def authenticate(email: str, password: str) -> User | None:
    user = User.by_email(email)
    if user is None:
        # Spend the same time as a real check so that timing does not reveal which e-mails exist.
        verify_password(_DUMMY_HASH.get(), password)
        return None
    if not user.active or not verify_password(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise AccountError("current_password", _("The current password is wrong."))
    user.password_hash = hash_password(new)
    login_sessions.end_all(user, keep_current=True)  # every other session and cookie ends
    audit.record("user.password_changed", "user", user.id)
    db.session.flush()


def log_out_everywhere(user: User) -> None:
    ended = login_sessions.end_all(user, keep_current=True)
    audit.record("user.sessions_revoked", "user", user.id, after={"sessions": ended})
    db.session.flush()


def set_roles(user: User, roles: set[str], acting_user: User) -> None:
    if user.id == acting_user.id and "admin" in user.roles and "admin" not in roles:
        raise AccountError("roles", _("You cannot remove your own administrator role."))
    before = sorted(user.roles)
    user.set_roles(roles)
    db.session.flush()
    if set(before) - set(roles):
        # A removed role ends the person's sessions, so no open page keeps what it allowed.
        login_sessions.end_all(user, keep_current=user.id == acting_user.id)
    audit.record(
        "user.roles_changed",
        "user",
        user.id,
        before={"roles": before},
        after={"roles": sorted(roles)},
    )


class _DummyHash:
    """A hash made once with the app's settings, used for unknown e-mails."""

    _value: str | None = None

    def get(self) -> str:
        if self._value is None:
            self._value = hash_password("not-a-real-password")
        return self._value


_DUMMY_HASH = _DummyHash()
