"""The opportunity list: posts and sessions, filters in the query string, htmx partial."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from tests import factories
from tests.conftest import AuthActions
from webapp.clock import CHINA, today, utcnow
from webapp.extensions import db
from webapp.models import Assignment, OutboxMessage, VolunteerDateRange


def _login(app, volunteer):
    client = app.test_client()
    assert AuthActions(client).login(volunteer.user.email).status_code == 303
    return client


def test_filters_by_home_skill_and_dates_and_ignore_garbage(app):
    first_home, other_home = factories.home(name="甲之家"), factories.home(name="乙之家")
    factories.open_need(first_home, title="甲活动", skill_code="reading")
    later = datetime.combine(today() + timedelta(days=20), time(9), CHINA).astimezone(UTC)
    factories.open_need(other_home, title="乙活动", starts_at=later)
    client = _login(app, factories.volunteer_with_login(skills=("reading",)))
    both = client.get("/opportunities/").text
    assert "甲活动" in both and "乙活动" in both
    only_first = client.get(f"/opportunities/?home={first_home.id}").text
    assert "甲活动" in only_first and "乙活动" not in only_first
    skill = factories.skill("reading")
    assert "乙活动" not in client.get(f"/opportunities/?skill={skill.id}").text
    window = f"?from={(today() + timedelta(days=15)).isoformat()}&to={(today() + timedelta(days=25)).isoformat()}"
    dated = client.get("/opportunities/" + window).text
    assert "乙活动" in dated and "甲活动" not in dated
    garbage = client.get("/opportunities/?home=x&skill=%27&from=2026-13-45&to=yesterday")
    assert garbage.status_code == 200 and "甲活动" in garbage.text


def test_an_opportunity_next_door_says_close_by_not_zero_minutes(app):
    near, far = factories.home(lat=26.6, lon=107.5), factories.home(lat=26.65, lon=107.45)
    factories.open_need(near, title="村里的读书会")
    factories.open_need(far, title="镇上的读书会")
    client = _login(
        app, factories.volunteer_with_login(lat=26.6, lon=107.5, max_travel_minutes=120)
    )
    page = client.get("/opportunities/", headers={"Accept-Language": "zh-CN"}).text
    assert "离您住处很近" in page
    assert "距您约 0 分钟路程" not in page and "分钟路程" in page


def test_the_filter_form_gets_the_list_alone_for_htmx(app):
    factories.open_need(title="读书会甲")
    client = _login(app, factories.volunteer_with_login())
    response = client.get("/opportunities/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="opportunity-list"' in response.text
    assert "HX-Request" in response.headers.get("Vary", "")


def test_a_volunteer_signs_up_for_an_open_post_and_away_dates_are_a_reason(app):
    programme = factories.programme()
    post = factories.post(
        programme, name="高坡村小学驻点", open_for_signup=True, beds=1, max_headcount=3
    )
    student = factories.volunteer_with_login()
    client = _login(app, student)
    assert "高坡村小学驻点" in client.get("/opportunities/").text
    assert client.post(f"/opportunities/posts/{post.id}/signup").status_code == 303
    assert (
        db.session.scalar(select(Assignment.status).where(Assignment.volunteer_id == student.id))
        == "confirmed"
    )
    away = factories.volunteer_with_login()
    db.session.add(
        VolunteerDateRange(
            volunteer_id=away.id, kind="away", starts_on=post.starts_on, ends_on=post.ends_on
        )
    )
    db.session.commit()
    response = _login(app, away).post(
        f"/opportunities/posts/{post.id}/signup", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422 and "You are away" in response.text


def test_coordinators_open_and_close_a_need_and_a_post(app, coordinator_client):
    """Needs from the home's booking page; posts from the programme's page (planning)."""
    need, occurrence = factories.open_need(open_for_signup=False)
    response = coordinator_client.post(
        f"/opportunities/needs/{need.id}/open", data={"open": "1", "next": "//evil.example"}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/opportunities/"
    db.session.refresh(need)
    assert need.open_for_signup
    post = factories.post(factories.programme())
    switch = f"/planning/programmes/{post.programme_id}/posts/{post.id}/signup"
    assert coordinator_client.post(switch, data={"open": "1"}).status_code == 303
    db.session.refresh(post)
    assert post.open_for_signup
    coordinator_client.post(switch, data={"open": "0"})
    db.session.refresh(post)
    assert not post.open_for_signup


def test_a_manager_of_another_home_cannot_open_its_needs(app, manager_client):
    need, _occurrence = factories.open_need(open_for_signup=False)
    assert (
        manager_client.post(f"/opportunities/needs/{need.id}/open", data={"open": "1"}).status_code
        == 404
    )
    volunteer = factories.volunteer_with_login()
    assert (
        _login(app, volunteer)
        .post(f"/opportunities/needs/{need.id}/open", data={"open": "1"})
        .status_code
        == 403
    )


def test_withdrawing_from_a_published_plan_tells_the_coordinator(app):
    coordinator = factories.user(roles=("coordinator",), name="县协调员")
    programme = factories.programme(created_by=coordinator)
    post = factories.post(programme, name="竹林村驻点")
    volunteer = factories.volunteer_with_login(name="王丽")
    placed = factories.assignment(
        volunteer, plan=factories.plan(programme, published_by=coordinator), post_id=post.id
    )
    response = _login(app, volunteer).post(f"/me/assignments/{placed.id}/withdraw")
    assert response.status_code == 303
    db.session.refresh(placed)
    assert placed.status == "withdrawn" and placed.withdrawn_at is not None
    told = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == coordinator.email)
    ).all()
    assert len(told) == 1 and "王丽" in told[0].subject


def test_a_weekly_assignment_left_mid_term_keeps_the_dates_served(app):
    from tests.blueprints.feeds.test_feeds import _plan_with_weekly_tutoring
    from webapp.core.commitments import commitments

    volunteer = factories.volunteer_with_login()
    home, need, occurrences, programme, plan = _plan_with_weekly_tutoring(volunteer)
    # The first date lies two weeks back (same weekday); withdraw from the rest now.
    occurrences[0].starts_at -= timedelta(days=14)
    occurrences[0].ends_at -= timedelta(days=14)
    programme.starts_on -= timedelta(days=14)
    db.session.commit()
    placed = db.session.scalar(select(Assignment).where(Assignment.volunteer_id == volunteer.id))
    placed.status, placed.withdrawn_at = "withdrawn", utcnow()
    db.session.commit()
    entries = commitments([volunteer.id])
    assert [e.cancelled for e in entries] == [False, True, True]


def test_a_need_a_published_plan_fills_cannot_be_opened_from_the_booking_page(
    app, coordinator_client
):
    need, occurrence = factories.open_need(open_for_signup=False)
    plan = factories.plan(factories.programme(kind="tutoring"))
    factories.assignment(factories.volunteer(), plan=plan, need=need, weekday=1)
    response = coordinator_client.post(f"/opportunities/needs/{need.id}/open", data={"open": "1"})
    assert response.status_code == 409
    assert "已发布的方案已安排了" in response.get_data(as_text=True)
    db.session.refresh(need)
    assert not need.open_for_signup


def test_the_list_shows_each_volunteers_own_place_on_the_waitlist_and_the_counts(app):
    need, occurrence = factories.open_need(title="满员的读书会", vetting_required=False)
    later = factories.booking(
        occurrence.room,
        occurrence.starts_at + timedelta(days=1),
        occurrence.ends_at + timedelta(days=1),
    )
    factories.assignment(factories.volunteer(), need_id=need.id, occurrence_id=occurrence.id)
    # Someone waiting for another date of the same need takes no place on this date's waitlist.
    factories.assignment(
        factories.volunteer(), need_id=need.id, occurrence_id=later.id, status="waitlisted"
    )
    first, second = factories.volunteer_with_login(), factories.volunteer_with_login()
    url = f"/opportunities/needs/{need.id}/{occurrence.id}/signup"
    clients = [_login(app, volunteer) for volunteer in (first, second)]
    for client in clients:
        assert client.post(url).status_code == 303
    english = {"Accept-Language": "en"}
    page = clients[1].get("/opportunities/", headers=english).text
    assert "On the waitlist: number 2" in page and "2 waiting" in page
    assert "On the waitlist: number 1" in clients[0].get("/opportunities/", headers=english).text
