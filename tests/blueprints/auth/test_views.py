"""Accounts as a user meets them: register, log in, log out, change password, language."""

from http.cookies import SimpleCookie

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token_from
from webapp.extensions import db
from webapp.models import AuditLog, User, Volunteer


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _register(client, **overrides):
    data = {
        "name": "王小明",
        "email": "xiaoming@example.org",
        "phone": "13800138000",
        "kind": "college_student",
        "password": "a-long-password",
        "confirm": "a-long-password",
    }
    data.update(overrides)
    return client.post("/auth/register", data=data)


def test_register_creates_volunteer_account_and_logs_in(client):
    response = _register(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/dashboard"
    user = User.by_email("xiaoming@example.org")
    assert user.roles == {"volunteer"}
    profile = db.session.scalar(select(Volunteer).where(Volunteer.user_id == user.id))
    assert profile.kind == "college_student" and profile.vetting_status == "none"
    assert client.get("/dashboard").status_code == 200


def test_register_never_grants_staff_roles_even_if_posted(client):
    _register(client, roles="admin", role="coordinator")
    assert User.by_email("xiaoming@example.org").roles == {"volunteer"}


def test_register_with_duplicate_email_rerenders_422_and_stores_nothing(client):
    factories.user(email="taken@example.org")
    response = _register(client, email="TAKEN@example.org")
    assert response.status_code == 422
    assert "该邮箱已注册账号" in response.get_data(as_text=True)
    assert _count(User) == 1 and _count(Volunteer) == 0


def test_register_with_short_password_is_refused_with_reason(client):
    response = _register(client, password="short", confirm="short")
    assert response.status_code == 422
    assert "至少需要 10 个字符" in response.get_data(as_text=True)
    assert _count(User) == 0


def test_register_with_mismatched_confirmation_is_refused(client):
    response = _register(client, confirm="something-else")
    assert response.status_code == 422
    assert "两次输入的密码不一致" in response.get_data(as_text=True)


def test_register_with_bad_email_and_phone_shows_both_errors(client):
    response = _register(client, email="not-an-email", phone="12345")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请输入有效的邮箱地址" in body and "请输入 11 位手机号码" in body


def test_register_with_duplicate_phone_is_refused(client):
    factories.volunteer(phone="13800138000")
    response = _register(client)
    assert response.status_code == 422
    assert _count(User) == 0


def test_register_with_the_email_of_an_imported_profile_points_to_an_invitation(client):
    factories.volunteer(email="xiaoming@example.org", phone="13900000001")
    response = _register(client, phone="")
    assert response.status_code == 422
    assert "邀请链接" in response.get_data(as_text=True)
    assert _count(User) == 0 and _count(Volunteer) == 1


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


def test_eleventh_login_attempt_in_a_minute_gets_429(client):
    factories.user(email="target@example.org")
    for _ in range(10):
        assert (
            client.post(
                "/auth/login", data={"email": "target@example.org", "password": "wrong-password"}
            ).status_code
            == 422
        )
    response = client.post(
        "/auth/login", data={"email": "target@example.org", "password": "wrong-password"}
    )
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert "尝试次数过多" in body and "请等一分钟后再试" in body
    assert "per 1 minute" not in body  # Flask-Limiter's English description stays out


def test_login_limit_counts_per_account_across_addresses(app):
    factories.user(email="target@example.org")
    for n in range(10):
        client = app.test_client()
        client.post(
            "/auth/login",
            data={"email": "target@example.org", "password": "wrong-password"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
        )
    response = app.test_client().post(
        "/auth/login",
        data={"email": "target@example.org", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.1.1"},
    )
    assert response.status_code == 429


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
    response = _register(client)
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)
    assert _count(User) == 0


def test_form_with_csrf_token_from_page_is_accepted(client, csrf_enabled):
    token = csrf_token_from(client.get("/auth/register").get_data(as_text=True))
    assert _register(client, csrf_token=token).status_code == 303


def test_htmx_request_with_csrf_header_is_accepted(client, csrf_enabled):
    token = csrf_token_from(client.get("/auth/register").get_data(as_text=True))
    data = {
        "name": "甲",
        "email": "a@example.org",
        "kind": "teacher",
        "password": "0123456789",
        "confirm": "0123456789",
    }
    response = client.post(
        "/auth/register", data=data, headers={"HX-Request": "true", "X-CSRFToken": token}
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
