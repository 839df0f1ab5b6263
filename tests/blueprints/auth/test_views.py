"""Accounts as a user meets them: register, log in, log out, change password, language."""

from http.cookies import SimpleCookie

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token_from
from webapp import throttle
from webapp.extensions import db
from webapp.models import AuditLog, LoginSession, User


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_login_with_right_password_redirects_to_next(client, auth):
    user = factories.user()
    response = client.post(
        "/auth/login?next=/admin/users", data={"email": user.email, "password": factories.PASSWORD}
    )
    assert response.headers["Location"] == "/admin/users"


def test_login_ignores_offsite_next(client):
    user = factories.user()
    response = client.post(
        "/auth/login?next=//evil.example/x",
        data={"email": user.email, "password": factories.PASSWORD},
    )
    assert response.headers["Location"] == "/dashboard"


def test_login_email_is_case_insensitive(auth):
    factories.user(email="mixed@example.org")
    assert auth.login("MIXED@Example.org").status_code == 303


@pytest.mark.parametrize(
    "email,password",
    [("known@example.org", "wrong-password-x"), ("nobody@example.org", factories.PASSWORD)],
)
def test_wrong_password_or_unknown_email_get_the_same_message(client, email, password):
    factories.user(email="known@example.org")
    response = client.post("/auth/login", data={"email": email, "password": password})
    assert response.status_code == 422
    assert "邮箱或密码错误" in response.get_data(as_text=True)


def test_login_message_follows_browser_language(client):
    response = client.post(
        "/auth/login",
        data={"email": "nobody@example.org", "password": "x" * 12},
        headers={"Accept-Language": "en-US,en;q=0.9"},
    )
    assert "E-mail or password is wrong." in response.get_data(as_text=True)


def test_inactive_user_cannot_log_in(auth):
    user = factories.user(active=False)
    assert auth.login(user.email).status_code == 422


def _fail(client, email="target@example.org", address="10.0.0.1"):
    return client.post(
        "/auth/login",
        data={"email": email, "password": "wrong-password"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_repeated_failures_from_one_address_make_it_wait_longer_each_time(app, client):
    factories.user(email="target@example.org")
    for _ in range(throttle.FREE_TRIES_PER_ACCOUNT):
        assert _fail(client).status_code == 422
    assert _fail(client).status_code == 422  # counted; from now on this address waits
    response = _fail(client)
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert "尝试次数过多" in body
    assert "per 1 minute" not in body  # Flask-Limiter's English description stays out
    assert int(response.headers["Retry-After"]) >= 1


def test_a_waiting_address_cannot_even_try_the_right_password(client):
    factories.user(email="target@example.org")
    for _ in range(throttle.FREE_TRIES_PER_ACCOUNT + 1):
        _fail(client)
    response = client.post(
        "/auth/login",
        data={"email": "target@example.org", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert response.status_code == 429


def test_a_stranger_cannot_lock_the_owner_out(app):
    factories.user(email="target@example.org")
    stranger = app.test_client()
    for _ in range(30):
        _fail(stranger, address="203.0.113.9")
    owner = app.test_client()
    response = owner.post(
        "/auth/login",
        data={"email": "target@example.org", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert response.status_code == 303


def test_many_accounts_from_one_address_are_throttled_too(app):
    client = app.test_client()
    for n in range(throttle.FREE_TRIES_PER_ADDRESS + 1):
        assert _fail(client, email=f"guess{n}@example.org", address="10.9.9.9").status_code == 422
    assert _fail(client, email="another@example.org", address="10.9.9.9").status_code == 429


def test_a_right_password_forgives_the_earlier_failures(client):
    factories.user(email="target@example.org")
    for _ in range(throttle.FREE_TRIES_PER_ACCOUNT):
        _fail(client)
    ok = client.post(
        "/auth/login",
        data={"email": "target@example.org", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert ok.status_code == 303
    client.post("/auth/logout")
    for _ in range(throttle.FREE_TRIES_PER_ACCOUNT):
        assert _fail(client).status_code == 422


def test_logout_ends_the_session(client, auth):
    user = factories.user()
    auth.login(user.email)
    assert auth.logout().status_code == 303
    assert client.get("/dashboard").status_code == 302


def test_logout_by_get_is_not_allowed(client, auth):
    user = factories.user()
    auth.login(user.email)
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/dashboard").status_code == 200


def test_protected_page_redirects_to_login_with_next(client):
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=/dashboard")


def test_protected_page_for_htmx_answers_401_with_hx_redirect(client):
    response = client.get("/admin/users", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/auth/login?next=")


def test_missing_csrf_token_gets_400_and_nothing_is_stored(client, csrf_enabled):
    user = factories.user()
    response = client.post(
        "/auth/login", data={"email": user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)
    assert _count(LoginSession) == 0


def test_form_with_csrf_token_from_page_is_accepted(client, csrf_enabled):
    user = factories.user()
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    response = client.post(
        "/auth/login",
        data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 303


def test_htmx_request_with_csrf_header_is_accepted(client, csrf_enabled):
    user = factories.user()
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    response = client.post(
        "/auth/login",
        data={"email": user.email, "password": factories.PASSWORD},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/dashboard"


def test_tampered_session_cookie_is_treated_as_logged_out(client, auth):
    user = factories.user()
    auth.login(user.email)
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value[:-3] + "abc")
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_password_change_revokes_other_sessions_but_keeps_this_one(app, auth, client):
    user = factories.user()
    other_device = app.test_client()
    assert (
        other_device.post(
            "/auth/login", data={"email": user.email, "password": factories.PASSWORD}
        ).status_code
        == 303
    )
    auth.login(user.email)
    response = client.post(
        "/auth/account",
        data={
            "current_password": factories.PASSWORD,
            "new_password": "new-password-123",
            "confirm": "new-password-123",
        },
    )
    assert response.status_code == 303
    assert client.get("/dashboard").status_code == 200
    assert other_device.get("/dashboard").status_code == 302
    assert (
        db.session.scalar(select(AuditLog).where(AuditLog.action == "user.password_changed"))
        is not None
    )


def test_password_change_with_wrong_current_password_is_refused(client, auth):
    user = factories.user()
    auth.login(user.email)
    before = db.session.get(User, user.id).password_hash
    response = client.post(
        "/auth/account",
        data={
            "current_password": "not-it-at-all",
            "new_password": "new-password-123",
            "confirm": "new-password-123",
        },
    )
    assert response.status_code == 422
    assert "当前密码不正确" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before


def test_log_out_everywhere_revokes_remember_me_cookies(app, auth, client):
    user = factories.user()
    phone = app.test_client()
    phone.post(
        "/auth/login", data={"email": user.email, "password": factories.PASSWORD, "remember": "y"}
    )
    assert phone.get_cookie("remember_token") is not None
    phone.delete_cookie("session")  # the browser was closed; only the remember cookie is left
    assert phone.get("/dashboard").status_code == 200
    auth.login(user.email)
    assert client.post("/auth/logout-everywhere").status_code == 303
    phone.delete_cookie("session")
    assert phone.get("/dashboard").status_code == 302
    assert client.get("/dashboard").status_code == 200


def test_session_cookie_is_httponly_and_lax(client, auth):
    user = factories.user()
    response = auth.login(user.email)
    header = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))
    cookie = SimpleCookie(header)["session"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_switching_language_as_guest_keeps_it_in_the_session(client):
    response = client.post("/auth/language", data={"locale": "en", "next": "/auth/login"})
    assert response.headers["Location"] == "/auth/login"
    assert "<h1>Log in</h1>" in client.get("/auth/login").get_data(as_text=True)


def test_switching_language_when_logged_in_is_stored_on_the_user(client, auth):
    user = factories.user()
    auth.login(user.email)
    client.post("/auth/language", data={"locale": "en"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"


def test_unknown_language_gets_400(client):
    response = client.post("/auth/language", data={"locale": "xx"})
    assert response.status_code == 400
    assert "不支持的语言" in response.get_data(as_text=True)


def test_login_page_lists_demo_accounts_only_while_demo_is_loaded(client, app):
    assert "admin@example.org" not in client.get("/auth/login").get_data(as_text=True)
    from webapp.demo import load_demo_county

    load_demo_county()
    db.session.commit()
    assert "admin@example.org" in client.get("/auth/login").get_data(as_text=True)


def test_language_chosen_as_guest_is_kept_after_login(client, auth):
    user = factories.user()
    client.post("/auth/language", data={"locale": "en"})
    auth.login(user.email)
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
    assert "Dashboard" in client.get("/dashboard").get_data(as_text=True)
