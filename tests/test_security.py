from hypothesis import given
from hypothesis import strategies as st

from tests import factories
from webapp.security import hash_password, load_user, safe_next_url, verify_password


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
