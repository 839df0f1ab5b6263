"""Home managers see who comes: on the session page and on the printable week roster, for a
published plan's weekly tutors and for sign-ups alike, with their phones."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories
from tests.blueprints.homes.helpers import next_monday
from webapp.extensions import db


@pytest.fixture
def tutored(manager_client):
    """A weekly 阅读 series (Tuesdays) at the manager's home: 赵老师 tutors it in a published
    plan; its second need (any skill, two wanted) has one sign-up and one person waiting."""
    home = factories.home(managers=(manager_client.user,), name="石门留守儿童之家")
    monday = next_monday()
    event = factories.series(
        home.rooms[0],
        first_date=monday,
        weekdays=(1,),
        count=3,
        needs=({"skill": "reading"}, {"min": 2, "max": 2, "open": True}),
        title="阅读",
    )
    planned, open_need = event.needs
    programme = factories.programme(
        kind="tutoring", starts_on=monday, ends_on=monday + timedelta(weeks=4)
    )
    tutor = factories.volunteer(name="赵老师", phone="13900000001")
    factories.assignment(tutor, plan=factories.plan(programme), need_id=planned.id, weekday=1)
    tuesday = event.occurrences[0]
    signed = factories.volunteer(name="钱同学", phone="13900000002")
    factories.assignment(signed, need_id=open_need.id, occurrence_id=tuesday.id)
    waiting = factories.volunteer(name="孙阿姨", phone="13900000003")
    factories.assignment(
        waiting, need_id=open_need.id, occurrence_id=tuesday.id, status="waitlisted"
    )
    db.session.commit()
    return home, tuesday


def test_the_session_page_names_who_comes_with_their_phones(manager_client, tutored):
    home, tuesday = tutored
    page = manager_client.get(f"/homes/{home.id}/bookings/{tuesday.id}").text
    assert "赵老师" in page and "13900000001" in page  # the published plan's weekly tutor
    assert "钱同学" in page and "13900000002" in page  # a sign-up
    assert "孙阿姨" in page  # waiting
    assert "缺 1 人" in page  # two wanted, one signed up


def test_the_next_weeks_date_shows_the_weekly_tutor_and_nobody_else(manager_client, tutored):
    home, tuesday = tutored
    later = tuesday.event.occurrences[1]
    page = manager_client.get(f"/homes/{home.id}/bookings/{later.id}").text
    assert "赵老师" in page and "钱同学" not in page and "缺 2 人" in page


def test_the_week_links_to_a_printable_roster_of_the_managers_homes(manager_client, tutored):
    home, tuesday = tutored
    other = factories.home(managers=(manager_client.user,), name="白云留守儿童之家")
    week = manager_client.get(f"/homes/{home.id}/week?date={next_monday()}").text
    assert f'href="/homes/roster?date={next_monday()}"' in week
    roster = manager_client.get(f"/homes/roster?date={next_monday()}")
    assert roster.status_code == 200
    text = roster.text
    assert "石门留守儿童之家" in text and other.name in text
    assert text.index("赵老师") < text.index("13900000001")
    assert "钱同学" in text and "13900000002" in text and "孙阿姨" in text
    assert "data-print" in text
    # The week after: the tutor's next Tuesday.
    nxt = manager_client.get(f"/homes/roster?date={next_monday() + timedelta(weeks=1)}").text
    assert "赵老师" in nxt and "钱同学" not in nxt


def test_planning_stays_closed_to_managers(manager_client, tutored):
    assert manager_client.get("/planning/").status_code == 403


def test_another_homes_roster_is_404_and_other_homes_stay_out(manager_client, tutored):
    other = factories.home(name="别人的之家")
    factories.series(other.rooms[0], first_date=next_monday(), weekdays=(1,), count=1,
                     needs=({"open": True},), title="别人的活动")  # fmt: skip
    db.session.commit()
    assert manager_client.get(f"/homes/roster?home={other.id}").status_code == 404
    assert "别人的活动" not in manager_client.get(f"/homes/roster?date={next_monday()}").text


def test_a_coordinator_gets_one_homes_roster_from_its_week(coordinator_client, tutored):
    home, _tuesday = tutored
    week = coordinator_client.get(f"/homes/{home.id}/week?date={next_monday()}").text
    assert f"/homes/roster?date={next_monday()}&amp;home={home.id}" in week
    text = coordinator_client.get(f"/homes/roster?date={next_monday()}&home={home.id}").text
    assert "赵老师" in text


def test_a_bad_date_is_400(manager_client, tutored):
    assert manager_client.get("/homes/roster?date=2026-13-45").status_code == 400


def test_volunteers_may_not_see_the_roster(volunteer_client):
    assert volunteer_client.get("/homes/roster").status_code == 403


def test_a_cancelled_session_shows_no_gap(manager_client, tutored):
    home, tuesday = tutored
    assert manager_client.post(
        f"/homes/{home.id}/bookings/{tuesday.id}/cancel", data={"reason": "下雨"}
    ).status_code in (200, 303)
    page = manager_client.get(f"/homes/{home.id}/bookings/{tuesday.id}").text
    assert "缺 " not in page and "13900000001" not in page
