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
