"""The application factory: `flask --app webapp.app run`."""

from __future__ import annotations

import select
import time
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Engine, event
from sqlalchemy.exc import InvalidatePoolError
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp import errors, htmx
from webapp.assets import init_static
from webapp.compression import init_compression
from webapp.config import Config
from webapp.extensions import babel, csrf, db, limiter, migrate
from webapp.extensions import htmx as htmx_extension
from webapp.headers import add_security_headers
from webapp.i18n import (
    LANGUAGE_NAMES,
    babel_locale,
    select_locale,
    select_timezone,
    template_gettext,
)
from webapp.inputs import SqlIntegerConverter, refuse_control_characters
from webapp.labels import TEMPLATE_HELPERS
from webapp.navigation import nav_items_for_current_user
from webapp.offline import offline_owner
from webapp.pinyin import initial
from webapp.security import can_open, init_login
from webapp.transactions import read_without_transactions

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        "webapp",
        template_folder=str(ROOT / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
    )
    app.config.from_object(Config())
    if config:
        app.config.update(config)
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).parent / "translations")
    )
    check_connections = _tune_postgresql(app)
    # Before any blueprint adds its rules: ids in URLs stop at the range of an SQL integer.
    app.url_map.converters["int"] = SqlIntegerConverter

    db.init_app(app)
    if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        with app.app_context():
            # First: a ping on checkout (below) is then sent in autocommit too.
            read_without_transactions(db.engine)
            if check_connections:
                _check_connections_on_checkout(db.engine)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=babel_locale, timezone_selector=select_timezone)
    htmx_extension.init_app(app)
    limiter.init_app(app)
    init_login(app)
    errors.init_errors(app)
    init_compression(app)  # before every other after_request hook: it runs after them all

    from webapp import models  # noqa: F401  (registers every table with the metadata)

    _register_blueprints(app)
    _drop_the_limiters_request_hook(app)
    _register_request_hooks(app)
    init_static(app)
    if app.config.get("PROXY_COUNT"):
        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _register_template_helpers(app)

    from webapp.cli import register_cli

    register_cli(app)
    return app


def _tune_postgresql(app: Flask) -> bool:
    """Switch PostgreSQL's JIT off for our connections. Our queries are short; when the planner's
    estimate is high (stale statistics after a bulk import), JIT compiling alone took 0.4 s of a
    query that runs in 20 ms (measured on the volunteer list's date filter).

    Returns whether the pool's pre-ping is to be replaced by _check_connections_on_checkout."""
    if not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        return False
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    connect_args["options"] = (connect_args.get("options", "") + " -c jit=off").strip()
    # A database host that does not answer must not hold a request (and a worker) for minutes.
    connect_args.setdefault("connect_timeout", 5)
    options["connect_args"] = connect_args
    check_connections = bool(options.pop("pool_pre_ping", False))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    return check_connections


# A pooled connection that sat unused for this long is pinged before it is handed out.
PING_AFTER_IDLE_SECONDS = 10.0


def _check_connections_on_checkout(engine: Engine) -> None:
    """Pre-ping, without its round trip on a busy server.

    The pool's pre-ping costs a round trip to the database on every request. A connection that
    the server has ended (a restart, a crash, a terminated backend) has something to read on its
    socket (the server's farewell, or the end of the stream): that is checked locally, and only
    then, or after the connection sat idle for a while, is it pinged. A failed ping invalidates
    the pool, as pre-ping does, so the app recovers by itself after a database restart.
    """

    @event.listens_for(engine, "checkin")
    def note_checkin(dbapi_connection, record) -> None:
        record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def check(dbapi_connection, record, proxy) -> None:
        checked_in_at = record.info.get("checked_in_at")
        if checked_in_at is None:  # connected just now
            return
        idle = time.monotonic() - checked_in_at
        if idle < PING_AFTER_IDLE_SECONDS and not _has_input(dbapi_connection):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool closes every connection made before now and checks out a new one.
            raise InvalidatePoolError() from error


def _has_input(dbapi_connection) -> bool:
    """Whether the socket of an idle connection has something to read (or was closed)."""
    if dbapi_connection.closed:
        return True
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    return bool(poller.poll(0))


def _register_blueprints(app: Flask) -> None:
    from webapp.blueprints.admin.views import bp as admin_bp
    from webapp.blueprints.auth.views import bp as auth_bp
    from webapp.blueprints.children.views import bp as children_bp
    from webapp.blueprints.children.views.moved import old as children_moved_bp
    from webapp.blueprints.feeds.views import bp as feeds_bp
    from webapp.blueprints.homes.views import bp as homes_bp
    from webapp.blueprints.main.views import bp as main_bp
    from webapp.blueprints.notifications.views import bp as notifications_bp
    from webapp.blueprints.opportunities.views import bp as opportunities_bp
    from webapp.blueprints.planning.views import bp as planning_bp
    from webapp.blueprints.schedule.views import bp as schedule_bp
    from webapp.blueprints.volunteers.views import bp as volunteers_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(volunteers_bp)
    app.register_blueprint(children_bp)
    app.register_blueprint(children_moved_bp)
    app.register_blueprint(homes_bp)
    app.register_blueprint(opportunities_bp)
    app.register_blueprint(schedule_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(planning_bp)


def _drop_the_limiters_request_hook(app: Flask) -> None:
    """Our rate limits all sit on their views: @limiter.limit checks them as the view runs. The
    limiter's hook before every request looks for default, application and blueprint limits,
    which we have none of, and cost more than a cheap page's own work; it goes, unless such limits
    are configured."""
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits or manager._blueprint_limits:
        return
    app.before_request_funcs[None].remove(limiter._check_request_limit)


def _register_request_hooks(app: Flask) -> None:
    app.before_request(refuse_control_characters)

    @app.after_request
    def commit_or_roll_back(response):
        """One commit per request: views and services only flush; a failed request saves nothing."""
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.after_request
    def vary_and_security_headers(response):
        htmx.add_vary_header(response)
        return add_security_headers(response)


def _register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def inject_layout():
        # Our own code ("zh_CN"), not Babel's resolved "zh_Hans_CN": it names the language choices.
        locale = select_locale()
        return {
            "nav_items": nav_items_for_current_user(),
            "current_locale": locale,
            "html_lang": "zh-CN" if locale == "zh_CN" else locale,
            "language_names": LANGUAGE_NAMES,
            **template_gettext(),
        }

    app.jinja_env.globals.update(TEMPLATE_HELPERS)
    app.jinja_env.globals["can_open"] = can_open
    app.jinja_env.globals["name_initial"] = initial
    app.jinja_env.globals["offline_owner"] = offline_owner
