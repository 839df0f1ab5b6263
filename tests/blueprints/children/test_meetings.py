"""Guardian meetings and the monthly 留守儿童会: recorded afterwards by a home's manager with who
came, shown on the child's card; another home's children cannot be listed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests import factories
from tests.world import login
from webapp import clock
from webapp.extensions import db
from webapp.models.child_care import ChildMeeting, MeetingAttendance


def test_a_manager_records_the_monthly_meeting_and_it_shows_on_the_card(app):
    manager = factories.user(roles=("home_manager",))
    home = factories.home(managers=(manager,))
    came, absent = factories.child(home=home, pseudonym="来了"), factories.child(home=home)
    stranger = factories.child(pseudonym="别处")
    client = login(app.test_client(), manager)
    form = client.get(f"/children/meetings/new?home_id={home.id}").text
    assert f'name="child_{came.id}"' in form and f'name="child_{stranger.id}"' not in form
    data = {
        "home_id": home.id,
        "kind": "children_meeting",
        "held_on": (clock.today() - timedelta(days=2)).isoformat(),
        "title": "十二月留守儿童会",
        f"child_{came.id}": "y",
        f"guardian_{came.id}": "y",
    }
    future = {**data, "held_on": (clock.today() + timedelta(days=1)).isoformat()}
    refused = client.post("/children/meetings/new", data=future)
    assert refused.status_code == 422 and "不能晚于今天" in refused.text
    nobody = {k: v for k, v in data.items() if not k.startswith(("child_", "guardian_"))}
    assert client.post("/children/meetings/new", data=nobody).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ChildMeeting)) == 0
    assert client.post("/children/meetings/new", data=data).status_code == 303
    (row,) = db.session.scalars(select(MeetingAttendance)).all()
    assert (row.child_id, row.child_present, row.guardian_present) == (came.id, True, True)
    card = client.get(f"/children/{came.id}").text.split('id="card-meetings"')[1]
    assert "留守儿童会" in card and "监护人出席" in card
    assert (
        "留守儿童会" not in client.get(f"/children/{absent.id}").text.split('id="card-meetings"')[1]
    )
    assert "十二月留守儿童会" in client.get("/children/meetings").text


def test_another_homes_manager_cannot_record_for_this_home(app):
    home = factories.home()
    child = factories.child(home=home)
    other = factories.user(roles=("home_manager",))
    factories.home(managers=(other,))
    client = login(app.test_client(), other)
    response = client.post(
        "/children/meetings/new",
        data={
            "home_id": home.id,
            "kind": "guardian_meeting",
            "held_on": clock.today().isoformat(),
            f"child_{child.id}": "y",
        },
    )
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ChildMeeting)) == 0
