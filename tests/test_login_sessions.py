"""Sessions end for real: logging out, "log out everywhere", a new password or a removed role
make the old cookies worthless; "keep me logged in" lasts 30 days at most."""

from __future__ import annotations

from datetime import timedelta
from http.cookies import SimpleCookie

from sqlalchemy import func, select, update

from tests import factories
from tests.conftest import AuthActions
from webapp import login_sessions
from webapp.extensions import db
from webapp.models import LoginSession, UserRole
from webapp.models.base import utcnow


def _logged_in(client) -> bool:
    return client.get("/dashboard").status_code == 200


def _sessions(user) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LoginSession).where(LoginSession.user_id == user.id)
    )


def test_a_session_cookie_replayed_after_logout_is_not_logged_in(app, client, auth):
    user = factories.user()
    auth.login(user.email)
    stolen = client.get_cookie("session").value
    assert auth.logout().status_code == 303
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert not _logged_in(thief)
    assert _sessions(user) == 0


def test_a_remember_cookie_replayed_after_logout_is_not_logged_in(app, client):
    user = factories.user()
    AuthActions(client).login(user.email, remember="y")
    stolen = client.get_cookie("remember_token").value
    client.post("/auth/logout")
    thief = app.test_client()
    thief.set_cookie("remember_token", stolen)
    assert not _logged_in(thief)


def test_remember_me_lasts_30_days_at_most(client):
    user = factories.user()
    response = AuthActions(client).login(user.email, remember="y")
    header = next(
        v for v in response.headers.getlist("Set-Cookie") if v.startswith("remember_token=")
    )
    cookie = SimpleCookie(header)["remember_token"]
    assert cookie["httponly"]
    from email.utils import parsedate_to_datetime

    lifetime = parsedate_to_datetime(cookie["expires"]) - utcnow()
    assert timedelta(days=29) < lifetime <= timedelta(days=30, minutes=1)
    record = db.session.scalar(select(LoginSession))
    assert record.remember and record.expires_at - record.created_at == timedelta(days=30)


def test_a_remembered_session_ends_after_30_days_even_if_used(app, client):
    user = factories.user()
    AuthActions(client).login(user.email, remember="y")
    db.session.execute(update(LoginSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert not _logged_in(client)


def test_a_session_without_remember_ends_after_idle_hours(client, auth):
    user = factories.user()
    auth.login(user.email)
    record = db.session.scalar(select(LoginSession))
    assert not record.remember
    assert record.expires_at - record.created_at == login_sessions.IDLE
    db.session.execute(update(LoginSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert not _logged_in(client)


def test_activity_keeps_an_idle_session_alive(client, auth):
    user = factories.user()
    auth.login(user.email)
    long_ago = utcnow() - timedelta(hours=11)
    db.session.execute(
        update(LoginSession).values(
            last_seen_at=long_ago, expires_at=long_ago + login_sessions.IDLE
        )
    )
    db.session.commit()
    assert _logged_in(client)
    db.session.expire_all()
    record = db.session.scalar(select(LoginSession))
    assert record.expires_at > utcnow() + login_sessions.IDLE - timedelta(minutes=1)


def test_removing_a_role_ends_that_persons_sessions(app, admin_client):
    staff = factories.user(roles=("coordinator", "volunteer"))
    device = app.test_client()
    AuthActions(device).login(staff.email)
    assert device.get("/volunteers/").status_code == 200
    response = admin_client.post(f"/admin/users/{staff.id}/roles", data={"roles": ["volunteer"]})
    assert response.status_code == 200
    assert not _logged_in(device)
    assert _logged_in(admin_client)


def test_adding_a_role_keeps_the_sessions(app, admin_client):
    person = factories.user(roles=("volunteer",))
    device = app.test_client()
    AuthActions(device).login(person.email)
    admin_client.post(
        f"/admin/users/{person.id}/roles", data={"roles": ["volunteer", "home_manager"]}
    )
    assert _logged_in(device)


def test_only_a_hash_of_the_token_is_stored(client, auth):
    user = factories.user()
    auth.login(user.email)
    cookie = client.get_cookie("session").value
    record = db.session.scalar(select(LoginSession))
    assert record.token_hash not in cookie
    assert len(record.token_hash) == 64


def test_each_login_is_its_own_session_and_the_account_page_lists_them(app, client, auth):
    user = factories.user()
    AuthActions(app.test_client()).login(user.email)
    auth.login(user.email)
    assert _sessions(user) == 2
    page = client.get("/auth/account").get_data(as_text=True)
    assert page.count("<li>") >= 2 and "本设备" in page


def test_a_deactivated_person_is_logged_out(client, auth):
    user = factories.user()
    auth.login(user.email)
    user.active = False
    db.session.commit()
    assert not _logged_in(client)


def test_devices_are_named_as_people_know_them():
    wechat = (
        "Mozilla/5.0 (Linux; Android 13; V2164A) AppleWebKit/537.36 (KHTML, like Gecko)"
        " Chrome/116.0 Mobile Safari/537.36 MicroMessenger/8.0.47"
    )
    assert login_sessions.device_label(wechat) == "WeChat · Android"
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Safari/604.1"
    assert login_sessions.device_label(iphone) == "Safari · iPhone"
    assert login_sessions.device_label("") == ""


def test_the_role_names_read_with_the_session_follow_changes_of_the_roles(app):
    person = factories.user(roles=("volunteer", "home_manager"))
    with app.test_request_context("/"):
        login_sessions.start(person)
        token = person.login_token
        db.session.commit()
        db.session.expunge_all()
        user = login_sessions.load(token)
        assert user.roles == {"volunteer", "home_manager"} and user.has_role("home_manager")
        assert not user.has_role("coordinator")
        user.set_roles({"volunteer", "coordinator"})
        assert user.has_role("coordinator") and not user.has_role("home_manager")
        user.use_role_names(["volunteer"])
        user.role_rows.append(UserRole(role="admin"))
        assert user.has_role("admin")
        db.session.flush()
        user.use_role_names(["volunteer"])
        db.session.expire(user)
        assert user.roles == {"volunteer", "coordinator", "admin"}


def test_a_new_role_shows_on_the_next_request(app, admin_client):
    person = factories.user(roles=("volunteer",))
    device = app.test_client()
    AuthActions(device).login(person.email)
    assert device.get("/volunteers/").status_code == 403
    admin_client.post(
        f"/admin/users/{person.id}/roles", data={"roles": ["volunteer", "coordinator"]}
    )
    assert device.get("/volunteers/").status_code == 200
