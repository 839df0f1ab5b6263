"""Error pages, and the same errors as fragments for htmx.

An htmx request gets the fragment alone, retargeted into the page's message area, so that a 403 or
409 shows its reason where the user is looking instead of replacing part of the page.
"""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from webapp.extensions import db
from webapp.htmx import is_fragment_request, make_response

log = logging.getLogger(__name__)


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
        db.session.rollback()
    return render_error(error.code, _description(error))


def handle_csrf_error(error: CSRFError):
    return render_error(
        400,
        _("The form has expired or was not sent from this site. Reload the page and try again."),
    )


def handle_unexpected(error: Exception):
    log.exception("unhandled error", exc_info=error)
    db.session.rollback()
    return render_error(500)


def init_errors(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, handle_unexpected)
    # Anything else is a bug: log it and show the 500 page (HTTPExceptions match the handler above).
    app.register_error_handler(Exception, handle_unexpected)
