"""Planning stays safe after hand edits: every target is checked again after a move, an
addition or "not here" and its card says what is wrong; publishing shows first whom it tells
and what breaks a rule, and a plan that breaks a hard rule is not published."""

from __future__ import annotations

from sqlalchemy import select

from tests import factories
from tests.blueprints.planning.helpers import proposal, term
from webapp.blueprints.planning import ids
from webapp.demo import load_demo_county
from webapp.extensions import db
from webapp.models import Assignment, OutboxMessage, Plan, Post, Programme, Volunteer


def _rows(plan) -> list[Assignment]:
    db.session.expire_all()
    return list(db.session.scalars(select(Assignment).where(Assignment.plan_id == plan.id)))


def _demo_summer_proposal():
    load_demo_county()
    db.session.commit()
    summer = db.session.scalar(select(Programme).where(Programme.kind == "summer"))
    return summer, proposal(summer)


def _move_the_only_leader_of_shimen(client, summer, plan):
    """The issue's repro: 叶强, the only one at 石门村小学 who can lead, moved to 龙潭."""
    shimen = db.session.scalar(select(Post).where(Post.name == "石门村小学"))
    longtan = db.session.scalar(select(Post).where(Post.name == "龙潭村小学"))
    ye = db.session.scalar(select(Volunteer).where(Volunteer.name == "叶强"))
    row = next(r for r in _rows(plan) if r.volunteer_id == ye.id)
    assert row.post_id == shimen.id
    leaders = [r for r in _rows(plan) if r.post_id == shimen.id and r.volunteer.can_lead]
    assert [r.volunteer_id for r in leaders] == [ye.id]
    response = client.post(
        f"/planning/assignments/{row.id}/move", data={"target": ids.post_id(longtan.id)}
    )
    assert response.status_code == 303
    return shimen


def test_moving_the_only_leader_away_says_so_on_the_card(app, coordinator_client):
    summer, plan = _demo_summer_proposal()
    shimen = _move_the_only_leader_of_shimen(coordinator_client, summer, plan)
    page = coordinator_client.get(f"/planning/plans/{plan.id}").get_data(as_text=True)
    card = page[page.index(f'id="target-{ids.post_id(shimen.id)}"') :]
    card = card[: card.index("</article>")]
    assert "Breaks a rule: it cannot be published like this" in card
    assert "Nobody at 石门村小学" in card and "can lead, and it asks for a leader." in card
    assert "needs 1 leader but has 0." in card  # the funnel, recomputed after the move


def test_publish_shows_the_broken_rule_and_refuses_even_a_direct_post(app, coordinator_client):
    summer, plan = _demo_summer_proposal()
    _move_the_only_leader_of_shimen(coordinator_client, summer, plan)
    sent = db.session.query(OutboxMessage).count()
    page = coordinator_client.get(f"/planning/plans/{plan.id}/publish")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="publish-broken"' in html and "Nobody at 石门村小学" in html
    assert 'id="publish-form"' not in html  # no button to publish it
    assert "远山村教学点" in html[html.index('id="publish-short"') :]  # below its minimum
    response = coordinator_client.post(f"/planning/plans/{plan.id}/publish")
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "This plan breaks a rule now, so it was not published" in body
    assert "Nobody at 石门村小学" in body
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).state == "proposed"
    assert {r.status for r in _rows(plan)} == {"proposed"}
    assert db.session.query(OutboxMessage).count() == sent


def test_not_here_leaves_a_session_that_says_why_it_is_unfilled(app, coordinator_client):
    programme, _event, people = term(volunteers=1, weekdays=(1,))
    plan = proposal(programme)
    (row,) = _rows(plan)
    assert "Why not filled" not in coordinator_client.get(f"/planning/plans/{plan.id}").text
    column = coordinator_client.post(
        f"/planning/assignments/{row.id}/forbid", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "0/1" in column and "Why not filled" in column
    assert "Main reason: a coordinator excluded some candidates." in column


def test_the_publish_page_says_whom_it_tells_before_anything_is_sent(app, coordinator_client):
    programme, _event, people = term(volunteers=3, weekdays=(1, 3))
    people[0].user = factories.user(locale="en")
    db.session.commit()
    plan = proposal(programme)
    html = coordinator_client.get(f"/planning/plans/{plan.id}/publish").get_data(as_text=True)
    placed = {r.volunteer_id for r in _rows(plan)}
    with_account = int(people[0].id in placed)
    assert f"{with_account} " in html[html.index('id="publish-told"') :]
    for p in people[1:]:
        if p.id in placed:
            assert p.name in html  # no account: to be told by the coordinator
    assert 'id="publish-form"' in html and 'id="publish-broken"' not in html
    assert db.session.query(OutboxMessage).count() == 0
    assert db.session.get(Plan, plan.id).state == "proposed"


def test_discard_and_not_here_ask_first_without_javascript(app, coordinator_client):
    programme, _event, people = term(volunteers=1, weekdays=(1,))
    plan = proposal(programme)
    (row,) = _rows(plan)
    board = coordinator_client.get(f"/planning/plans/{plan.id}").get_data(as_text=True)
    assert f'href="/planning/plans/{plan.id}/discard"' in board
    assert f'href="/planning/assignments/{row.id}/forbid"' in board
    assert "hx-confirm=" in board
    ask = coordinator_client.get(f"/planning/plans/{plan.id}/discard").get_data(as_text=True)
    assert 'id="discard-form"' in ask and 'method="post"' in ask
    ask = coordinator_client.get(f"/planning/assignments/{row.id}/forbid").get_data(as_text=True)
    assert 'id="forbid-form"' in ask and people[0].name in ask
    assert len(_rows(plan)) == 1 and db.session.get(Plan, plan.id).state == "proposed"
    assert coordinator_client.post(f"/planning/plans/{plan.id}/discard").status_code == 303
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).state == "discarded"
