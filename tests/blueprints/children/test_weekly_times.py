"""The card's video-call times (webapp/blueprints/children/weekly_times.py and its views): the
parents' free times and the school timetable as weekly windows, added and removed by the card's
keepers, refused with reasons in the user's language, and every change in the access log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories
from tests.world import login
from webapp.extensions import db
from webapp.models import Child
from webapp.models.child_care import ChildAccess
from webapp.models.video_calls import ChildWeeklyTime

HTMX = {"HX-Request": "true"}


@pytest.fixture
def card(app):
    manager = factories.user(roles=("home_manager",))
    home = factories.home(managers=(manager,))
    child = factories.child(pseudonym="小芳", home=home)
    return {"manager": manager, "home": home, "child_id": child.id}


def _window(kind="parents", weekday=3, start="19:30", end="21:00") -> dict:
    return {"time-kind": kind, "time-weekday": weekday, "time-start": start, "time-end": end}


def _times(child_id: int) -> list[tuple]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(ChildWeeklyTime)
        .where(ChildWeeklyTime.child_id == child_id)
        .order_by(ChildWeeklyTime.id)
    )
    return [(t.kind, t.weekday, t.start_minute, t.end_minute) for t in rows]


def test_a_coordinator_adds_the_parents_times_and_the_school_timetable(coordinator_client, card):
    url = f"/children/{card['child_id']}/times"
    response = coordinator_client.post(url, data=_window())
    assert response.status_code == 303
    assert response.location.endswith(f"/children/{card['child_id']}#times")
    response = coordinator_client.post(url, data=_window("school", 0, "08:00", "17:00"))
    assert response.status_code == 303
    assert _times(card["child_id"]) == [("parents", 3, 1170, 1260), ("school", 0, 480, 1020)]
    page = coordinator_client.get(f"/children/{card['child_id']}").text
    assert "19:30–21:00" in page and "08:00–17:00" in page
    details = db.session.scalars(
        select(ChildAccess.detail).where(ChildAccess.action == "edit")
    ).all()
    assert len(details) == 2 and all(d.startswith("weekly time") for d in details)


def test_htmx_gets_the_section_alone(coordinator_client, card):
    response = coordinator_client.post(
        f"/children/{card['child_id']}/times", data=_window(), headers=HTMX
    )
    assert response.status_code == 200
    body = response.text
    assert body.lstrip().startswith('<div id="times">') and "19:30–21:00" in body
    assert "<html" not in body


def test_a_window_ending_at_midnight_ends_with_the_day(coordinator_client, card):
    coordinator_client.post(f"/children/{card['child_id']}/times", data=_window(end="00:00"))
    assert _times(card["child_id"]) == [("parents", 3, 1170, 1440)]


@pytest.mark.parametrize(
    ("window", "reason"),
    [
        (_window(start="21:00", end="19:30"), "结束时间必须晚于开始时间"),
        (_window(start="19:30", end="19:30"), "结束时间必须晚于开始时间"),
        (_window(end=""), "请输入时间"),
        (_window(weekday=9), "不是有效的选择"),
        (_window(kind="work"), "不是有效的选择"),
    ],
)
def test_a_window_that_is_not_one_is_refused_with_the_reason(
    coordinator_client, card, window, reason
):
    response = coordinator_client.post(f"/children/{card['child_id']}/times", data=window)
    assert response.status_code == 422
    assert reason in response.text, response.text
    assert _times(card["child_id"]) == []


def test_an_overlap_with_the_same_kind_on_that_day_is_refused_naming_the_other(
    coordinator_client, card
):
    url = f"/children/{card['child_id']}/times"
    coordinator_client.post(url, data=_window(start="19:00", end="21:00"))
    response = coordinator_client.post(url, data=_window(start="20:30", end="22:00"), headers=HTMX)
    assert response.status_code == 422
    assert "19:00–21:00" in response.text and "重叠" in response.text
    # Another kind, another day, or a window that only touches it: accepted.
    for other in (
        _window("school", 3, "20:00", "21:00"),
        _window(weekday=4, start="20:30", end="22:00"),
        _window(start="21:00", end="22:00"),
    ):
        assert coordinator_client.post(url, data=other).status_code == 303
    assert len(_times(card["child_id"])) == 4


def test_the_refusal_speaks_english_to_an_english_reader(coordinator_client, card):
    response = coordinator_client.post(
        f"/children/{card['child_id']}/times",
        data=_window(start="21:00", end="19:30"),
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert "The end must be after the start." in response.text


def test_the_homes_manager_removes_a_window(app, card):
    client = login(app.test_client(), card["manager"])
    client.post(f"/children/{card['child_id']}/times", data=_window())
    (row,) = db.session.scalars(select(ChildWeeklyTime)).all()
    response = client.post(f"/children/{card['child_id']}/times/{row.id}/delete", headers=HTMX)
    assert response.status_code == 200 and "19:30" not in response.text
    assert _times(card["child_id"]) == []


def test_another_childs_window_is_not_found(coordinator_client, card):
    other = factories.child(home=factories.home())
    row = ChildWeeklyTime(
        child_id=other.id, kind="parents", weekday=1, start_minute=600, end_minute=660
    )
    db.session.add(row)
    db.session.commit()
    response = coordinator_client.post(f"/children/{card['child_id']}/times/{row.id}/delete")
    assert response.status_code == 404
    assert _times(other.id) == [("parents", 1, 600, 660)]


def test_another_homes_manager_is_told_nothing_and_the_carer_may_not(app, card):
    stranger = factories.user(roles=("home_manager",))
    factories.home(managers=(stranger,))
    carer = factories.user(roles=("volunteer",))
    child = db.session.get(Child, card["child_id"])
    factories.pairing(volunteer=factories.volunteer(user=carer), child=child)
    url = f"/children/{card['child_id']}/times"
    assert login(app.test_client(), stranger).post(url, data=_window()).status_code == 404
    carer_client = login(app.test_client(), carer)
    assert carer_client.post(url, data=_window()).status_code == 403
    page = carer_client.get(f"/children/{card['child_id']}").text
    assert 'id="times"' not in page  # the section is the keepers'
    assert _times(card["child_id"]) == []
