import pytest
from sqlalchemy import text

from webapp.app import create_app
from webapp.extensions import db


def test_factory_applies_overrides(app):
    assert app.config["TESTING"] is True
    assert create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}).testing


def test_healthz_answers_ok(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_pages_carry_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_postgresql_connections_run_without_jit():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@127.0.0.1:1/x"})
    assert "-c jit=off" in app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["options"]
    sqlite = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "connect_args" not in sqlite.config["SQLALCHEMY_ENGINE_OPTIONS"]


def test_jit_is_off_on_the_live_database(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (DATABASE_URL)")
    assert db.session.scalar(text("SHOW jit")) == "off"


def test_only_trusted_hosts_are_served_when_configured(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["shouwang.example"])
    assert client.get("/healthz", base_url="http://shouwang.example").status_code == 200
    assert client.get("/auth/register", base_url="http://evil.example").status_code == 400


def test_trusted_hosts_come_from_the_environment(monkeypatch):
    from webapp.config import Config

    monkeypatch.setenv("TRUSTED_HOSTS", "a.example, b.example")
    assert Config().TRUSTED_HOSTS == ["a.example", "b.example"]
    monkeypatch.delenv("TRUSTED_HOSTS")
    assert Config().TRUSTED_HOSTS is None


def _postgresql_app(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (DATABASE_URL)")
    return create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})


def test_a_connection_the_server_ended_is_replaced_before_use(app):
    """Pre-ping without its round trip: an ended connection is seen on its socket."""
    import select
    import time

    other = _postgresql_app(app)
    with other.app_context():
        engine = db.engine
        with engine.connect() as conn:
            ended = conn.execute(text("SELECT pg_backend_pid()")).scalar()
            fd = conn.connection.dbapi_connection.fileno()
    # ended by the server, as a restart does, while the connection waits in the pool
    db.session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": ended})
    with other.app_context():
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        deadline = time.monotonic() + 5
        while not poller.poll(50):
            assert time.monotonic() < deadline
        with engine.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != ended
        engine.dispose()


def test_only_connections_that_sat_idle_are_pinged(app, monkeypatch):
    import webapp.app

    other = _postgresql_app(app)
    with other.app_context():
        engine = db.engine
        pings = []
        real_ping = engine.dialect.do_ping
        monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(c) or real_ping(c))
        for _ in range(3):
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        assert pings == []  # busy: no round trip
        monkeypatch.setattr(webapp.app, "PING_AFTER_IDLE_SECONDS", 0)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        assert len(pings) == 1
        engine.dispose()
