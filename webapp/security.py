"""Passwords, sessions and access checks."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp.extensions import login_manager
from webapp.htmx import hx_redirect, is_htmx_request


def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=current_app.config["ARGON2_TIME_COST"],
        memory_cost=current_app.config["ARGON2_MEMORY_COST"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def load_user(token: str):
    """flask-login's user loader: the cookie holds a login session's token (webapp.login_sessions)."""
    from webapp.login_sessions import load

    return load(token)


def unauthorized():
    """Not logged in: go to the login page (htmx gets HX-Redirect, a full-page navigation)."""
    target = url_for("auth.login", next=safe_next_url(request.full_path.rstrip("?")))
    if is_htmx_request():
        response = hx_redirect(target)
        response.status_code = 401
        return response
    return hx_redirect(target, status=302)


def init_login(app) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.session_protection = "basic"


def role_required(*roles: str) -> Callable:
    """Logged in and holding one of the roles; otherwise login redirect or 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # read by can_open(), so that links follow the same rule
        return wrapped

    return decorator


def can_open(endpoint: str) -> bool:
    """Whether the current user may open the pages of an endpoint (by role; object checks apart).

    Pages show a link only where this holds, so nobody is sent to a 403.
    """
    return user_can_open(current_user._get_current_object(), endpoint)


def user_can_open(user: Any, endpoint: str) -> bool:
    """can_open() for a user already at hand (the navigation asks for a dozen endpoints)."""
    view = current_app.view_functions.get(endpoint)
    if view is None:
        return False
    roles = getattr(view, "allowed_roles", None)
    if roles is None:
        return True
    return bool(user.is_authenticated and user.has_role(*roles))


def safe_next_url(target: str | None) -> str | None:
    """Only same-site paths; "//evil.example" and absolute URLs are dropped."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


WEAK_PASSWORD_MESSAGE = _l("Use at least 10 characters.")
MIN_PASSWORD_LENGTH = 10
