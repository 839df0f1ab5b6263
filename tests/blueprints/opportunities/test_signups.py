"""Sign-up, waitlist and withdrawal, through the pages a volunteer uses."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests import factories
from tests.conftest import AuthActions
from webapp.clock import CHINA, today, utcnow
from webapp.extensions import db
from webapp.models import Assignment, OutboxMessage


def _login(app, volunteer):
    client = app.test_client()
    assert AuthActions(client).login(volunteer.user.email).status_code == 303
    return client


def _signup_url(need, occurrence) -> str:
    return f"/opportunities/needs/{need.id}/{occurrence.id}/signup"


def _status(volunteer) -> list[str]:
    db.session.expire_all()
    return [
        a.status
        for a in db.session.scalars(
            select(Assignment)
            .where(Assignment.volunteer_id == volunteer.id)
            .order_by(Assignment.id)
        )
    ]


@pytest.fixture
def need_and_date(app):
    manager = factories.user(roles=("home_manager",), name="吴老师")
    home = factories.home(managers=(manager,))
    return factories.open_need(home, title="绘本阅读会")


def test_a_volunteer_finds_an_open_need_and_signs_up(app, need_and_date):
    need, occurrence = need_and_date
    volunteer = factories.volunteer_with_login()
    client = _login(app, volunteer)
    page = client.get("/opportunities/", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "绘本阅读会" in page.text
    assert "1 place left" in page.text
    response = client.post(_signup_url(need, occurrence))
    assert response.status_code == 303
    assert _status(volunteer) == ["confirmed"]
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert [m.to_address for m in messages] == [volunteer.user.email]
    assert "绘本阅读会" in client.get("/me/schedule").text


def test_when_full_the_next_volunteer_joins_the_waitlist_with_a_clear_message(app, need_and_date):
    need, occurrence = need_and_date
    first, second = factories.volunteer_with_login(), factories.volunteer_with_login()
    assert _login(app, first).post(_signup_url(need, occurrence)).status_code == 303
    client = _login(app, second)
    response = client.post(
        _signup_url(need, occurrence), follow_redirects=True, headers={"Accept-Language": "en"}
    )
    assert "you are on the waitlist (number 1)" in response.text
    assert _status(second) == ["waitlisted"]


def test_signing_up_twice_is_refused_with_409(app, need_and_date):
    need, occurrence = need_and_date
    volunteer = factories.volunteer_with_login()
    client = _login(app, volunteer)
    client.post(_signup_url(need, occurrence))
    response = client.post(_signup_url(need, occurrence), headers={"Accept-Language": "en"})
    assert response.status_code == 409
    assert "already signed up" in response.text
    assert _status(volunteer) == ["confirmed"]


def test_the_database_refuses_a_second_live_sign_up(app, need_and_date):
    need, occurrence = need_and_date
    volunteer = factories.volunteer()
    factories.assignment(volunteer, need_id=need.id, occurrence_id=occurrence.id)
    with pytest.raises(IntegrityError):
        factories.assignment(
            volunteer, need_id=need.id, occurrence_id=occurrence.id, status="waitlisted"
        )
    db.session.rollback()


def test_signing_up_someone_else_is_not_found(app, need_and_date):
    need, occurrence = need_and_date
    volunteer, other = factories.volunteer_with_login(), factories.volunteer_with_login()
    response = _login(app, volunteer).post(
        _signup_url(need, occurrence), data={"volunteer_id": str(other.id)}
    )
    assert response.status_code == 404
    assert _status(other) == [] and _status(volunteer) == []


def test_a_closed_or_unknown_need_is_not_found(app, need_and_date):
    need, occurrence = need_and_date
    closed, closed_date = factories.open_need(open_for_signup=False)
    client = _login(app, factories.volunteer_with_login())
    assert client.post(_signup_url(closed, closed_date)).status_code == 404
    assert client.post(f"/opportunities/needs/{need.id}/987654/signup").status_code == 404
    # A date of another event is not this need's date.
    assert client.post(_signup_url(need, closed_date)).status_code == 404


def test_a_past_session_is_refused(app):
    starts = utcnow() - timedelta(hours=2)
    need, occurrence = factories.open_need(starts_at=starts)
    response = _login(app, factories.volunteer_with_login()).post(
        _signup_url(need, occurrence), headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422
    assert "already started or taken place" in response.text


def test_an_ineligible_volunteer_sees_why_and_is_refused(app):
    day = today() + timedelta(days=10)
    need, occurrence = factories.open_need(
        starts_at=datetime.combine(day, time(9), CHINA).astimezone(UTC), title="周六阅读"
    )
    volunteer = factories.volunteer_with_login()
    volunteer.expires_on = day - timedelta(days=3)
    db.session.commit()
    client = _login(app, volunteer)
    page = client.get("/opportunities/", headers={"Accept-Language": "en"})
    assert "Your clearance expires on" in page.text
    assert "not-for-you" in page.text
    response = client.post(_signup_url(need, occurrence), headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "clearance expires" in response.text
    assert _status(volunteer) == []


def test_missing_skill_and_travel_limit_are_named(app):
    far_home = factories.home(lat=27.5, lon=108.5)
    need, occurrence = factories.open_need(far_home, skill_code="math")
    volunteer = factories.volunteer_with_login(lat=26.6, lon=107.5, max_travel_minutes=30)
    response = _login(app, volunteer).post(
        _signup_url(need, occurrence), headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422
    assert "needs the skill" in response.text
    assert "minutes away for you" in response.text


def test_a_clash_with_another_commitment_is_named(app):
    need, occurrence = factories.open_need(title="第一场")
    other_need, other_date = factories.open_need(starts_at=occurrence.starts_at, title="第二场")
    volunteer = factories.volunteer_with_login()
    client = _login(app, volunteer)
    assert client.post(_signup_url(need, occurrence)).status_code == 303
    response = client.post(_signup_url(other_need, other_date), headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "You already have “第一场”" in response.text


def test_withdrawing_promotes_the_first_on_the_waitlist_and_tells_them(app, need_and_date):
    need, occurrence = need_and_date
    first, second = factories.volunteer_with_login(), factories.volunteer_with_login()
    first_client = _login(app, first)
    first_client.post(_signup_url(need, occurrence))
    _login(app, second).post(_signup_url(need, occurrence))
    mine = db.session.scalar(select(Assignment).where(Assignment.volunteer_id == first.id))
    response = first_client.post(f"/me/assignments/{mine.id}/withdraw")
    assert response.status_code == 303
    assert _status(first) == ["withdrawn"]
    assert _status(second) == ["confirmed"]
    told = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == second.user.email)
    ).all()
    assert any(m.subject.startswith(("A place is yours", "候补成功")) for m in told)


def test_withdrawing_after_the_cut_off_is_403_naming_whom_to_contact(app):
    manager = factories.user(roles=("home_manager",), name="吴老师")
    home = factories.home(managers=(manager,))
    need, occurrence = factories.open_need(home, starts_at=utcnow() + timedelta(hours=5))
    volunteer = factories.volunteer_with_login()
    client = _login(app, volunteer)
    assert client.post(_signup_url(need, occurrence)).status_code == 303
    mine = db.session.scalar(select(Assignment).where(Assignment.volunteer_id == volunteer.id))
    response = client.post(f"/me/assignments/{mine.id}/withdraw", headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert "吴老师" in response.text and manager.email in response.text
    assert _status(volunteer) == ["confirmed"]


def test_withdrawing_someone_elses_assignment_is_not_found(app, need_and_date):
    need, occurrence = need_and_date
    owner, other = factories.volunteer_with_login(), factories.volunteer_with_login()
    theirs = factories.assignment(owner, need_id=need.id, occurrence_id=occurrence.id)
    assert _login(app, other).post(f"/me/assignments/{theirs.id}/withdraw").status_code == 404
    assert _status(owner) == ["confirmed"]


def test_leaving_the_waitlist_is_always_possible(app, need_and_date):
    need, occurrence = need_and_date
    factories.assignment(factories.volunteer(), need_id=need.id, occurrence_id=occurrence.id)
    volunteer = factories.volunteer_with_login()
    client = _login(app, volunteer)
    client.post(_signup_url(need, occurrence))
    mine = db.session.scalar(select(Assignment).where(Assignment.volunteer_id == volunteer.id))
    assert client.post(f"/me/assignments/{mine.id}/withdraw").status_code == 303
    assert _status(volunteer) == ["withdrawn"]


def test_the_cut_off_comes_from_the_setting_then_the_environment(app):
    from webapp.blueprints.opportunities.signups import cutoff_hours
    from webapp.models import Setting

    assert cutoff_hours() == 24
    app.config["WITHDRAWAL_CUTOFF_HOURS"] = "48"
    try:
        assert cutoff_hours() == 48
        Setting.put("withdrawal_cutoff_hours", "6")
        db.session.commit()
        assert cutoff_hours() == 6
        Setting.put("withdrawal_cutoff_hours", "not a number")
        assert cutoff_hours() == 48
    finally:
        app.config["WITHDRAWAL_CUTOFF_HOURS"] = "24"


def test_a_withdrawal_from_a_plan_tells_each_contact_what_where_when_in_their_language(app):
    from tests.blueprints.planning.helpers import published, term

    programme, event, people = term(volunteers=1, weekdays=(1,), count=4)
    event.title = "课业辅导"
    volunteer = people[0]
    volunteer.user, volunteer.phone = factories.user(), "13700000001"
    coordinator = factories.user(roles=("coordinator",), locale="en")
    manager = factories.user(roles=("home_manager",), locale="zh_CN")
    event.home.managers = [manager]
    db.session.commit()
    plan = published(programme, coordinator)
    mine = db.session.scalar(select(Assignment).where(Assignment.plan_id == plan.id))
    client = _login(app, volunteer)
    assert client.post(f"/me/assignments/{mine.id}/withdraw").status_code == 303
    told = {
        m.to_user_id: m
        for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.related_type == "assignment")
        )
    }
    chinese, english = told[manager.id].body, told[coordinator.id].body
    assert chinese.startswith(f"{volunteer.name} 已退出：\n\n课业辅导（数学）\n")
    assert "时间：每周二 16:00–17:30" in chinese and "（共 4 次）" in chinese
    assert f"{volunteer.name} 的电话：13700000001" in chinese
    assert english.startswith(f"{volunteer.name} has withdrawn from:\n\n课业辅导 (Mathematics)\n")
    assert "When: every Tuesday 16:00–17:30" in english and "(4 dates)" in english
    assert f"{volunteer.name}'s phone: 13700000001" in english
