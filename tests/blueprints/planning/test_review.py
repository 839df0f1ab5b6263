"""Reviewing a plan: board and table, explanations in both languages, pins and hand edits
checked against the hard rules, publishing (and refusing a stale proposal), withdrawals, the
re-plan's diff and who is told."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.blueprints.planning.helpers import FAST, available, proposal, published, summer, term
from webapp.blueprints.planning import adapter, dispatch, ids, runs
from webapp.extensions import db
from webapp.models import (
    Assignment,
    AuditLog,
    ForbiddenPair,
    OutboxMessage,
    Plan,
    Programme,
    SolveRun,
)


def _rows(plan) -> list[Assignment]:
    db.session.expire_all()
    return list(db.session.scalars(select(Assignment).where(Assignment.plan_id == plan.id)))


def test_the_board_shows_fill_and_why_a_need_stays_empty(app, coordinator_client):
    programme, event_, people = term(volunteers=1, weekdays=(1, 3))
    people[0].max_sessions_per_week = 1
    db.session.commit()
    plan = proposal(programme)
    page = coordinator_client.get(f"/planning/plans/{plan.id}").get_data(as_text=True)
    assert page.count('class="fill') == 2
    assert "1/1" in page and "0/1" in page and "below minimum: 1 missing" in page
    assert "Main reason: the candidates have reached their weekly load." in page
    table = coordinator_client.get(f"/planning/plans/{plan.id}?view=table").get_data(as_text=True)
    assert 'id="plan-table"' in table and people[0].name in table


def test_explanations_read_in_chinese_for_a_chinese_reader(app):
    programme, _, people = term(volunteers=1, weekdays=(1, 3))
    people[0].max_sessions_per_week = 1
    db.session.commit()
    plan = proposal(programme)
    from tests.conftest import AuthActions

    reader = factories.user(roles=("coordinator",), locale="zh_CN")
    client = app.test_client()
    AuthActions(client).login(reader.email)
    page = client.get(f"/planning/plans/{plan.id}").get_data(as_text=True)
    assert "主要原因：人选已达每周负荷上限。" in page
    assert "未达最低人数：缺 1 人" in page


def test_pinning_swaps_the_column_and_a_re_solve_keeps_the_pin(app, coordinator_client):
    programme, event_, people = term(volunteers=2, weekdays=(1,))
    plan = proposal(programme)
    (row,) = _rows(plan)
    response = coordinator_client.post(
        f"/planning/assignments/{row.id}/pin", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith("<article") and "pinned" in html
    run = runs.start_run(programme, None, pins_from=db.session.get(Plan, plan.id), extra=FAST)
    db.session.commit()
    assert dispatch.wait(run.id, timeout=60)
    db.session.expire_all()
    new = db.session.get(SolveRun, run.id).plan
    assert [(a.volunteer_id, a.pinned) for a in new.assignments] == [(row.volunteer_id, True)]
    assert db.session.get(Plan, plan.id).state == "discarded"


def test_a_move_that_breaks_a_hard_rule_is_refused_and_saves_nothing(app, coordinator_client):
    programme, event_, people = term(volunteers=1, weekdays=(1, 3))
    people[0].max_sessions_per_week = 1
    db.session.commit()
    plan = proposal(programme)
    (row,) = _rows(plan)
    empty = next(t["id"] for t in plan.targets if t["id"] != ids.slot_id(row.need_id, row.weekday))
    # The other weekday is outside the volunteer's weekly times once we narrow them.
    people[0].weekly_availability = []
    available(people[0], (row.weekday, 15 * 60, 19 * 60))
    response = coordinator_client.post(
        f"/planning/assignments/{row.id}/move", data={"target": empty}
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "This change breaks a rule, so nothing was saved." in body
    assert f"{people[0].name} is not available for" in body
    (after,) = _rows(plan)
    assert (after.weekday, after.pinned, after.source) == (row.weekday, False, "solver")


def test_a_move_within_the_rules_is_saved_pinned_by_hand(app, coordinator_client):
    programme, event_, people = term(volunteers=1, weekdays=(1, 3))
    people[0].max_sessions_per_week = 1
    db.session.commit()
    plan = proposal(programme)
    (row,) = _rows(plan)
    empty = next(t["id"] for t in plan.targets if t["id"] != ids.slot_id(row.need_id, row.weekday))
    response = coordinator_client.post(
        f"/planning/assignments/{row.id}/move", data={"target": empty}
    )
    assert response.status_code == 303
    (after,) = _rows(plan)
    assert ids.slot_id(after.need_id, after.weekday) == empty
    assert (after.pinned, after.source) == (True, "manual")
    assert db.session.query(AuditLog).filter_by(action="plan.moved").count() == 1


def test_adding_someone_who_is_already_busy_then_is_refused(app, coordinator_client):
    programme, event_, people = term(
        volunteers=1, weekdays=(1,), needs=({"skill": "math", "max": 2},)
    )
    plan = proposal(programme)
    (row,) = _rows(plan)
    target = ids.slot_id(row.need_id, row.weekday)
    response = coordinator_client.post(
        f"/planning/plans/{plan.id}/add",
        data={"target": target, "unit": ids.volunteer_id(people[0].id)},
    )
    assert response.status_code == 422 and "Already there." in response.get_data(as_text=True)
    stranger = factories.volunteer(skills=("math",))
    response = coordinator_client.post(
        f"/planning/plans/{plan.id}/add",
        data={"target": target, "unit": ids.volunteer_id(stranger.id)},
    )
    assert response.status_code == 422
    assert "takes part in this programme" in response.get_data(as_text=True)
    assert len(_rows(plan)) == 1


def test_not_here_removes_and_remembers(app, coordinator_client):
    programme, posts, people, team = summer(posts=1, singles=0, team_size=3)
    plan = proposal(programme)
    row = _rows(plan)[0]
    response = coordinator_client.post(
        f"/planning/assignments/{row.id}/forbid", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert _rows(plan) == []  # the whole team leaves the post
    pair = db.session.scalar(select(ForbiddenPair))
    assert (pair.team_id, pair.post_id, pair.volunteer_id) == (team.id, posts[0].id, None)
    built = adapter.build(db.session.get(Programme, programme.id))
    assert [(f.volunteer_id, f.target_id) for f in built.problem.forbidden] == [
        (ids.team_id(team.id), ids.post_id(posts[0].id))
    ]


def test_a_published_plan_is_not_edited_by_hand(app, coordinator_client):
    programme, _, _ = term(volunteers=2)
    plan = published(programme, coordinator_client.user)
    row = _rows(plan)[0]
    for action in ("pin", "remove", "forbid"):
        response = coordinator_client.post(f"/planning/assignments/{row.id}/{action}")
        assert response.status_code == 409
        assert "Start a re-plan" in response.get_data(as_text=True)
    assert all(not r.pinned and r.status == "confirmed" for r in _rows(plan))


def test_publishing_confirms_and_tells_those_with_accounts(app, coordinator_client):
    programme, _, people = term(volunteers=2, weekdays=(1, 3))
    people[0].user = factories.user(locale="en")
    db.session.commit()
    plan = proposal(programme)
    response = coordinator_client.post(f"/planning/plans/{plan.id}/publish")
    assert response.status_code == 303
    rows = _rows(plan)
    assert {r.status for r in rows} == {"confirmed"}
    assert all(r.confirmed_at and r.confirmed_by_id == coordinator_client.user.id for r in rows)
    assert db.session.get(Programme, programme.id).state == "published"
    (message,) = db.session.scalars(select(OutboxMessage))
    assert message.to_user_id == people[0].user_id and "Your assignments" in message.body
    page = coordinator_client.get(f"/planning/plans/{plan.id}").get_data(as_text=True)
    assert "No e-mail or SMS reached" in page and people[1].name in page


def test_a_stale_proposal_is_not_published_and_says_what_changed(app, coordinator_client):
    programme, _, people = term(volunteers=1, weekdays=(1,))
    plan = proposal(programme)
    people[0].vetting_status = "expired"  # revoked since the solve
    db.session.commit()
    response = coordinator_client.post(f"/planning/plans/{plan.id}/publish")
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "This plan breaks a rule now, so it was not published" in body
    assert f"{people[0].name} has no clearance valid through the last date of" in body
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).state == "proposed"
    assert {r.status for r in _rows(plan)} == {"proposed"}
    assert db.session.query(OutboxMessage).count() == 0


def test_withdrawal_then_replan_changes_only_what_must_change(app, coordinator_client):
    programme, posts, people, _ = summer(posts=2, singles=4)
    for p in posts:
        p.max_headcount = p.beds = 2
    for v in people:
        v.user = factories.user(locale="en")
    db.session.commit()
    plan = published(programme, coordinator_client.user)
    told = db.session.query(OutboxMessage).count()
    rows = _rows(plan)
    gone = rows[0]
    response = coordinator_client.post(
        f"/planning/assignments/{gone.id}/withdraw", data={"note": "回老家"}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Assignment, gone.id).status == "withdrawn"
    response = coordinator_client.post(
        f"/planning/programmes/{programme.id}/replan", data={"time_limit": "10"}
    )
    assert response.status_code == 303
    assert dispatch.wait(timeout=60)
    db.session.expire_all()
    replan = db.session.scalar(select(Plan).where(Plan.state == "proposed"))
    assert replan.base_plan_id == plan.id
    page = coordinator_client.get(f"/planning/plans/{replan.id}").get_data(as_text=True)
    assert 'id="diff-withdrawn"' in page
    assert 'id="diff-removed"' not in page and 'id="diff-moved"' not in page
    kept = {(r.volunteer_id, r.post_id) for r in rows if r.id != gone.id}
    now = {(r.volunteer_id, r.post_id) for r in _rows(replan)}
    assert kept <= now and (gone.volunteer_id, gone.post_id) not in now
    added = now - kept
    assert len(added) <= 1, (rows, _rows(replan))
    assert coordinator_client.post(f"/planning/plans/{replan.id}/publish").status_code == 303
    new_messages = db.session.query(OutboxMessage).count() - told
    assert new_messages == len(added)  # only the people in the diff are told
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).state == "superseded"


def test_messages_to_everyone_on_a_post(app, coordinator_client):
    programme, posts, people, _ = summer(posts=1, singles=2)
    people[0].user = factories.user(locale="en")
    db.session.commit()
    plan = published(programme, coordinator_client.user)
    before = db.session.query(OutboxMessage).count()
    response = coordinator_client.post(
        f"/planning/plans/{plan.id}/message",
        data={
            "target": ids.post_id(posts[0].id),
            "subject": "集合时间",
            "body": "早上八点村口集合",
        },
    )
    assert response.status_code == 303
    assert db.session.query(OutboxMessage).count() == before + 1
    page = coordinator_client.get(f"/planning/plans/{plan.id}").get_data(as_text=True)
    assert people[1].name in page and "No e-mail or SMS reached" in page
    empty = coordinator_client.post(
        f"/planning/plans/{plan.id}/message", data={"target": ids.post_id(posts[0].id)}
    )
    assert empty.status_code == 422


def test_opening_for_sign_up_what_a_published_plan_fills_is_409(app, coordinator_client):
    programme, posts, _, _ = summer(posts=2, singles=2)
    published(programme, coordinator_client.user)
    filled = {r.post_id for r in db.session.scalars(select(Assignment))}
    post = next(p for p in posts if p.id in filled)
    response = coordinator_client.post(
        f"/planning/programmes/{programme.id}/posts/{post.id}/signup", data={"open": "1"}
    )
    assert response.status_code == 409 and "Re-plan without it first" in response.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert not db.session.get(type(post), post.id).open_for_signup


def test_a_post_open_for_sign_up_is_left_out_of_the_solve(app, coordinator_client):
    programme, posts, _, _ = summer(posts=2, singles=2)
    response = coordinator_client.post(
        f"/planning/programmes/{programme.id}/posts/{posts[0].id}/signup", data={"open": "1"}
    )
    assert response.status_code == 303
    built = adapter.build(db.session.get(Programme, programme.id))
    assert set(built.targets) == {ids.post_id(posts[1].id)}


def test_the_review_page_queries_do_not_grow_with_the_plan(
    app, coordinator_client, count_statements
):
    def statements_for(plan) -> int:
        def review():
            assert coordinator_client.get(f"/planning/plans/{plan.id}").status_code == 200

        return count_statements(review)

    small, _, _, _ = summer(posts=1, singles=2, team_size=2)
    big, _, _, _ = summer(posts=4, singles=12, team_size=3)
    for p in big.posts:
        p.max_headcount = p.beds = 6
    db.session.commit()
    assert statements_for(proposal(small)) == statements_for(proposal(big))


def test_withdrawing_twice_or_from_a_proposal_is_refused(app, coordinator_client):
    programme, _, _ = term(volunteers=2)
    plan = proposal(programme)
    row = _rows(plan)[0]
    assert coordinator_client.post(f"/planning/assignments/{row.id}/withdraw").status_code == 409
    db.session.rollback()
    editing_plan = db.session.get(Plan, plan.id)
    assert editing_plan.state == "proposed"
    assert row.status == "proposed"
    later = programme.starts_on + timedelta(days=1)
    assert later  # the proposal stays as it was


def test_a_post_added_after_publishing_is_filled_without_moving_anyone(app, coordinator_client):
    programme, posts, people, _ = summer(posts=1, singles=4)
    posts[0].max_headcount = posts[0].beds = 2
    posts[0].min_headcount = posts[0].preferred_headcount = 2
    db.session.commit()
    plan = published(programme, coordinator_client.user)
    before = {(r.volunteer_id, r.post_id) for r in _rows(plan)}
    new = factories.post(
        programme,
        starts_on=posts[0].starts_on,
        min_headcount=1,
        max_headcount=2,
        need_leader=False,
        need_cleared_adult=False,
    )
    response = coordinator_client.post(
        f"/planning/programmes/{programme.id}/replan", data={"time_limit": "10"}
    )
    assert response.status_code == 303 and dispatch.wait(timeout=60)
    db.session.expire_all()
    replan = db.session.scalar(select(Plan).where(Plan.state == "proposed"))
    after = {(r.volunteer_id, r.post_id) for r in _rows(replan)}
    assert before <= after
    assert {post for _v, post in after - before} == {new.id}
    page = coordinator_client.get(f"/planning/plans/{replan.id}").get_data(as_text=True)
    assert 'id="diff-added"' in page and 'id="diff-moved"' not in page
