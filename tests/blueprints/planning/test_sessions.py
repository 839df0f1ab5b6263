"""Weekly sessions with volunteer needs, booked from the programme's page: every such weekday
of the programme, closures and clashes left out and listed, nothing written when no date is
left; the solver plans them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.blueprints.planning.helpers import next_weekday
from webapp.blueprints.planning import adapter
from webapp.extensions import db
from webapp.models import Event, Need, Skill


def _programme():
    home = factories.home()
    first = next_weekday(0)
    programme = factories.programme(
        kind="tutoring", starts_on=first, ends_on=first + timedelta(days=27)
    )
    programme.homes = [home]
    programme.volunteers = [factories.volunteer(skills=("math",))]
    db.session.commit()
    return programme, home


def _form(home, **extra):
    data = {
        "room_id": str(home.rooms[0].id),
        "weekday": "1",
        "start": "16:30",
        "end": "18:00",
        "title": "数学辅导",
        "skill_id": str(db.session.scalar(select(Skill.id).where(Skill.code == "math"))),
        "count": "2",
    }
    return {**data, **extra}


def test_the_programme_page_books_a_weekly_session_with_its_need(app, coordinator_client):
    programme, home = _programme()
    page = coordinator_client.get(f"/planning/programmes/{programme.id}").text
    assert 'id="session-form"' in page and f'href="/homes/{home.id}"' in page
    tuesday = programme.starts_on + timedelta(days=1)
    factories.closure(home, tuesday + timedelta(days=7), tuesday + timedelta(days=7), "停电")
    response = coordinator_client.post(
        f"/planning/programmes/{programme.id}/sessions", data=_form(home)
    )
    assert response.status_code == 303
    event = db.session.scalar(select(Event).where(Event.title == "数学辅导"))
    days = sorted(o.starts_at.date() for o in event.occurrences)
    assert len(days) == 3  # four Tuesdays, one closed
    (need,) = event.needs
    assert (need.min_headcount, need.max_headcount, need.skill.code) == (2, 2, "math")
    page = coordinator_client.get(f"/planning/programmes/{programme.id}").text
    assert "数学辅导" in page and "Left out:" in page and "停电" in page
    built = adapter.build(programme)
    assert [t.need_id for t in built.targets.values()] == [need.id]


def test_a_session_no_date_can_take_is_refused_and_nothing_is_booked(app, coordinator_client):
    programme, home = _programme()
    factories.closure(home, programme.starts_on, programme.ends_on, "装修")
    response = coordinator_client.post(
        f"/planning/programmes/{programme.id}/sessions", data=_form(home)
    )
    assert response.status_code == 409
    assert "None of the dates can be booked" in response.text and "装修" in response.text
    assert db.session.scalar(select(Need)) is None
    bad = coordinator_client.post(
        f"/planning/programmes/{programme.id}/sessions", data=_form(home, count="0")
    )
    assert bad.status_code == 422
    other = factories.home()
    wrong = coordinator_client.post(
        f"/planning/programmes/{programme.id}/sessions",
        data=_form(home, room_id=str(other.rooms[0].id)),
    )
    assert wrong.status_code == 422 and db.session.scalar(select(Event)) is None
