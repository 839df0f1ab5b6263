"""Planning stays safe after hand edits: every target is checked again after a move, an
addition or "not here" and its card says what is wrong; publishing shows first whom it tells
and what breaks a rule, and a plan that breaks a hard rule is not published."""

from __future__ import annotations

from sqlalchemy import select

from tests import factories
from tests.blueprints.planning.helpers import FAST, proposal, summer, term
from webapp.blueprints.planning import dispatch, ids, runs
from webapp.demo import load_demo_county
from webapp.extensions import db
from webapp.models import Assignment, OutboxMessage, Plan, Post, Programme, SolveRun, Volunteer


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


def test_add_someone_offers_who_can_take_the_place_first_and_folds_the_others(
    app, coordinator_client
):
    programme, _event, people = term(volunteers=3, weekdays=(1,))
    plan = proposal(programme)
    (row,) = _rows(plan)
    target = ids.slot_id(row.need_id, row.weekday)
    free, away = [p for p in people if p.id != row.volunteer_id]
    away.weekly_availability = []  # no weekly times: not available for this session
    db.session.commit()
    html = coordinator_client.get(
        f"/planning/plans/{plan.id}/add?target={target}", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    form, folded = html.split('id="cannot-take"')
    assert f'<option value="{ids.volunteer_id(free.id)}">{free.name}</option>' in form
    assert away.name not in form and row.volunteer.name not in form  # the one there already
    assert f"{away.name}: not available then" in folded


def test_solving_again_shows_what_changed_and_flags_a_team_that_moved_whole(
    app, coordinator_client
):
    programme, posts, _people, team = summer(posts=2, singles=0, team_size=3)
    plan = proposal(programme)
    (there,) = {r.post_id for r in _rows(plan)}
    post = db.session.get(Post, there)
    post.max_headcount = post.beds = 2  # the team no longer fits where it was
    db.session.commit()
    run = runs.start_run(programme, None, pins_from=db.session.get(Plan, plan.id), extra=FAST)
    db.session.commit()
    assert dispatch.wait(run.id, timeout=60)
    db.session.expire_all()
    new = db.session.get(SolveRun, run.id).plan
    page = coordinator_client.get(f"/planning/plans/{new.id}").get_data(as_text=True)
    since = page[page.index('id="since-previous"') :]
    since = since[: since.index("</section>")]
    assert f"previous proposal (#{plan.id})" in since
    teams = since[since.index('id="since-teams"') :]
    assert "whole team" in teams and team.name in teams and "3 people" in teams
    assert post.name in teams and 'id="since-moved"' not in since  # not one line per member


def test_a_solve_that_staffs_a_post_without_a_leader_says_so_and_is_not_published(
    app, coordinator_client
):
    programme, posts, people, _team = summer(posts=1, singles=2)
    posts[0].need_leader = True  # and nobody taking part can lead
    db.session.commit()
    plan = proposal(programme)
    assert _rows(plan)  # the model still sends people (the leader is a cost there)
    page = coordinator_client.get(f"/planning/plans/{plan.id}").text
    assert "Breaks a rule: it cannot be published like this" in page
    assert f"Nobody at {posts[0].name}" in page
    assert coordinator_client.post(f"/planning/plans/{plan.id}/publish").status_code == 409


def test_cancelling_a_post_and_removing_a_participant_ask_first(app, coordinator_client):
    programme, posts, people, _team = summer(posts=1, singles=1)
    page = coordinator_client.get(f"/planning/programmes/{programme.id}").text
    cancel = f"/planning/programmes/{programme.id}/posts/{posts[0].id}/cancel"
    remove = f"/planning/programmes/{programme.id}/volunteers/{people[0].id}/remove"
    assert f'href="{cancel}"' in page and f'href="{remove}"' in page
    for url, name in ((cancel, posts[0].name), (remove, people[0].name)):
        ask = coordinator_client.get(url)
        assert ask.status_code == 200 and 'id="confirm-form"' in ask.text and name in ask.text
    db.session.expire_all()
    assert db.session.get(Post, posts[0].id).cancelled_at is None
    assert [v.id for v in db.session.get(Programme, programme.id).volunteers] == [people[0].id]
