"""Invitations: a coordinator's one-time link lets a volunteer without an account claim their
existing profile (e.g. after an import)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from webapp.blueprints.auth import invitations
from webapp.blueprints.auth.services import AccountError
from webapp.extensions import db
from webapp.models import AuditLog, Invitation, User, Volunteer
from webapp.models.base import utcnow


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _invite(coordinator_client, volunteer, htmx: bool = True) -> str:
    headers = {"HX-Request": "true"} if htmx else {}
    response = coordinator_client.post(f"/volunteers/{volunteer.id}/invite", headers=headers)
    assert response.status_code == 200
    match = re.search(r'value="(http://[^"]+/auth/invite/[^"]+)"', response.get_data(as_text=True))
    assert match, "the link is shown to the coordinator"
    return match.group(1).split("localhost", 1)[1]


def _accept(client, path, **overrides):
    data = {"email": "li.hua@example.org", "password": "a-long-password"}
    data |= overrides
    data.setdefault("confirm", data["password"])
    return client.post(path, data=data, headers={"Accept-Language": "en"})


def test_invited_volunteer_claims_the_profile_and_lands_on_it(app, client, coordinator_client):
    volunteer = factories.volunteer(name="李华", email=None, skills=("数学",))
    path = _invite(coordinator_client, volunteer)
    page = client.get(path)
    assert page.status_code == 200 and "李华" in page.get_data(as_text=True)
    response = _accept(client, path)
    assert response.status_code == 303
    user = User.by_email("li.hua@example.org")
    db.session.refresh(volunteer)
    assert volunteer.user_id == user.id and volunteer.email == "li.hua@example.org"
    assert user.roles == {"volunteer"} and user.name == "李华"
    assert client.get(f"/volunteers/{volunteer.id}").status_code == 200  # their own profile
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "volunteer.invited"))


def test_a_link_works_once(client, coordinator_client, app):
    volunteer = factories.volunteer(email=None)
    path = _invite(coordinator_client, volunteer)
    assert _accept(client, path).status_code == 303
    other = app.test_client()
    assert other.get(path).status_code == 404
    assert _accept(other, path, email="someone.else@example.org").status_code == 404
    assert _count(User) == 2  # the coordinator and the one who accepted


def test_a_new_link_replaces_the_old_one(client, coordinator_client):
    volunteer = factories.volunteer()
    first = _invite(coordinator_client, volunteer)
    second = _invite(coordinator_client, volunteer, htmx=False)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_an_expired_link_is_refused_with_the_reason(client, coordinator_client):
    volunteer = factories.volunteer()
    path = _invite(coordinator_client, volunteer)
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "Ask your coordinator for a new one" in response.get_data(as_text=True)


def test_unknown_and_overlong_tokens_are_404(client):
    assert client.get("/auth/invite/nope").status_code == 404
    assert client.get("/auth/invite/" + "x" * 300).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"email": "not-an-email"}, "valid e-mail"),
        ({"password": "short"}, "10"),
        ({"confirm": "something-else"}, "differ"),
    ],
)
def test_bad_accept_form_rerenders_422_and_keeps_the_link(
    client, coordinator_client, overrides, reason
):
    volunteer = factories.volunteer()
    path = _invite(coordinator_client, volunteer)
    response = _accept(client, path, **overrides)
    assert response.status_code == 422
    assert reason in response.get_data(as_text=True)
    assert db.session.get(Volunteer, volunteer.id).user_id is None
    assert _accept(client, path).status_code == 303  # still usable


def test_an_email_that_has_an_account_is_refused(client, coordinator_client):
    taken = factories.user(email="taken@example.org")
    volunteer = factories.volunteer()
    path = _invite(coordinator_client, volunteer)
    response = _accept(client, path, email=taken.email)
    assert response.status_code == 422
    assert db.session.get(Volunteer, volunteer.id).user_id is None


def test_an_email_of_another_profile_is_refused(client, coordinator_client):
    factories.volunteer(email="other@example.org")
    volunteer = factories.volunteer()
    path = _invite(coordinator_client, volunteer)
    assert _accept(client, path, email="other@example.org").status_code == 422


def test_only_coordinators_invite(volunteer_client, manager_client):
    volunteer = factories.volunteer()
    assert volunteer_client.post(f"/volunteers/{volunteer.id}/invite").status_code == 403
    assert manager_client.post(f"/volunteers/{volunteer.id}/invite").status_code == 403
    assert _count(Invitation) == 0


def test_inviting_someone_who_has_an_account_is_409(coordinator_client):
    volunteer = factories.volunteer(user=factories.user())
    response = coordinator_client.post(f"/volunteers/{volunteer.id}/invite")
    assert response.status_code == 409
    assert _count(Invitation) == 0


def test_inviting_an_unknown_volunteer_is_404(coordinator_client):
    assert coordinator_client.post("/volunteers/987654/invite").status_code == 404


def test_only_the_hash_of_the_token_is_stored(app, coordinator_client):
    volunteer = factories.volunteer()
    coordinator = User.by_email(coordinator_client.user.email)
    token, invitation = invitations.invite(volunteer, coordinator)
    db.session.commit()
    assert token not in invitation.token_hash
    assert invitation.token_hash == invitations.token_hash(token)
    assert invitations.open_invitation(token).id == invitation.id


def test_two_accepts_of_one_link_make_one_account(app, coordinator_client):
    volunteer = factories.volunteer()
    coordinator = User.by_email(coordinator_client.user.email)
    token, _ = invitations.invite(volunteer, coordinator)
    db.session.commit()
    stale = invitations.open_invitation(token)
    invitations.accept(stale, email="first@example.org", password="a-long-password", locale=None)
    db.session.commit()
    volunteer.user_id = None  # as if the second request had read the profile before the first
    with app.test_request_context(), pytest.raises(AccountError):
        invitations.accept(
            stale, email="second@example.org", password="a-long-password", locale=None
        )
    db.session.rollback()
    assert User.by_email("second@example.org") is None


def test_a_logged_in_user_is_sent_to_the_dashboard(volunteer_client, coordinator_client):
    path = _invite(coordinator_client, factories.volunteer())
    response = volunteer_client.get(path)
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")


@pytest.mark.parametrize(
    ("language", "locale", "subject"),
    [("en", "en", "Cancelled: 绘本阅读会"), ("zh-CN", "zh_CN", "已取消：绘本阅读会")],
)
def test_the_language_an_invitation_is_accepted_in_is_the_language_of_later_messages(
    app, client, coordinator_client, language, locale, subject
):
    from webapp.blueprints.homes import booking_changes
    from webapp.models import OutboxMessage

    volunteer = factories.volunteer(name="叶强", email=None)
    path = _invite(coordinator_client, volunteer)
    data = {"email": "ye.qiang@example.org", "password": "a-long-password"}
    data["confirm"] = data["password"]
    response = client.post(path, data=data, headers={"Accept-Language": language})
    assert response.status_code == 303
    user = User.by_email("ye.qiang@example.org")
    assert user.locale == locale
    need, occurrence = factories.open_need(title="绘本阅读会")
    factories.assignment(volunteer, need_id=need.id, occurrence_id=occurrence.id)
    db.session.commit()
    booking_changes.cancel(occurrence, coordinator_client.user, "下雨")
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_user_id == user.id))
    assert message.subject == subject
