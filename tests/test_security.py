from flask_login import logout_user
from hypothesis import given
from hypothesis import strategies as st

from tests import factories
from webapp import login_sessions
from webapp.security import can_open, hash_password, load_user, safe_next_url, verify_password


def test_password_hash_is_argon2_and_verifies(app):
    hashed = hash_password("a-long-password")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "a-long-password")
    assert not verify_password(hashed, "another-password")
    assert not verify_password("not-a-hash", "a-long-password")


def test_unknown_or_malformed_tokens_load_no_user(app):
    factories.user()
    for raw in ("", "abc", "1", "1:", ":x", "x" * 500):
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
        login_sessions.start(admin)
        assert can_open("admin.users")
        assert not can_open("volunteers.index")  # coordinators only
        assert not can_open("no.such_endpoint")
        logout_user()
