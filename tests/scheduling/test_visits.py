"""Home visits end to end: the solver's plans keep every rule (check_visits), red households go
first when pairs are short, and every household left out is explained."""

from __future__ import annotations

import dataclasses
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.scheduling import Location, SolveParams
from webapp.scheduling.plan import Assignment, Plan
from webapp.scheduling.visits import (
    HomeVisitProblem,
    Household,
    Route,
    Visitor,
    VisitPair,
    VisitPlan,
    VisitRules,
    check_visits,
    greedy_visits,
    parse_target_id,
    route_travel,
    solve_visits,
    target_id,
)

FAST = SolveParams(time_limit=20.0, deterministic_time=2.0, seed=7, workers=2)
D1, D2 = date(2026, 7, 13), date(2026, 7, 14)
SCHOOL = Location(29.0, 110.0, "school")


def homes(village: str, n: int, lat: float, lon: float, priority="yellow", start=0):
    return tuple(
        Household(
            f"{village}-{start + i}",
            village,
            Location(lat + 0.002 * (i % 3), lon + 0.002 * (i // 3)),
            (f"c-{village}-{start + i}",),
            priority,
        )
        for i in range(n)
    )


def pair(pid: str, days=(D1, D2), base=SCHOOL, transport="bus") -> VisitPair:
    return VisitPair(pid, (f"{pid}a", f"{pid}b"), tuple(days), base, transport)


def test_target_ids_round_trip():
    assert parse_target_id(target_id("p3", D1)) == ("p3", D1)
    assert target_id("p3", D1) == "p3@2026-07-13"


def test_a_small_campaign_is_visited_whole_and_keeps_every_rule():
    households = homes("A", 7, 29.02, 110.02) + homes("B", 4, 29.05, 110.0)
    problem = HomeVisitProblem((D1, D2), households, pairs=(pair("p1"), pair("p2")))
    result = solve_visits(problem, FAST)
    assert check_visits(problem, result) == []
    assert result.visited == {h.id for h in households}
    assert result.plan.status == "optimal"
    for r in result.routes:
        assert len(r.household_ids) <= problem.rules.max_visits_per_day
        assert r.travel_minutes <= problem.rules.max_travel_minutes
    greedy = greedy_visits(problem)
    assert check_visits(problem, greedy) == []
    assert result.plan.objective <= greedy.plan.objective


def test_a_village_no_pair_can_reach_is_explained_with_the_round_trip_and_the_limit():
    far = homes("高山村", 2, 29.9, 110.9)
    near = homes("A", 2, 29.02, 110.02)
    problem = HomeVisitProblem((D1,), far + near, pairs=(pair("p1", days=(D1,)),))
    result = solve_visits(problem, FAST)
    assert check_visits(problem, result) == []
    assert result.visited == {h.id for h in near}
    why = {e.target_id: e for e in result.plan.explanations}
    assert set(why) == {h.id for h in far}
    e = why[far[0].id]
    assert e.key == "visit_unreachable"
    assert "no pair can reach 高山村 within the day's travel limit" in e.text["en"]
    assert "limit 4 h" in e.text["en"] and "上限 4小时" in e.text["zh_CN"]


def test_red_households_go_first_when_pairs_are_short():
    yellow = homes("A", 6, 29.02, 110.02, "yellow")
    red = homes("A", 3, 29.02, 110.02, "red", start=10)
    problem = HomeVisitProblem((D1,), yellow + red, pairs=(pair("p1", days=(D1,)),))
    result = solve_visits(problem, FAST)
    assert check_visits(problem, result) == []
    assert {h.id for h in red} <= result.visited
    assert len(result.visited) == 6
    left = [e for e in result.plan.explanations if e.key == "visit_full"]
    assert len(left) == 3 and "red households were placed first" in left[0].text["en"]


def test_a_village_is_visited_on_one_day_even_by_several_pairs():
    households = homes("A", 10, 29.02, 110.02)
    pairs = (pair("p1", days=(D1, D2)), pair("p2", days=(D1, D2)))
    problem = HomeVisitProblem((D1, D2), households, pairs=pairs)
    result = solve_visits(problem, FAST)
    assert check_visits(problem, result) == []
    assert len({r.day for r in result.routes}) == 1 and len(result.visited) == 10


def test_pins_are_kept_and_forbidden_pairs_avoided():
    households = homes("A", 4, 29.02, 110.02)
    pins = ((households[0].id, target_id("p2", D2)),)
    forbidden = ((households[1].id, "p2"),)
    problem = HomeVisitProblem(
        (D1, D2), households, pairs=(pair("p1"), pair("p2")), pins=pins, forbidden=forbidden
    )
    result = solve_visits(problem, FAST)
    assert check_visits(problem, result) == []
    where = {a.volunteer_id: a.target_id for a in result.plan.assignments}
    assert where[households[0].id] == "p2@2026-07-14"
    assert where.get(households[1].id, "").split("@")[0] != "p2"


def test_the_checker_catches_each_broken_rule():
    households = homes("A", 8, 29.02, 110.02) + homes("B", 1, 29.05, 110.0)
    problem = HomeVisitProblem((D1, D2), households, pairs=(pair("p1"), pair("p2")))
    good = solve_visits(problem, FAST)
    assert check_visits(problem, good) == []
    route = good.routes[0]

    def broken(routes):
        plan = dataclasses.replace(good.plan, assignments=())
        fake = dataclasses.replace(good, routes=tuple(routes), plan=plan)
        return " | ".join(check_visits(problem, fake))

    twice = dataclasses.replace(route, household_ids=route.household_ids + route.household_ids[:1])
    assert "visited twice" in broken([twice])
    assert "travel is" in broken([dataclasses.replace(route, travel_minutes=1)])
    many = dataclasses.replace(route, household_ids=tuple(h.id for h in households[:7]))
    assert "more than 6" in broken([many])
    off = dataclasses.replace(route, day=date(2026, 8, 1))
    assert "not available" in broken([off])
    split = [
        dataclasses.replace(route, household_ids=(households[0].id,), day=D1, travel_minutes=0),
        dataclasses.replace(
            route, pair_id="p2", household_ids=(households[1].id,), day=D2, travel_minutes=0
        ),
    ]
    assert "visited on 2 days" in broken(split)
    tight = dataclasses.replace(problem, rules=VisitRules(max_travel_minutes=5))
    assert any("over the limit" in m for m in check_visits(tight, good))
    pinned = dataclasses.replace(problem, pins=((households[0].id, "p9@2026-07-13"),))
    assert any("not kept" in m for m in check_visits(pinned, good))


def test_pairs_are_formed_from_visitors_when_none_are_given():
    visitors = (
        Visitor("v1", (D1, D2), cleared=True, sex="f", base=SCHOOL),
        Visitor("v2", (D1,), cleared=False, sex="m", base=SCHOOL),
        Visitor("v3", (D2,), cleared=False, sex="m", base=SCHOOL),
    )
    households = homes("A", 3, 29.02, 110.02)
    problem = HomeVisitProblem((D1, D2), households, visitors=visitors)
    result = solve_visits(problem, FAST)
    assert check_visits(problem, result) == []
    assert len(result.pairs) == 1
    unpaired = [e for e in result.plan.explanations if e.key.startswith("visitor_")]
    assert len(unpaired) == 1


@st.composite
def small_campaigns(draw):
    days = (D1, D2)[: draw(st.integers(1, 2))]
    households = []
    for v in range(draw(st.integers(1, 4))):
        lat = 29.0 + draw(st.floats(-0.3, 0.3))
        lon = 110.0 + draw(st.floats(-0.3, 0.3))
        n = draw(st.integers(1, 8))
        prio = draw(st.sampled_from(["red", "yellow", "blue"]))
        households += homes(f"V{v}", n, lat, lon, prio)
    visitors = tuple(
        Visitor(
            f"v{i}",
            tuple(d for d in days if draw(st.booleans())) or days[:1],
            cleared=draw(st.booleans()),
            sex=draw(st.sampled_from(["f", "m"])),
            base=SCHOOL,
            transport=draw(st.sampled_from(["bus", "car", "ebike"])),
        )
        for i in range(draw(st.integers(2, 6)))
    )
    rules = VisitRules(
        max_visits_per_day=draw(st.integers(2, 6)),
        max_travel_minutes=draw(st.sampled_from([90, 180, 240])),
        mixed_pairs=draw(st.booleans()),
        village_same_day=draw(st.booleans()),
    )
    return HomeVisitProblem(days, tuple(households), visitors, rules=rules)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_campaigns())
def test_any_small_campaign_is_solved_within_every_rule(problem):
    result = solve_visits(problem, SolveParams(time_limit=10, deterministic_time=1.0))
    assert check_visits(problem, result) == []
    assert check_visits(problem, greedy_visits(problem)) == []
    left = {h.id for h in problem.households} - result.visited
    assert {e.target_id for e in result.plan.explanations if e.kind == "unfilled"} == left


def test_a_deterministic_budget_gives_the_same_plan_twice():
    households = homes("A", 9, 29.02, 110.02) + homes("B", 5, 29.08, 110.05, "red")
    problem = HomeVisitProblem((D1, D2), households, pairs=(pair("p1"), pair("p2")))
    first, second = solve_visits(problem, FAST), solve_visits(problem, FAST)
    assert first.routes == second.routes and first.plan.objective == second.plan.objective


def test_the_checker_catches_forbidden_pairs_and_pairs_that_break_the_pairing_rules():
    households = homes("A", 2, 29.02, 110.02)
    visitors = (
        Visitor("a", (D1,), cleared=False, sex="f", base=SCHOOL),
        Visitor("b", (D1,), cleared=False, sex="f", base=SCHOOL),
    )
    bad_pair = VisitPair("p1", ("a", "b"), (D1,), SCHOOL)
    problem = HomeVisitProblem(
        (D1,),
        households,
        visitors,
        rules=VisitRules(mixed_pairs=True),
        forbidden=((households[0].id, "p1"),),
    )
    route = Route("p1", D1, (households[0].id,), route_travel(bad_pair, [households[0]]))
    plan = Plan(
        "feasible",
        0.0,
        None,
        None,
        0.0,
        assignments=(Assignment(households[0].id, "p1@2026-07-13"),),
    )
    found = " | ".join(check_visits(problem, VisitPlan(plan, (bad_pair,), (route,))))
    assert "no cleared member" in found and "not one woman and one man" in found
    assert "is forbidden" in found


def test_a_pin_on_a_day_the_pair_is_not_free_makes_the_campaign_infeasible():
    households = homes("A", 2, 29.02, 110.02)
    problem = HomeVisitProblem(
        (D1, D2),
        households,
        pairs=(pair("p1", days=(D1,)),),
        pins=((households[0].id, target_id("p1", D2)),),
    )
    result = solve_visits(problem, FAST)
    assert result.plan.status == "infeasible" and result.plan.objective is None
    assert result.routes == ()


def test_a_stop_flag_ends_the_search_with_a_plan_that_keeps_every_rule():
    import threading

    households = homes("A", 9, 29.02, 110.02) + homes("B", 5, 29.08, 110.05, "red")
    problem = HomeVisitProblem((D1, D2), households, pairs=(pair("p1"), pair("p2")))
    stop = threading.Event()
    stop.set()
    seen = []
    result = solve_visits(problem, FAST, on_progress=seen.append, stop=stop)
    assert result.plan.stopped and result.plan.status in ("feasible", "optimal")
    assert check_visits(problem, result) == []
