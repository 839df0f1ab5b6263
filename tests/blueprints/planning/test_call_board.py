"""A video-call rota through the planning path: built from the children's records, solved by
the real engine in a run, stored, shown on the board, moved and pinned by hand."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from tests import factories
from webapp.blueprints.planning import adapter, runs
from webapp.clock import today
from webapp.extensions import db
from webapp.models import CallPlacement, ChildWeeklyTime, Household, Plan, Programme, SolveRun

TUESDAY = 1


def _times(child, kind: str, weekday: int, start: int, end: int) -> None:
    db.session.add(
        ChildWeeklyTime(
            child_id=child.id, kind=kind, weekday=weekday, start_minute=start, end_minute=end
        )
    )


def _world():
    """One home open Tuesday 18:00-20:00 with a video-call room for one call at once; two
    siblings free 18:00-19:00, a child free 18:00-18:40, a child whose parents are free only
    21:00-23:00 (after the room closes), a child without consent."""
    home = factories.home(rooms=("video_call", "activity"))
    factories.opening_hours(home, weekdays=(TUESDAY,), start="18:00", end="20:00")
    household = Household(label="高坡村 01", village="高坡村", lat=26.6, lon=107.4)
    db.session.add(household)
    db.session.flush()
    elder = factories.child(pseudonym="小明", home=home)
    younger = factories.child(pseudonym="小红", home=home)
    alone = factories.child(pseudonym="小军", home=home)
    late = factories.child(pseudonym="小雨", home=home)
    factories.child(pseudonym="小草", home=home, consent=False)
    elder.household_id = younger.household_id = household.id
    _times(elder, "parents", TUESDAY, 18 * 60, 19 * 60)
    _times(younger, "parents", TUESDAY, 18 * 60, 19 * 60)
    _times(alone, "parents", TUESDAY, 18 * 60, 18 * 60 + 40)
    _times(late, "parents", TUESDAY, 21 * 60, 23 * 60)
    programme = Programme(
        kind="video_calls",
        name="亲情视频测试",
        starts_on=today(),
        ends_on=today() + timedelta(days=27),
        settings={"slot_minutes": 20},
    )
    programme.homes = [home]
    db.session.add(programme)
    db.session.commit()
    return programme, (elder, younger, alone, late)


def _solve(programme: Programme, user=None) -> Plan:
    run = runs.start_run(programme, user, time_limit=10, background=False)
    db.session.commit()
    runs.execute_run(current_app._get_current_object(), run.id)
    db.session.expire_all()
    run = db.session.get(SolveRun, run.id)
    assert run.is_done, run.error
    return run.plan


def test_build_groups_siblings_and_leaves_out_children_without_consent(app):
    programme, (elder, younger, alone, late) = _world()
    built = adapter.build(programme)
    assert sorted(built.families.values()) == sorted(
        [(elder.id, younger.id), (alone.id,), (late.id,)]
    )
    assert built.children_needed() == 4


def test_solved_rota_puts_siblings_on_one_slot_and_explains_the_child_without_common_time(app):
    programme, (elder, younger, alone, late) = _world()
    plan = _solve(programme)
    rows = {r.child_id: r for r in db.session.query(CallPlacement).filter_by(plan_id=plan.id)}
    assert set(rows) == {elder.id, younger.id, alone.id}
    assert (rows[elder.id].weekday, rows[elder.id].start_minute) == (
        rows[younger.id].weekday,
        rows[younger.id].start_minute,
    )
    # One call at once: the two families hold different slots, inside their parents' times.
    assert rows[elder.id].start_minute != rows[alone.id].start_minute
    assert rows[alone.id].start_minute + 20 <= 18 * 60 + 40
    run = plan.solve_run
    assert (run.needed, run.filled, run.unfilled) == (4, 3, 1)
    why = [e for e in plan.explanations if e["params"].get("family") == f"f{late.id}"]
    assert why and "21:00" in why[0]["text"]["en"]


def test_board_shows_calls_and_the_reason_a_family_has_none(app, coordinator_client):
    programme, (_elder, _younger, _alone, late) = _world()
    plan = _solve(programme)
    html = coordinator_client.get(f"/planning/plans/{plan.id}").get_data(as_text=True)
    assert "小明" in html and "小红" in html and "小军" in html
    assert 'id="unplaced"' in html and "小雨" in html and "21:00" in html
    assert "3 of 4 children have a weekly call" in html


def test_move_to_a_slot_outside_the_parents_times_is_refused_with_422(app, coordinator_client):
    programme, (_elder, _younger, alone, _late) = _world()
    plan = _solve(programme)
    row = db.session.query(CallPlacement).filter_by(plan_id=plan.id, child_id=alone.id).one()
    page = coordinator_client.get(f"/planning/call-placements/{row.id}/move")
    assert page.status_code == 200
    bad = f"r{row.room_id}@{TUESDAY}:{19 * 60 + 20}"  # 19:20: the parents are free until 18:40
    answer = coordinator_client.post(f"/planning/call-placements/{row.id}/move", data={"slot": bad})
    assert answer.status_code == 422
    db.session.expire_all()
    assert db.session.get(CallPlacement, row.id).start_minute == row.start_minute


def test_move_to_a_free_fitting_slot_pins_the_call(app, coordinator_client):
    programme, (elder, younger, _alone, _late) = _world()
    plan = _solve(programme)
    rows = db.session.query(CallPlacement).filter_by(plan_id=plan.id).all()
    taken = {r.start_minute for r in rows}
    sibling = next(r for r in rows if r.child_id == elder.id)
    free = next(s for s in (18 * 60, 18 * 60 + 20, 18 * 60 + 40) if s not in taken)
    slot = f"r{sibling.room_id}@{TUESDAY}:{free}"
    answer = coordinator_client.post(
        f"/planning/call-placements/{sibling.id}/move", data={"slot": slot}
    )
    assert answer.status_code in (302, 303), answer.get_data(as_text=True)
    db.session.expire_all()
    moved = db.session.query(CallPlacement).filter(
        CallPlacement.plan_id == plan.id, CallPlacement.child_id.in_((elder.id, younger.id))
    )
    assert {(r.start_minute, r.pinned, r.source) for r in moved} == {(free, True, "manual")}


def test_a_pinned_call_stays_when_solved_again(app, coordinator_client):
    programme, (elder, _younger, _alone, _late) = _world()
    plan = _solve(programme)
    row = db.session.query(CallPlacement).filter_by(plan_id=plan.id, child_id=elder.id).one()
    assert coordinator_client.post(f"/planning/call-placements/{row.id}/pin").status_code in (
        302,
        303,
    )
    run = runs.start_run(programme, None, time_limit=10, pins_from=plan, background=False)
    db.session.commit()
    runs.execute_run(current_app._get_current_object(), run.id)
    db.session.expire_all()
    again = db.session.get(SolveRun, run.id).plan
    kept = db.session.query(CallPlacement).filter_by(plan_id=again.id, child_id=elder.id).one()
    assert (kept.weekday, kept.start_minute, kept.pinned) == (row.weekday, row.start_minute, True)


def test_a_published_rota_is_not_changed_by_hand(app, coordinator_client):
    programme, (elder, *_rest) = _world()
    plan = _solve(programme)
    plan.state = "published"
    db.session.commit()
    row = db.session.query(CallPlacement).filter_by(plan_id=plan.id, child_id=elder.id).one()
    assert coordinator_client.post(f"/planning/call-placements/{row.id}/pin").status_code == 409


def test_nothing_to_plan_without_a_video_call_room(app, coordinator_client):
    home = factories.home(rooms=("activity",))
    programme = factories.programme(kind="video_calls")
    programme.homes = [home]
    db.session.commit()
    html = coordinator_client.get(f"/planning/programmes/{programme.id}").get_data(as_text=True)
    assert "has a video-call room" in html


def test_publishing_refuses_a_call_whose_parents_times_changed_since_the_solve(
    app, coordinator_client
):
    programme, (_elder, _younger, alone, _late) = _world()
    plan = _solve(programme)
    db.session.query(ChildWeeklyTime).filter_by(child_id=alone.id).update(
        {"start_minute": 21 * 60, "end_minute": 22 * 60}
    )
    db.session.commit()
    answer = coordinator_client.post(f"/planning/plans/{plan.id}/calls-publish")
    assert answer.status_code == 409
    assert "小军" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).state == "proposed"


def test_the_pages_made_for_volunteer_plans_do_not_exist_for_a_rota(app, coordinator_client):
    programme, _children = _world()
    plan = _solve(programme)
    for page in ("add", "roster", "call-list", "call-list.csv", "export.csv"):
        assert coordinator_client.get(f"/planning/plans/{plan.id}/{page}").status_code == 404, page
    assert coordinator_client.post(f"/planning/plans/{plan.id}/message").status_code == 404
