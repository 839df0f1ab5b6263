"""Error pages: a page for browsers, a fragment into #messages for htmx, never a bare 500."""

import pytest
from flask import abort

ERROR_TEXT = {
    400: "请求有误",
    403: "无权操作",
    404: "未找到",
    409: "冲突",
    422: "请检查表单",
    429: "尝试次数过多",
    500: "出错了",
    503: "暂时无法使用",
}


def _fail(code: int):
    if code == 500:
        raise RuntimeError("boom")
    abort(code)


def _clash():
    abort(409, description="与 10:00 的读书会冲突")


@pytest.fixture
def failing_routes(app):
    """Test-only routes that fail in each way, added once to the shared app."""
    app._got_first_request = False  # Flask refuses new routes after the first request otherwise
    if "fail" not in app.view_functions:
        app.add_url_rule("/_test/fail/<int:code>", "fail", _fail)
        app.add_url_rule("/_test/clash", "clash", _clash)
    return app


@pytest.mark.parametrize("code", sorted(ERROR_TEXT))
def test_error_renders_full_page_with_reason(failing_routes, client, code):
    response = client.get(f"/_test/fail/{code}")
    assert response.status_code == code
    body = response.get_data(as_text=True)
    assert "<html" in body and ERROR_TEXT[code] in body


@pytest.mark.parametrize("code", sorted(ERROR_TEXT))
def test_error_renders_fragment_for_htmx_into_messages(failing_routes, client, code):
    response = client.get(f"/_test/fail/{code}", headers={"HX-Request": "true"})
    assert response.status_code == code
    body = response.get_data(as_text=True)
    assert "<html" not in body and ERROR_TEXT[code] in body
    assert response.headers["HX-Retarget"] == "#messages"


def test_error_page_in_english_when_browser_asks(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert response.status_code == 404 and "Not found" in response.get_data(as_text=True)


def test_abort_with_description_shows_the_reason(failing_routes, client):
    body = client.get("/_test/clash").get_data(as_text=True)
    assert "与 10:00 的读书会冲突" in body


# --- The database away --------------------------------------------------------------------------


@pytest.fixture
def app_without_database(tmp_path):
    """The app pointed at a database that cannot be opened (as when PostgreSQL is down)."""
    from webapp.app import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 32,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}])
def test_pages_answer_503_with_retry_after_when_the_database_is_away(app_without_database, headers):
    response = app_without_database.test_client().get("/auth/login", headers=headers)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    body = response.get_data(as_text=True)
    assert "暂时无法连接数据库" in body and "Traceback" not in body
    if headers:
        assert response.headers["HX-Retarget"] == "#messages"
        assert "<html" not in body


def test_a_logged_in_page_answers_503_too(app_without_database):
    client = app_without_database.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "some-login-token"
    response = client.get("/dashboard", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert "The database cannot be reached" in response.get_data(as_text=True)


def test_healthz_is_alive_and_readyz_is_not_when_the_database_is_away(app_without_database):
    client = app_without_database.test_client()
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["status"] == "unavailable"
    assert "Retry-After" in ready.headers


def test_readyz_is_ready_on_a_migrated_database(client):
    assert client.get("/readyz").json == {"status": "ready"}


def test_readyz_names_pending_migrations(app, client):
    import sqlalchemy as sa

    from webapp.extensions import db

    db.session.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
    db.session.commit()
    try:
        response = client.get("/readyz")
        assert response.status_code == 503 and "migrations not current" in response.json["reason"]
    finally:
        from webapp.readiness import expected_revisions

        (head,) = expected_revisions()
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": head})
        db.session.commit()


def test_sql_errors_never_show_the_values_of_the_statement(app):
    from webapp.extensions import db

    assert db.engine.hide_parameters
