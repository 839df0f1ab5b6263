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
