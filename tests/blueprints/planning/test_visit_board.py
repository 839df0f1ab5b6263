"""A home-visit campaign through the planning path: households and visitors from the records,
pairs formed and routes solved by the real engine in a run, shown on the board, moved by hand
with the engine's checker as the judge."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from tests import factories
from webapp.blueprints.planning import adapter, runs
from webapp.clock import today
from webapp.extensions import db
from webapp.models import Household, Plan, Programme, SolveRun, VisitPlacement
from webapp.scheduling.visits import route_travel


def _household(label: str, village: str, lat: float, lon: float, *children) -> Household:
    household = Household(label=label, village=village, lat=lat, lon=lon)
    db.session.add(household)
    db.session.flush()
    for child in children:
        child.household_id = household.id
    return household


def _world(visitors: int = 4, days: int = 3):
    home = factories.home(rooms=("activity",))
    a = factories.child(pseudonym="小明", home=home)
    b = factories.child(pseudonym="小红", home=home)
    c = factories.child(pseudonym="小军", home=home)
    d = factories.child(pseudonym="小雨", home=home)
    a.priority = "red"
    _household("高坡村 01", "高坡村", 26.668, 107.405, a, b)
    _household("高坡村 02", "高坡村", 26.670, 107.407, c)
    _household("石门村 01", "石门村", 26.645, 107.432, d)
    factories.child(pseudonym="小草", home=home)  # no household: cannot be planned
    people = []
    for n in range(visitors):
        v = factories.volunteer(
            name=f"老师{n}", kind="teacher", lat=26.64, lon=107.44, gender=("female", "male")[n % 2]
        )
        if n % 2 == 0:
            v.vetting_status, v.cleared_on = "cleared", today() - timedelta(days=10)
            v.expires_on = today() + timedelta(days=365)
        people.append(v)
    first = today() + timedelta(days=30)
    programme = Programme(
        kind="home_visits",
        name="家访测试",
        starts_on=first,
        ends_on=first + timedelta(days=days - 1),
        settings={"max_visits_per_day": 2, "max_travel_minutes": 240},
    )
    programme.homes = [home]
    programme.volunteers = people
    db.session.add(programme)
    db.session.commit()
    return programme, people


def _solve(programme: Programme, **extra) -> Plan:
    run = runs.start_run(programme, None, time_limit=10, background=False, **extra)
    db.session.commit()
    runs.execute_run(current_app._get_current_object(), run.id)
    db.session.expire_all()
    run = db.session.get(SolveRun, run.id)
    assert run.is_done, run.error
    return run.plan


def test_build_forms_pairs_with_a_cleared_adult_each(app):
    programme, people = _world()
    built = adapter.build(programme)
    cleared = {f"v{p.id}" for p in people if p.vetting_status == "cleared"}
    assert len(built.problem.pairs) == 2
    assert all(set(p.member_ids) & cleared for p in built.problem.pairs)
    assert len(built.households) == 3
    assert built.unplannable  # 小草 has no household


def test_every_household_is_visited_once_within_the_day_limits(app):
    programme, _people = _world()
    plan = _solve(programme)
    rows = db.session.query(VisitPlacement).filter_by(plan_id=plan.id).all()
    assert len({r.household_id for r in rows}) == len(rows) == 3
    per_day: dict = {}
    for r in rows:
        per_day.setdefault((r.first_visitor_id, r.second_visitor_id, r.day), []).append(r)
    assert all(len(v) <= 2 for v in per_day.values())
    assert all(r.route_minutes <= 240 for r in rows)
    # The village's households on one day.
    villages = {}
    for r in rows:
        villages.setdefault(r.household.village, set()).add(r.day)
    assert all(len(days) == 1 for days in villages.values())
    run = plan.solve_run
    assert (run.needed, run.filled, run.unfilled) == (3, 3, 0)


def test_board_lists_pairs_days_and_the_child_without_household(app, coordinator_client):
    programme, people = _world()
    plan = _solve(programme)
    html = coordinator_client.get(f"/planning/plans/{plan.id}").get_data(as_text=True)
    assert "高坡村 01" in html and "石门村 01" in html
    assert "3 of 3 households visited" in html
    assert "without a household on the map" in html and "小草" in html


def _pair_key(row: VisitPlacement) -> str:
    lo, hi = sorted((row.first_visitor_id, row.second_visitor_id))
    return f"p{lo}-{hi}"


def test_moving_a_visit_away_from_its_villages_day_is_refused(app, coordinator_client):
    programme, _people = _world()
    plan = _solve(programme)
    rows = db.session.query(VisitPlacement).filter_by(plan_id=plan.id).all()
    gaopo = next(r for r in rows if r.household.village == "高坡村")
    other_day = next(
        programme.starts_on + timedelta(days=i)
        for i in range(3)
        if programme.starts_on + timedelta(days=i) != gaopo.day
    )
    # The other 高坡村 household stays on its day: the village would be split over two days.
    answer = coordinator_client.post(
        f"/planning/visit-placements/{gaopo.id}/move",
        data={"target": f"{_pair_key(gaopo)}@{other_day.isoformat()}"},
    )
    assert answer.status_code == 422
    assert "Not this day" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(VisitPlacement, gaopo.id).day == gaopo.day


def test_moving_a_visit_reorders_the_day_and_pins_it(app, coordinator_client):
    programme, _people = _world(days=4)
    plan = _solve(programme)
    rows = db.session.query(VisitPlacement).filter_by(plan_id=plan.id).all()
    shimen = next(r for r in rows if r.household.village == "石门村")
    pair = _pair_key(shimen)
    used = {r.day for r in rows if _pair_key(r) == pair}
    free = next(
        programme.starts_on + timedelta(days=i)
        for i in range(4)
        if programme.starts_on + timedelta(days=i) not in used
    )
    answer = coordinator_client.post(
        f"/planning/visit-placements/{shimen.id}/move",
        data={"target": f"{pair}@{free.isoformat()}"},
    )
    assert answer.status_code in (302, 303), answer.get_data(as_text=True)
    db.session.expire_all()
    moved = db.session.get(VisitPlacement, shimen.id)
    assert (moved.day, moved.pinned, moved.position) == (free, True, 1)
    assert moved.route_minutes > 0


def test_stored_route_minutes_are_the_real_route(app):
    programme, _people = _world()
    plan = _solve(programme)
    built = adapter.build(programme, pins_from=plan)
    pairs = {p.id: p for p in built.problem.pairs}
    households = {h.id: h for h in built.problem.households}
    rows = db.session.query(VisitPlacement).filter_by(plan_id=plan.id).all()
    days: dict = {}
    for r in sorted(rows, key=lambda r: r.position):
        days.setdefault((r.first_visitor_id, r.second_visitor_id, r.day), []).append(r)
    for (a, b, _day), stops in days.items():
        pair = pairs[f"p{min(a, b)}-{max(a, b)}"]
        real = route_travel(pair, [households[f"hh{r.household_id}"] for r in stops])
        assert all(r.route_minutes == real for r in stops)


def test_publishing_refuses_a_route_through_a_household_that_moved_far_away(
    app, coordinator_client
):
    programme, _people = _world()
    plan = _solve(programme)
    row = db.session.query(VisitPlacement).filter_by(plan_id=plan.id).first()
    row.household.lat, row.household.lon = 28.5, 109.5  # two hundred kilometres off
    db.session.commit()
    answer = coordinator_client.post(f"/planning/plans/{plan.id}/publish")
    assert answer.status_code == 409
    assert "travel limit" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).state == "proposed"
