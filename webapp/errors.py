"""Error pages, and the same errors as fragments for htmx.

An htmx request gets the fragment alone, retargeted into the page's message area, so that a 403 or
409 shows its reason where the user is looking instead of replacing part of the page.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, g, render_template
from flask import make_response as flask_make_response
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from webapp.extensions import db, login_manager
from webapp.htmx import is_fragment_request, make_response

log = logging.getLogger(__name__)
# How long a client should wait before retrying while the database is away (a restart or a
# fail-over takes seconds).
RETRY_AFTER_SECONDS = 10


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: (
            _("Bad request"),
            _("The request could not be understood. Please check and try again."),
        ),
        401: (_("Please log in"), _("You need to log in to see this page.")),
        403: (
            _("Not allowed"),
            _("Your role does not allow this. Ask a coordinator or an administrator."),
        ),
        404: (_("Not found"), _("This page or record does not exist, or you cannot see it.")),
        405: (_("Not allowed"), _("This action is not available here.")),
        409: (_("Conflict"), _("This clashes with something that already exists.")),
        413: (_("Too large"), _("The file or form is too large.")),
        422: (_("Please check the form"), _("Some fields need your attention.")),
        429: (
            _("Too many attempts"),
            _("Too many attempts in a short time. Please wait a minute and try again."),
        ),
        500: (
            _("Something went wrong"),
            _("An unexpected error happened. It has been logged; please try again."),
        ),
        503: (
            _("Temporarily unavailable"),
            _("The service is busy or under maintenance. Please try again shortly."),
        ),
    }


def render_error(code: int, message: str | None = None):
    title, default_message = _titles().get(code, (_("Error"), ""))
    context = {"code": code, "title": title, "message": message or default_message}
    if is_fragment_request():
        response = make_response(
            render_template("errors/_error.html", **context),
            code,
            retarget="#messages",
            reswap="innerHTML",
        )
        return response
    return render_template("errors/error.html", **context), code


def _description(error: HTTPException) -> str | None:
    # Our own abort(409, description=...) carries a translated reason; werkzeug's defaults are English.
    description = getattr(error, "description", None)
    if error.code == 429:  # Flask-Limiter describes the limit in English ("10 per 1 minute")
        return None
    if description and description != type(error).description:
        return str(description)
    return None


def handle_http_exception(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    if error.code >= 500:
        _roll_back()
    return render_error(error.code, _description(error))


def handle_csrf_error(error: CSRFError):
    return render_error(
        400,
        _("The form has expired or was not sent from this site. Reload the page and try again."),
    )


def _roll_back() -> None:
    """Give up the transaction; when the connection is gone, rolling back fails too: ignore it."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        log.warning("rollback failed; the connection was lost", exc_info=True)


def database_unavailable(error: BaseException | None) -> bool:
    """The database cannot be reached (down, restarting, connection lost, pool exhausted)."""
    if isinstance(error, OperationalError | InterfaceError | PoolTimeoutError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def handle_database_unavailable(error: Exception):
    """503 with Retry-After, rendered without touching the database: the user is treated as a
    guest for this page (their record cannot be loaded), and nothing was saved."""
    log.error("database unavailable: %s", type(error).__name__)
    _roll_back()
    g._login_user = login_manager.anonymous_user()
    message = _(
        "The database cannot be reached right now. Nothing was saved; please try again in a"
        " few seconds."
    )
    response = flask_make_response(render_error(503, message))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def handle_data_error(error: DataError):
    """A value the database refuses (out of range, bad encoding) that slipped past validation:
    the request was bad, not the server. Logged without the values (hide_parameters)."""
    log.warning("database refused a value: %s", str(error.orig).splitlines()[0][:200])
    _roll_back()
    return render_error(
        400, _("The request contains a value that cannot be stored. Please check and try again.")
    )


def handle_unexpected(error: Exception):
    # An exception in an after_request hook (the commit) reaches us wrapped in a 500.
    original = getattr(error, "original_exception", None) or error
    if database_unavailable(original):
        return handle_database_unavailable(original)
    log.exception("unhandled error", exc_info=original)
    _roll_back()
    return render_error(500)


def handle_untrusted_host(error: SecurityError):
    """A Host header that is not in TRUSTED_HOSTS: no URL can be built, so no page; plain text."""
    return Response("400 Bad Request: unknown host", status=400, mimetype="text/plain")


def init_errors(app: Flask) -> None:
    app.register_error_handler(SecurityError, handle_untrusted_host)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, handle_unexpected)
    for error in (OperationalError, InterfaceError, PoolTimeoutError):
        app.register_error_handler(error, handle_database_unavailable)
    app.register_error_handler(DataError, handle_data_error)
    # Anything else is a bug: log it and show the 500 page (HTTPExceptions match the handler above).
    app.register_error_handler(Exception, handle_unexpected)
