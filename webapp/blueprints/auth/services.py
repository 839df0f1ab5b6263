"""Account rules: registration, authentication, password changes, roles."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from webapp import audit
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


def _profile_exists() -> str:
    return _(
        "A volunteer profile with this contact already exists. If it is yours, ask your"
        " coordinator for an invitation link to sign in."
    )


def email_taken(email: str) -> bool:
    return User.by_email(email) is not None


def register_volunteer(
    *, name: str, email: str, password: str, kind: str, phone: str | None, locale: str | None
) -> User:
    """A self-registered person is a volunteer with an unvetted profile; staff roles come later."""
    email = email.strip().lower()
    if email_taken(email):
        raise AccountError("email", _("An account with this e-mail already exists."))
    # A profile a coordinator created (by hand or by import) is claimed with an invitation link,
    # never by typing its phone number or e-mail here: anyone could type those.
    if db.session.scalar(select(func.count()).where(Volunteer.email == email)):
        raise AccountError("email", _profile_exists())
    if phone and db.session.scalar(select(func.count()).where(Volunteer.phone == phone)):
        raise AccountError("phone", _profile_exists())
    user = User(
        email=email, name=name.strip(), password_hash=hash_password(password), locale=locale
    )
    user.set_roles({VOLUNTEER})
    db.session.add(user)
    db.session.flush()
    db.session.add(
        Volunteer(user_id=user.id, kind=kind, name=user.name, email=email, phone=phone or None)
    )
    db.session.flush()
    audit.record("user.register", "user", user.id, after={"email": email}, actor_id=user.id)
    return user


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
    user.rotate_session_nonce()  # every other session and remember-me cookie stops working
    audit.record("user.password_changed", "user", user.id)
    db.session.flush()


def log_out_everywhere(user: User) -> None:
    user.rotate_session_nonce()
    audit.record("user.sessions_revoked", "user", user.id)
    db.session.flush()


def set_roles(user: User, roles: set[str], acting_user: User) -> None:
    if user.id == acting_user.id and "admin" in user.roles and "admin" not in roles:
        raise AccountError("roles", _("You cannot remove your own administrator role."))
    before = sorted(user.roles)
    user.set_roles(roles)
    db.session.flush()
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
