"""Shared fixtures: one migrated database per test session, emptied after every test.

DATABASE_URL picks the database (PostgreSQL in CI); without it a SQLite file in a temp folder.
Requests commit for real (as in production), so tests see exactly what users would; cleaning
afterwards keeps tests independent.
"""

from __future__ import annotations

import contextvars
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from webapp.app import create_app
from webapp.extensions import db, limiter

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


def _is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        from webapp.config import database_url as normalise

        return normalise()
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def reset_schema(url: str) -> None:
    """Empty database, then every migration from the first to the head."""
    if _is_postgres(url):
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()


class FreshContextClient(FlaskClient):
    """Each request runs as in production: its own app context, `g` and database session.

    Tests hold an app context open (for factories and queries); without this, Flask would reuse
    it for the request and leak `g` and the session between requests.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def static_build(tmp_path_factory) -> Path:
    """The static files built from the sources as they are now (hashed names, .gz, .br)."""
    from webapp import assets

    folder = tmp_path_factory.mktemp("build") / "static"
    assets.build(target=folder)
    return folder


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory, static_build) -> Iterator[Flask]:
    os.environ.setdefault("SHOUWANG_INSTANCE", str(tmp_path_factory.mktemp("instance")))
    app = create_app(
        {
            "STATIC_BUILD_DIR": str(static_build),
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            # Cheap hashes: the suite logs in hundreds of times.
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "SERVER_NAME": None,
            # Feeds rebuilt on every request, so a test sees its change at once.
            "FEED_CACHE_SECONDS": 0,
        }
    )
    app.test_client_class = FreshContextClient
    reset_schema(database_url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def empty_all_tables() -> None:
    """Delete every row (but alembic's), then restore the default skills the migration inserts."""
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        # DELETE, children before parents, then restart the id sequences: for the few rows a
        # test leaves, ten times faster than TRUNCATE (which costs a fixed time per table).
        db.session.execute(sa.text("; ".join(f'DELETE FROM "{t.name}"' for t in tables)))
        sequences = db.session.scalars(
            sa.text(
                "SELECT sequence_name FROM information_schema.sequences"
                " WHERE sequence_schema = current_schema()"
            )
        ).all()
        if sequences:
            db.session.execute(
                sa.text("; ".join(f'ALTER SEQUENCE "{s}" RESTART' for s in sequences))
            )
    else:
        for table in tables:
            db.session.execute(table.delete())
        db.session.execute(
            sa.text("DELETE FROM sqlite_sequence")
        ) if _has_sqlite_sequence() else None
    from webapp.demo import ensure_default_skills

    ensure_default_skills()
    db.session.commit()


def _has_sqlite_sequence() -> bool:
    return bool(
        db.session.execute(
            sa.text("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'")
        ).first()
    )


@pytest.fixture
def app(_app: Flask) -> Iterator[Flask]:
    """The app inside an app context, on an empty database; limits reset."""
    with _app.app_context():
        limiter.reset()
        yield _app
        db.session.rollback()
        empty_all_tables()
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def csrf_enabled(app: Flask) -> Iterator[None]:
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "page has no csrf-token meta tag"
    return match.group(1)


class AuthActions:
    """Log in and out as a user would, through the login form."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = factories.PASSWORD, **extra):
        return self._client.post(
            "/auth/login", data={"email": email, "password": password, **extra}
        )

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


def _client_with_role(app: Flask, *roles: str) -> FlaskClient:
    user = factories.user(roles=roles)
    client = app.test_client()
    response = AuthActions(client).login(user.email)
    assert response.status_code in (302, 303), response.status_code
    client.user = user  # the logged-in user, for assertions
    return client


@pytest.fixture
def admin_client(app):
    return _client_with_role(app, "admin")


@pytest.fixture
def coordinator_client(app):
    return _client_with_role(app, "coordinator")


@pytest.fixture
def manager_client(app):
    return _client_with_role(app, "home_manager")


@pytest.fixture
def volunteer_client(app):
    return _client_with_role(app, "volunteer")


@pytest.fixture
def english_request(request):
    """Rule messages are translated, which needs a request: tests with `app` get one, in English."""
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        with app.test_request_context(headers={"Accept-Language": "en"}):
            yield
    else:
        yield


@pytest.fixture
def count_statements(app):
    """count_statements(request) -> how many SQL statements the call ran (N+1 guards)."""

    def run(call) -> int:
        count = 0

        def counter(*_args):
            nonlocal count
            count += 1

        sa.event.listen(db.engine, "before_cursor_execute", counter)
        try:
            call()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counter)
        return count

    return run


# --- End-to-end: the real app served over HTTP, driven by headless Chromium -------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def _live_server(_app: Flask) -> Iterator[str]:
    from werkzeug.serving import make_server

    from webapp.devserver import KeepAliveRequestHandler

    # The server of `make run`: Werkzeug's, with keep-alive.
    server = make_server(
        "127.0.0.1", 0, _app, threaded=True, request_handler=KeepAliveRequestHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture
def live_server(app: Flask, _live_server: str) -> Iterator[str]:
    """Base URL of the running app, with CSRF on as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield _live_server
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture(scope="session")
def _browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.__reportCspViolation(event.violatedDirective + " blocked " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


@pytest.fixture
def page(_browser, live_server):
    """A fresh browser tab (own cookies), Chinese as the browser language.

    The app's Content-Security-Policy is on; any violation (an inline script or handler, an
    inline style, eval) fails the test, so the pages keep working under the policy.
    """
    context = _browser.new_context(locale="zh-CN", base_url=live_server)
    context.set_default_timeout(10_000)
    violations: list[str] = []
    context.expose_binding("__reportCspViolation", lambda _source, text: violations.append(text))
    context.add_init_script(CSP_LISTENER)
    tab = context.new_page()
    tab.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield tab
    context.close()
    assert violations == [], "Content-Security-Policy violations in the browser"


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def log_in_through_form(page, email: str, password: str = factories.PASSWORD):
    """Log in through the real login form in a browser tab; returns the tab."""
    page.goto("/auth/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/dashboard")
    return page


PHONE_VIEWPORT = {"width": 390, "height": 844}


@pytest.fixture
def phone(_browser, live_server):
    """Open a phone-sized tab (390 px, touch, Chinese) logged in as someone; closed afterwards."""
    contexts = []

    def open_as(email: str, password: str = factories.PASSWORD):
        context = _browser.new_context(
            locale="zh-CN",
            base_url=live_server,
            viewport=PHONE_VIEWPORT,
            is_mobile=True,
            has_touch=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return log_in_through_form(context.new_page(), email, password)

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def browser_login(page):
    """Log in through the real login form in the browser; returns the page."""

    def login(email: str, password: str = factories.PASSWORD):
        return log_in_through_form(page, email, password)

    return login
