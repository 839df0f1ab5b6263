"""Copy a programme to a new term: reviewed first (nothing booked), then its homes, weekly
sessions with their needs (booked on the new dates, closures left out and listed) and people;
a summer's teams and posts a year on."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests import factories
from tests.blueprints.planning.helpers import summer, term
from webapp.blueprints.planning import adapter
from webapp.blueprints.planning.copying import a_year_on
from webapp.extensions import db
from webapp.models import Event, Need, Post, Programme


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_term_is_previewed_then_copied_with_its_sessions_needs_and_people(
    app, coordinator_client
):
    programme, event, people = term(volunteers=2, weekdays=(1, 3))
    home = programme.homes[0]
    first = programme.ends_on + timedelta(days=1)
    last = first + timedelta(days=27)
    closed = first + timedelta(days=(1 - first.weekday()) % 7 + 7)  # the new term's 2nd Tuesday
    factories.closure(home, closed, closed, "停电")
    page = coordinator_client.get(f"/planning/programmes/{programme.id}").text
    assert f'href="/planning/programmes/{programme.id}/copy"' in page
    form = coordinator_client.get(f"/planning/programmes/{programme.id}/copy").text
    assert first.isoformat() in form  # the next term, right after this one, by default
    events, needs = _count(Event), _count(Need)
    asked = {"name": "下学期", "starts_on": first.isoformat(), "ends_on": last.isoformat()}
    preview = coordinator_client.get(
        f"/planning/programmes/{programme.id}/copy", query_string=asked
    )
    assert preview.status_code == 200
    html = preview.text
    table = html[html.index('id="copy-sessions"') :]
    assert event.title in table and "7 (" in table  # 8 dates, one closed
    assert f"{closed.isoformat()}: " in table and "停电" in table
    assert (_count(Event), _count(Need), _count(Programme)) == (events, needs, 1)  # nothing yet

    response = coordinator_client.post(f"/planning/programmes/{programme.id}/copy", data=asked)
    assert response.status_code == 303
    copy = db.session.scalar(select(Programme).where(Programme.name == "下学期"))
    assert (copy.kind, copy.state, copy.starts_on, copy.ends_on) == (
        "tutoring",
        "draft",
        first,
        last,
    )
    assert [h.id for h in copy.homes] == [home.id]
    assert {v.id for v in copy.volunteers} == {p.id for p in people}
    new = db.session.scalar(select(Event).where(Event.id != event.id))
    days = sorted(o.starts_at.date() for o in new.occurrences)
    assert len(days) == 7 and closed not in days and first <= days[0] and days[-1] <= last
    assert [(n.skill_id, n.min_headcount) for n in new.needs] == [
        (n.skill_id, n.min_headcount) for n in event.needs
    ]
    assert {t.need_id for t in adapter.build(copy).targets.values()} == {new.needs[0].id}


def test_a_summer_is_copied_a_year_on_with_its_teams_and_posts(app, coordinator_client):
    programme, posts, people, team = summer(posts=2, singles=2, team_size=2)
    form = coordinator_client.get(f"/planning/programmes/{programme.id}/copy").text
    assert a_year_on(programme.starts_on).isoformat() in form
    asked = {
        "name": "明年暑期",
        "starts_on": a_year_on(programme.starts_on).isoformat(),
        "ends_on": a_year_on(programme.ends_on).isoformat(),
    }
    html = coordinator_client.get(
        f"/planning/programmes/{programme.id}/copy", query_string=asked
    ).text
    assert posts[0].name in html[html.index('id="copy-posts"') :]
    assert _count(Post) == 2
    assert (
        coordinator_client.post(f"/planning/programmes/{programme.id}/copy", data=asked).status_code
        == 303
    )
    copy = db.session.scalar(select(Programme).where(Programme.name == "明年暑期"))
    shift = copy.starts_on - programme.starts_on
    assert sorted((p.name, p.starts_on) for p in copy.posts) == sorted(
        (p.name, p.starts_on + shift) for p in posts
    )
    assert [t.id for t in copy.teams] == [team.id]
    assert {v.id for v in copy.volunteers} == {p.id for p in people}


def test_a_refused_copy_writes_nothing_and_says_why(app, coordinator_client):
    programme, _event, _people = term(volunteers=1, weekdays=(1,))
    first = programme.ends_on + timedelta(days=1)
    events = _count(Event)
    for asked, words in (
        ({"name": programme.name}, "Another programme already has this name."),
        ({"name": "x", "ends_on": "not a date"}, "Give the first and the last day."),
        ({"name": "x", "ends_on": (first - timedelta(days=1)).isoformat()}, "before the first"),
    ):
        data = {"starts_on": first.isoformat(), "ends_on": (first + timedelta(days=6)).isoformat()}
        data.update(asked)
        response = coordinator_client.post(f"/planning/programmes/{programme.id}/copy", data=data)
        assert response.status_code == 422 and words in response.text
    assert (_count(Programme), _count(Event)) == (1, events)
