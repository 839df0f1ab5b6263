from flask_login import login_user, logout_user
from hypothesis import given
from hypothesis import strategies as st

from tests import factories
from webapp.security import can_open, hash_password, load_user, safe_next_url, verify_password


def test_password_hash_is_argon2_and_verifies(app):
    hashed = hash_password("a-long-password")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "a-long-password")
    assert not verify_password(hashed, "another-password")
    assert not verify_password("not-a-hash", "a-long-password")


def test_login_cookie_with_old_nonce_loads_no_user(app):
    user = factories.user()
    old_id = user.get_id()
    assert load_user(old_id) == user
    user.rotate_session_nonce()
    assert load_user(old_id) is None
    assert load_user(user.get_id()) == user


def test_malformed_user_ids_load_no_user(app):
    for raw in ("", "abc", "1", "1:", ":x", "x:y"):
        assert load_user(raw) is None


def test_safe_next_url_keeps_local_paths():
    assert safe_next_url("/dashboard?x=1") == "/dashboard?x=1"


@given(st.text())
def test_safe_next_url_never_returns_an_offsite_target(target):
    result = safe_next_url(target)
    if result is not None:
        assert result.startswith("/") and not result.startswith("//")
        assert "://" not in result.split("?")[0] and "\\" not in result


def test_can_open_follows_the_roles_a_view_requires(app):
    admin = factories.user(roles=["admin"])
    with app.test_request_context():
        assert not can_open("volunteers.index")  # a guest
        assert can_open("main.index")  # a page without a role check
        login_user(admin)
        assert can_open("admin.users")
        assert not can_open("volunteers.index")  # coordinators only
        assert not can_open("no.such_endpoint")
        logout_user()
