from webapp.app import create_app


def test_factory_applies_overrides(app):
    assert app.config["TESTING"] is True
    assert create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}).testing


def test_healthz_answers_ok(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_pages_carry_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
