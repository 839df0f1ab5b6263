"""Locale and time-zone selection: the user's choice, else the browser's, else Chinese."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from babel import Locale
from flask import current_app, has_request_context, request, session
from flask_babel import get_translations
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}


def select_locale() -> str:
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():  # a worker thread, the CLI: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    user = current_user._get_current_object()  # one look-up through the proxy, not four
    if user is not None and user.is_authenticated and user.locale in supported:
        return user.locale
    if session.get("locale") in supported:
        return session["locale"]
    best = request.accept_languages.best_match(supported + ["zh", "zh-CN", "en-US"])
    if best in ("zh", "zh-CN"):
        return "zh_CN"
    if best == "en-US":
        return "en"
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


# Parsing a locale's name costs ~35 µs; Flask-Babel would do it on every request.
_PARSED: dict[str, Locale] = {}


def babel_locale() -> Locale:
    """Flask-Babel's locale selector: select_locale(), parsed once per language."""
    code = select_locale()  # one of LANGUAGES (or the default): a handful at most
    locale = _PARSED.get(code)
    if locale is None:
        locale = _PARSED[code] = Locale.parse(code)
    return locale


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def template_gettext() -> dict[str, Callable[..., str]]:
    """`_`, `gettext` and `ngettext` for one render, bound to the catalog of its language.

    Flask-Babel's template functions look the catalog up through several context-locals on
    every call (and Jinja's `_` adds two more calls): ~40 µs per string, so a page with 60
    strings spent over 2 ms on them. These are chosen once per render (a context processor), in
    the language Flask-Babel chose for the request (or a force_locale around the render), and
    behave as Jinja's new-style gettext: escaped when autoescaping, always %-formatted.
    """
    translations = get_translations()
    translate, translate_plural = translations.ugettext, translations.ungettext

    @pass_context
    def gettext(context: Context, string: str, **variables: Any) -> str:
        text = translate(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        # Formatting without variables only matters for "%%"; skipping it saves the most time.
        return text % variables if variables or "%" in text else text

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        text = translate_plural(singular, plural, num)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}
