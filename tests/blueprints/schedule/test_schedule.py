"""My schedule: upcoming and past, contacts, travel, the one-event .ics, hours and their export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta

import pytest
from openpyxl import load_workbook

from tests import factories
from tests.blueprints.feeds.helpers import parse_both
from tests.conftest import AuthActions
from webapp.clock import CHINA, today, utcnow
from webapp.extensions import db

HEADER = ["志愿者", "服务内容", "服务地点", "服务时间", "时长（小时）", "确认人"]


def _login(app, volunteer):
    client = app.test_client()
    assert AuthActions(client).login(volunteer.user.email).status_code == 303
    return client


def test_the_schedule_shows_what_is_coming_with_place_travel_contact_and_feed_link(app):
    manager = factories.user(roles=("home_manager",), name="吴老师")
    home = factories.home(name="石门村留守儿童之家", managers=(manager,), lat=26.65, lon=107.45)
    need, occurrence = factories.open_need(home, title="绘本阅读会")
    volunteer = factories.volunteer_with_login(lat=26.6, lon=107.5, transport_mode="ebike")
    factories.assignment(volunteer, need_id=need.id, occurrence_id=occurrence.id)
    page = _login(app, volunteer).get("/me/schedule", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    text = page.text
    assert "绘本阅读会" in text and "石门村留守儿童之家" in text
    assert "minutes to get there" in text
    assert "吴老师" in text
    assert '<a type="text/calendar" href="http://localhost/feeds/' in text


def test_the_schedule_reads_its_contacts_without_a_query_per_assignment(app, count_statements):
    def statements_with(sessions: int) -> int:
        volunteer = factories.volunteer_with_login()
        for number in range(sessions):
            manager = factories.user(roles=("home_manager",))
            home = factories.home(managers=(manager,))
            need, occurrence = factories.open_need(home, title=f"活动{number}")
            factories.assignment(volunteer, need_id=need.id, occurrence_id=occurrence.id)
        client = _login(app, volunteer)

        def schedule():
            assert client.get("/me/schedule").status_code == 200

        return count_statements(schedule)

    assert statements_with(1) == statements_with(5)


def test_the_schedule_names_the_same_contacts_as_contacts_for(app):
    """The page reads contacts as plain columns; they are the people contacts_for() names, in its
    order: organiser and home managers, plan publisher and programme creator, post home managers."""
    from webapp.blueprints.opportunities.contacts import contact_text, contacts_for
    from webapp.blueprints.schedule.services import _contacts_and_weekdays

    factories.user(roles=("coordinator",), name="县协调员 周明")  # the fallback
    volunteer = factories.volunteer()
    wang, li = (factories.user(roles=("home_manager",), name=n) for n in ("王老师", "李老师"))
    organiser = factories.user(roles=("coordinator",), name="组织者")
    home = factories.home(managers=(wang, li))
    need, occurrence = factories.open_need(home)
    need.event.organiser = li  # also a manager: named once
    weekly_need, _ = factories.open_need(factories.home(managers=(wang,)))
    weekly_need.event.organiser = organiser
    creator = factories.user(roles=("coordinator",), name="计划负责人")
    programme = factories.programme(created_by_id=creator.id)
    plan = factories.plan(programme, published_by=organiser)
    homely_post = factories.post(programme, home_id=home.id)
    bare_post = factories.post(factories.programme())
    assignments = [
        factories.assignment(volunteer, need_id=need.id, occurrence_id=occurrence.id),
        factories.assignment(volunteer, plan=plan, need_id=weekly_need.id, weekday=2),
        factories.assignment(volunteer, plan=plan, post_id=homely_post.id),
        factories.assignment(volunteer, post_id=bare_post.id),  # nobody known
    ]
    facts = _contacts_and_weekdays({a.id for a in assignments})
    for assignment in assignments:
        expected = contact_text(contacts_for(assignment))
        assert facts[assignment.id] == (expected, assignment.weekday)
    assert facts[assignments[0].id][0].count("李老师") == 1
    assert "县协调员 周明" in facts[assignments[3].id][0]


def test_a_volunteer_without_a_profile_gets_a_clear_404(app):
    user = factories.user(roles=("volunteer",))
    client = app.test_client()
    AuthActions(client).login(user.email)
    response = client.get("/me/schedule", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "no volunteer profile" in response.text


def test_a_post_shows_the_team_leader_as_contact(app):
    leader = factories.volunteer_with_login(name="队长张", phone="13911112222")
    member = factories.volunteer_with_login()
    team = factories.team(members=(leader, member))
    team.contact = ""
    db.session.commit()
    programme = factories.programme()
    post = factories.post(programme, name="竹林村驻点")
    plan = factories.plan(programme)
    for person in (leader, member):
        factories.assignment(person, plan=plan, post_id=post.id, team_id=team.id)
    page = _login(app, member).get("/me/schedule").text
    assert "竹林村驻点" in page and "队长张 13911112222" in page


def test_a_proposed_plan_is_not_in_the_schedule(app):
    volunteer = factories.volunteer_with_login()
    programme = factories.programme()
    post = factories.post(programme, name="未发布的驻点")
    factories.assignment(
        volunteer,
        plan=factories.plan(programme, state="proposed"),
        post_id=post.id,
        status="proposed",
    )
    assert "未发布的驻点" not in _login(app, volunteer).get("/me/schedule").text


def test_one_event_ics_download_and_someone_elses_is_404(app):
    need, occurrence = factories.open_need(title="绘本阅读会")
    volunteer = factories.volunteer_with_login()
    factories.assignment(volunteer, need_id=need.id, occurrence_id=occurrence.id)
    client = _login(app, volunteer)
    response = client.get(f"/me/schedule/o{occurrence.id}-n{need.id}.ics")
    assert response.status_code == 200
    strict, loose = parse_both(response.data)
    assert [e.summary for e in strict.events] == ["绘本阅读会"]
    other = factories.volunteer_with_login()
    assert (
        _login(app, other).get(f"/me/schedule/o{occurrence.id}-n{need.id}.ics").status_code == 404
    )


def _nine_am_in(days: int) -> datetime:
    return datetime.combine(today() + timedelta(days=days), time(9, 0), CHINA).astimezone(UTC)


def _served(volunteer):
    """Two past sessions (one withdrawn) and one past post day range."""
    past = utcnow() - timedelta(days=3)
    need, occurrence = factories.open_need(starts_at=past, minutes=120, title="作业辅导")
    coordinator = factories.user(roles=("coordinator",), name="县协调员 周明")
    factories.assignment(
        volunteer, need_id=need.id, occurrence_id=occurrence.id, confirmed_by_id=coordinator.id
    )
    gone_need, gone = factories.open_need(starts_at=past - timedelta(days=1), title="已退出")
    factories.assignment(volunteer, need_id=gone_need.id, occurrence_id=gone.id, status="withdrawn")
    programme = factories.programme(starts_on=today() - timedelta(days=12))
    post = factories.post(programme, name="龙潭村驻点", days=2)
    factories.assignment(
        volunteer, plan=factories.plan(programme, published_by=coordinator), post_id=post.id
    )
    return post


def test_hours_served_per_month_and_exported_with_chinese_headers(app):
    volunteer = factories.volunteer_with_login(name="李秀兰")
    _served(volunteer)
    client = _login(app, volunteer)
    page = client.get("/me/schedule", headers={"Accept-Language": "en"}).text
    assert "Hours served" in page and "18" in page  # 2 h + 2 days x 8 h
    response = client.get("/me/schedule/hours.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    body = rows[1:-1]
    assert len(body) == 2  # the withdrawn one does not count
    assert all(r[0] == "李秀兰" for r in body)
    assert {r[5] for r in body} == {"县协调员 周明"}
    assert rows[-1][1] == "合计" and float(rows[-1][4]) == 18
    workbook = load_workbook(io.BytesIO(client.get("/me/schedule/hours.xlsx").data))
    sheet = workbook.active
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet.max_row == 4


def test_hours_export_for_a_year_and_garbage_year(app):
    volunteer = factories.volunteer_with_login()
    _served(volunteer)
    client = _login(app, volunteer)
    old = client.get("/me/schedule/hours.csv?year=2001").data.decode("utf-8-sig")
    assert len(old.strip().splitlines()) == 2  # header and total
    assert client.get("/me/schedule/hours.csv?year=abc").status_code == 200


def test_a_long_schedule_shows_the_next_ten_dates_and_a_link_to_all(app):
    from webapp.blueprints.schedule.views import UPCOMING_SHOWN

    volunteer = factories.volunteer_with_login()
    home = factories.home()
    first = _nine_am_in(2)
    for week in range(UPCOMING_SHOWN + 2):
        need, occurrence = factories.open_need(
            home, title=f"第{week + 1}周读书会", starts_at=first + timedelta(weeks=week)
        )
        factories.assignment(volunteer, need_id=need.id, occurrence_id=occurrence.id)
    client = _login(app, volunteer)
    page = client.get("/me/schedule").text
    assert "第1周读书会" in page and f"第{UPCOMING_SHOWN}周读书会" in page
    assert f"第{UPCOMING_SHOWN + 1}周读书会" not in page
    assert "显示全部 12 个日期" in page and 'href="/me/schedule?all=1#upcoming"' in page
    everything = client.get("/me/schedule?all=1").text
    assert f"第{UPCOMING_SHOWN + 2}周读书会" in everything and "显示全部" not in everything


def test_the_dashboard_points_at_the_next_commitment_and_the_schedule(app):
    need, occurrence = factories.open_need(title="绘本阅读会")
    volunteer = factories.volunteer_with_login()
    factories.assignment(volunteer, need_id=need.id, occurrence_id=occurrence.id)
    page = _login(app, volunteer).get("/dashboard").text
    assert "绘本阅读会" in page and 'href="/me/schedule"' in page


@pytest.mark.parametrize(
    "dates, soonest, later",
    [
        # Beyond the coming weeks the dashboard still looks further.
        ((("暑期夏令营", 70), ("秋季读书会", 45)), "秋季读书会", "暑期夏令营"),
        ((("秋季读书会", 45), ("绘本阅读会", 3)), "绘本阅读会", "秋季读书会"),
    ],
)
def test_the_dashboard_shows_the_soonest_commitment_near_or_far(app, dates, soonest, later):
    volunteer = factories.volunteer_with_login()
    for title, days in dates:
        need, occurrence = factories.open_need(title=title, starts_at=_nine_am_in(days))
        factories.assignment(volunteer, need_id=need.id, occurrence_id=occurrence.id)
    page = _login(app, volunteer).get("/dashboard").text
    next_up = page.split('id="next-up"')[1].split("</p>")[0]
    assert soonest in next_up and later not in next_up


def test_volunteers_on_a_date_are_told_when_it_is_cancelled_or_moved_in_their_language(app):
    from sqlalchemy import select

    from webapp.blueprints.homes import booking_changes
    from webapp.models import Occurrence, OutboxMessage

    need, occurrence = factories.open_need(title="绘本阅读会", max_headcount=2)
    chinese = factories.volunteer_with_login()
    english = factories.volunteer_with_login()
    english.user.locale = "en"
    for volunteer in (chinese, english):
        factories.assignment(volunteer, need_id=need.id, occurrence_id=occurrence.id)
    admin = factories.user(roles=("admin",))
    # The admin works in English; each volunteer reads their own language.
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        item = db.session.get(Occurrence, occurrence.id)
        local = item.starts_at.astimezone(CHINA)
        booking_changes.move(item, local.date() + timedelta(days=1), 10 * 60, 11 * 60, admin)
        booking_changes.cancel(item, admin, "下雨")
        db.session.commit()

    def subjects(volunteer) -> list[str]:
        return list(
            db.session.scalars(
                select(OutboxMessage.subject)
                .where(OutboxMessage.to_address == volunteer.user.email)
                .order_by(OutboxMessage.id)
            )
        )

    assert subjects(chinese) == ["时间变更：绘本阅读会", "已取消：绘本阅读会"]
    assert subjects(english) == ["Moved: 绘本阅读会", "Cancelled: 绘本阅读会"]


def test_the_schedule_shows_offers_both_ways_the_waitlist_team_calendars_and_one_feed_link(app):
    from webapp.models import SwapOffer

    volunteer = factories.volunteer_with_login(name="李秀兰")
    colleague = factories.volunteer_with_login(name="王丽")
    team = factories.team(name="竹林支教队", members=(volunteer,))
    mine_need, mine_occurrence = factories.open_need(title="绘本阅读会")
    mine = factories.assignment(volunteer, need_id=mine_need.id, occurrence_id=mine_occurrence.id)
    theirs_need, theirs_occurrence = factories.open_need(title="周末手工课")
    theirs = factories.assignment(
        colleague, need_id=theirs_need.id, occurrence_id=theirs_occurrence.id
    )
    full_need, full_occurrence = factories.open_need(title="排队的活动")
    waiting = factories.assignment(
        volunteer, need_id=full_need.id, occurrence_id=full_occurrence.id, status="waitlisted"
    )
    db.session.add_all(
        [
            SwapOffer(
                assignment_id=mine.id, from_volunteer_id=volunteer.id, to_volunteer_id=colleague.id
            ),
            SwapOffer(
                assignment_id=theirs.id,
                from_volunteer_id=colleague.id,
                to_volunteer_id=volunteer.id,
                note="家里有事",
            ),
        ]
    )
    db.session.commit()
    offer_out, offer_in = db.session.query(SwapOffer).order_by(SwapOffer.id).all()
    client = _login(app, volunteer)
    page = client.get("/me/schedule", headers={"Accept-Language": "en"}).text
    assert "王丽 asks whether you can take over:" in page and "周末手工课" in page
    assert f"/me/swaps/{offer_in.id}/accept" in page and "家里有事" in page
    assert "王丽" not in page.split("asks whether you can take over:")[1]  # the offer out: no name
    assert "Offer sent, waiting for an answer." in page
    assert f"/me/assignments/{mine.id}/swap/take-back" in page
    assert "排队的活动" in page and "Number 1 on the waitlist" in page
    assert f"/me/assignments/{waiting.id}/withdraw" in page
    assert f'href="/feeds/teams/{team.id}">Calendar of 竹林支教队</a>' in page
    link = page.split('id="feed-link"')[0].rsplit('href="', 1)[1]
    again = client.get("/me/schedule").text
    assert link in again  # the token is made once, then read
