"""Registering in two steps: the form never tells a stranger whether an e-mail or a phone is
known; the link in the message lets whoever reads the mailbox choose the password."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.concurrency import race
from tests.conftest import csrf_token_from
from webapp.blueprints.auth import registration
from webapp.extensions import db
from webapp.models import OutboxMessage, User, Volunteer

PASSWORD = "a-long-password"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _register(client, **overrides):
    data = {
        "name": "王小明",
        "email": "xiaoming@example.org",
        "phone": "13800138000",
        "kind": "college_student",
        # Ignored: the password is chosen behind the link. Sent as an old-style form would, so
        # that the form's answer is compared with everything a person could type.
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    data.update(overrides)
    return client.post("/auth/register", data=data)


def _messages_to(address: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address))
    )


def _link_to(address: str) -> str:
    (message,) = _messages_to(address)
    match = re.search(r"https?://[^/\s]+(/auth/register/[^\s,，。]+)", message.body)
    assert match, message.body
    return match.group(1).rstrip(".")


def _finish(client, link: str, password: str = PASSWORD, **headers):
    return client.post(link, data={"password": password, "confirm": password}, headers=headers)


def test_the_form_sends_a_link_and_creates_nothing_yet(client):
    response = _register(client)
    assert response.status_code == 200
    assert "xiaoming@example.org" in response.get_data(as_text=True)
    assert _count(User) == 0 and _count(Volunteer) == 0
    (message,) = _messages_to("xiaoming@example.org")
    assert message.related_type == "account" and "/auth/register/" in message.body


def test_the_link_lets_you_choose_the_password_and_logs_you_in(client):
    _register(client)
    link = _link_to("xiaoming@example.org")
    page = client.get(link)
    assert page.status_code == 200 and "王小明" in page.get_data(as_text=True)
    response = _finish(client, link)
    assert response.status_code == 303 and response.headers["Location"] == "/dashboard"
    user = User.by_email("xiaoming@example.org")
    assert user.roles == {"volunteer"}
    profile = db.session.scalar(select(Volunteer).where(Volunteer.user_id == user.id))
    assert profile.kind == "college_student" and profile.vetting_status == "none"
    assert profile.phone == "13800138000"
    assert client.get("/dashboard").status_code == 200


def test_registering_never_grants_staff_roles_even_if_posted(client):
    _register(client, roles="admin", role="coordinator")
    _finish(client, _link_to("xiaoming@example.org"))
    assert User.by_email("xiaoming@example.org").roles == {"volunteer"}


def _answer_without_address(response, address: str) -> tuple[int, str]:
    body = response.get_data(as_text=True).replace(address, "ADDRESS")
    body = re.sub(r'(csrf[-_]token"\s+(?:content|value)=)"[^"]+"', r'\1""', body)
    return response.status_code, body


@pytest.mark.parametrize("known", ["account", "profile_email", "profile_phone"])
def test_the_answer_is_the_same_whether_the_email_or_phone_is_known(app, known):
    factories.user(email="taken@example.org")
    factories.volunteer(email="imported@example.org", phone="13900000001")
    typed = {
        "account": {"email": "taken@example.org"},
        "profile_email": {"email": "imported@example.org"},
        "profile_phone": {"email": "fresh@example.org", "phone": "13900000001"},
    }[known]
    stranger = app.test_client()
    known_answer = _answer_without_address(_register(stranger, **typed), typed["email"])
    unknown_answer = _answer_without_address(
        _register(app.test_client(), email="nobody@example.org", phone=""), "nobody@example.org"
    )
    assert known_answer == unknown_answer


def test_a_known_email_gets_a_pointer_to_the_login_page_not_a_link(client):
    factories.user(email="taken@example.org")
    _register(client, email="TAKEN@example.org")
    (message,) = _messages_to("taken@example.org")
    assert "/auth/login" in message.body and "/auth/register/" not in message.body
    assert _count(User) == 1 and _count(Volunteer) == 0


def test_the_email_of_an_imported_profile_gets_a_pointer_to_an_invitation(client):
    factories.volunteer(email="xiaoming@example.org", phone="13900000001")
    _register(client, phone="")
    (message,) = _messages_to("xiaoming@example.org")
    assert "邀请链接" in message.body and "/auth/register/" not in message.body
    assert _count(User) == 0 and _count(Volunteer) == 1


def test_a_phone_of_another_profile_is_left_out_of_the_new_profile(client):
    factories.volunteer(phone="13800138000")
    _register(client)
    response = _finish(client, _link_to("xiaoming@example.org"))
    assert response.status_code == 303
    user = User.by_email("xiaoming@example.org")
    profile = db.session.scalar(select(Volunteer).where(Volunteer.user_id == user.id))
    assert profile.phone is None
    assert "邀请链接" in client.get("/dashboard").get_data(as_text=True)


def test_a_short_or_mismatched_password_is_422(client):
    _register(client)
    link = _link_to("xiaoming@example.org")
    short = _finish(client, link, password="short")
    assert short.status_code == 422 and "至少需要 10 个字符" in short.get_data(as_text=True)
    mismatch = client.post(link, data={"password": PASSWORD, "confirm": PASSWORD + "x"})
    assert mismatch.status_code == 422
    assert "两次输入的密码不一致" in mismatch.get_data(as_text=True)
    assert _count(User) == 0


def test_bad_email_and_phone_show_both_errors(client):
    response = _register(client, email="not-an-email", phone="12345")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请输入有效的邮箱地址" in body and "请输入 11 位手机号码" in body
    assert _count(OutboxMessage) == 0


@pytest.mark.parametrize("link", ["/auth/register/forged", "/auth/register/" + "x" * 3000])
def test_a_forged_link_is_404_with_the_reason(client, link):
    response = client.get(link)
    assert response.status_code == 404
    assert "注册链接" in response.get_data(as_text=True)


def test_a_link_older_than_a_day_is_404(client, monkeypatch):
    _register(client)
    link = _link_to("xiaoming@example.org")
    monkeypatch.setattr(registration, "VALID_FOR_SECONDS", -1)
    assert client.get(link).status_code == 404
    assert _finish(client, link).status_code == 404


def test_a_used_link_cannot_make_a_second_account(app, client):
    _register(client)
    link = _link_to("xiaoming@example.org")
    assert _finish(client, link).status_code == 303
    again = _finish(app.test_client(), link)
    assert again.status_code == 409
    assert "该邮箱已注册账号" in again.get_data(as_text=True)
    assert _count(User) == 1


def test_registration_is_throttled_per_address_and_per_email(app):
    client = app.test_client()
    app.config["REGISTER_RATE_LIMIT"] = "3 per hour"
    try:
        for n in range(3):
            assert _register(client, email=f"p{n}@example.org").status_code == 200
        assert _register(client, email="p9@example.org").status_code == 429
    finally:
        app.config["REGISTER_RATE_LIMIT"] = "20 per hour"
    for n in range(5):
        other = app.test_client()
        address = {"REMOTE_ADDR": f"10.1.0.{n}"}
        assert (
            other.post(
                "/auth/register",
                data={"name": "甲", "email": "victim@example.org", "kind": "teacher"},
                environ_base=address,
            ).status_code
            == 200
        )
    flood = app.test_client().post(
        "/auth/register",
        data={"name": "甲", "email": "victim@example.org", "kind": "teacher"},
        environ_base={"REMOTE_ADDR": "10.1.1.1"},
    )
    assert flood.status_code == 429
    assert len(_messages_to("victim@example.org")) == 5


def test_registration_needs_the_csrf_token(client, csrf_enabled):
    assert _register(client).status_code == 400
    token = csrf_token_from(client.get("/auth/register").get_data(as_text=True))
    assert _register(client, csrf_token=token).status_code == 200
    link = _link_to("xiaoming@example.org")
    token = csrf_token_from(client.get(link).get_data(as_text=True))
    response = client.post(
        link,
        data={"password": PASSWORD, "confirm": PASSWORD},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/dashboard"


# --- Races (PostgreSQL) -------------------------------------------------------------------------

THREADS = 10


def test_concurrent_registrations_of_one_email_never_fail(app, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTER_EMAIL_RATE_LIMIT", "100 per hour")
    statuses = race(app, lambda c, _i: _register(c, email="same@example.org", phone=""), THREADS)
    assert statuses == [200] * THREADS
    assert _count(User) == 0
    assert len(_messages_to("same@example.org")) == THREADS


def test_concurrent_finishes_of_one_link_make_one_account(app, client):
    _register(client)
    link = _link_to("xiaoming@example.org")
    statuses = race(app, lambda c, _i: _finish(c, link), THREADS)
    assert sorted(statuses) == [303] + [409] * (THREADS - 1), statuses
    assert _count(User) == 1 and _count(Volunteer) == 1


def test_staff_see_a_registration_message_in_the_outbox_but_never_its_link(
    client, coordinator_client
):
    _register(client)
    link = _link_to("xiaoming@example.org")
    page = coordinator_client.get("/notifications/outbox").get_data(as_text=True)
    assert "xiaoming@example.org" in page
    assert link not in page and "/auth/register/" not in page
