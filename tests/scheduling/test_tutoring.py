import threading

from conftest import FAST, HOME, slot, vol
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.scheduling import (
    Forbidden,
    Location,
    Need,
    Pin,
    SolveParams,
    TimeWindow,
    TutoringProblem,
    Weights,
    solve,
)
from webapp.scheduling.checks import check_tutoring, evaluate_tutoring, weighted_total

FAR = Location(29.5, 110.5, "far away")


def pairs(plan):
    return {(a.volunteer_id, a.target_id) for a in plan.assignments}


def run(vols, slots, **kw):
    problem = TutoringProblem(tuple(vols), tuple(slots), **kw)
    plan = solve(problem, FAST)
    assert plan.status == "optimal"
    assert check_tutoring(problem, plan.assignments) == []
    return plan


def test_volunteer_without_clearance_is_never_assigned_to_vetted_need():
    plan = run([vol("uncleared", "math", cleared=False)], [slot("s1")])
    assert plan.assignments == ()
    assert plan.term("unfilled_min") == 1


def test_unvetted_need_accepts_uncleared_volunteer():
    plan = run(
        [vol("uncleared", "math", cleared=False)],
        [slot("s1", Need("math", vetting_required=False))],
    )
    assert pairs(plan) == {("uncleared", "s1")}


def test_volunteer_without_the_skill_is_not_assigned():
    plan = run([vol("a", "art")], [slot("s1", Need("math"))])
    assert plan.assignments == ()


def test_volunteer_outside_weekly_availability_is_not_assigned():
    only_monday = (TimeWindow(0, 0, 24 * 60),)
    plan = run(
        [vol("a", "math", availability=only_monday), vol("b", "math")], [slot("s1", weekday=1)]
    )
    assert pairs(plan) == {("b", "s1")}


def test_volunteer_beyond_travel_limit_is_not_assigned():
    plan = run([vol("a", "math", max_travel_minutes=20)], [slot("s1", loc=FAR)])
    assert plan.assignments == ()


def test_slots_that_overlap_only_through_travel_time_are_not_both_assigned():
    # 15:00-16:00 at home A, 16:10-17:00 at home B ~10 km away: no clock overlap, but travel.
    near_b = Location(29.09, 110.0)
    a = slot("a", home="hA", start=900, end=960)
    b = slot("b", home="hB", start=970, end=1020, loc=near_b)
    plan = run([vol("x", "math", max_travel_minutes=120, transport="bus")], [a, b])
    assert len(plan.assignments) == 1
    # Same home: no travel between, both fit.
    b_same = slot("b", home="hA", start=970, end=1020)
    plan = run([vol("x", "math", max_travel_minutes=120)], [a, b_same])
    assert len(plan.assignments) == 2


def test_weekly_minutes_budget_counts_the_round_trip():
    # Two 60-minute sessions on different days, each 20 minutes away by bus: 2 * (60 + 40) = 200.
    loc = Location(29.06, 110.0)
    slots = [
        slot("mon", weekday=0, start=900, end=960, loc=loc),
        slot("tue", weekday=1, start=900, end=960, loc=loc),
    ]
    plan = run([vol("x", "math", max_minutes_per_week=150)], slots)
    assert len(plan.assignments) == 1
    plan = run([vol("x", "math", max_minutes_per_week=1000)], slots)
    assert len(plan.assignments) == 2


def test_max_sessions_per_week_is_respected():
    slots = [slot(f"s{d}", weekday=d) for d in range(4)]
    plan = run([vol("x", "math", max_sessions_per_week=2, max_minutes_per_week=10_000)], slots)
    assert len(plan.assignments) == 2


def test_max_headcount_is_never_exceeded_even_when_preferred_would_want_more():
    plan = run([vol(f"v{i}", "math") for i in range(4)], [slot("s1", Need("math", 1, 2, 2))])
    assert len(plan.assignments) == 2


def test_pinned_assignment_is_kept_even_if_more_expensive():
    plan = run(
        [vol("near", "math"), vol("far", "math", home=Location(29.05, 110.0))],
        [slot("s1")],
        pins=(Pin("far", "s1"),),
    )
    assert pairs(plan) == {("far", "s1")}


def test_forbidden_pair_is_kept_out_by_slot_or_by_home():
    plan = run(
        [vol("a", "math"), vol("b", "math", home=Location(29.05, 110.0))],
        [slot("s1")],
        forbidden=(Forbidden("a", "h1"),),
    )
    assert pairs(plan) == {("b", "s1")}


def test_continuity_keeps_last_terms_volunteer_despite_longer_travel():
    last = vol("last", "math", home=Location(29.03, 110.0), last_targets=frozenset({"s1"}))
    plan = run([vol("near", "math"), last], [slot("s1")])
    assert pairs(plan) == {("last", "s1")}


def test_fairness_spreads_sessions_over_volunteers():
    slots = [slot(f"s{d}", weekday=d) for d in range(2)]
    plan = run(
        [
            vol("a", "math", max_minutes_per_week=9999),
            vol("b", "math", home=Location(29.01, 110.0)),
        ],
        slots,
    )
    assert {a.volunteer_id for a in plan.assignments} == {"a", "b"}


def test_reported_terms_and_objective_match_an_independent_evaluation():
    vols = [vol(f"v{i}", "math", "english", home=Location(29 + i / 100, 110.0)) for i in range(5)]
    slots = [
        slot(
            f"s{i}",
            Need("math", 1, 2, 2),
            Need("english"),
            weekday=i % 3,
            home=f"h{i}",
            loc=Location(29.02, 110 + i / 100),
        )
        for i in range(6)
    ]
    problem = TutoringProblem(tuple(vols), tuple(slots))
    plan = solve(problem, FAST)
    terms = evaluate_tutoring(problem, plan.assignments)
    for t in plan.terms:
        assert terms.get(t.name, 0) == t.value, t.name
    assert plan.objective == weighted_total(problem, terms)


def test_same_parameters_give_the_same_plan():
    vols = [vol(f"v{i}", "math", home=Location(29 + i / 50, 110.0)) for i in range(8)]
    slots = [slot(f"s{i}", Need("math", 1, 2, 2), weekday=i % 5) for i in range(8)]
    problem = TutoringProblem(tuple(vols), tuple(slots))
    first, second = solve(problem, FAST), solve(problem, FAST)
    assert first.assignments == second.assignments
    assert first.objective == second.objective


def test_progress_is_reported_and_a_set_stop_flag_ends_the_search_cleanly():
    vols = [vol(f"v{i}", "math", home=Location(29 + i / 50, 110.0)) for i in range(6)]
    problem = TutoringProblem(tuple(vols), (slot("s1"), slot("s2", weekday=2)))
    seen = []
    plan = solve(problem, FAST, on_progress=seen.append)
    assert seen and plan.status == "optimal"
    stop = threading.Event()
    stop.set()
    stopped = solve(problem, SolveParams(time_limit=5), stop=stop)
    assert stopped.stopped
    assert stopped.status in ("timeout_no_solution", "feasible", "optimal")


def test_objective_terms_with_zero_weight_are_not_reported():
    problem = TutoringProblem(
        (vol("a", "math"),), (slot("s1"),), weights=Weights(travel=0, fairness=0)
    )
    names = {t.name for t in solve(problem, FAST).terms}
    assert "travel" not in names and "fairness" not in names


SKILLS = ("math", "english", "art")


@st.composite
def small_instances(draw):
    n_v, n_s = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    vols = []
    for i in range(n_v):
        vols.append(
            vol(
                f"v{i}",
                *draw(st.sets(st.sampled_from(SKILLS), min_size=1, max_size=2)),
                cleared=draw(st.booleans()),
                home=Location(29 + draw(st.integers(0, 10)) / 100, 110.0),
                max_travel_minutes=draw(st.sampled_from((10, 30, 60))),
                max_sessions_per_week=draw(st.integers(0, 3)),
                max_minutes_per_week=draw(st.sampled_from((60, 150, 400))),
                availability=draw(
                    st.sampled_from((None, (TimeWindow(1, 0, 1440),), (TimeWindow(2, 800, 1000),)))
                ),
            )
        )
    slots = []
    for i in range(n_s):
        start = draw(st.sampled_from((840, 900, 960)))
        skills = draw(st.lists(st.sampled_from(SKILLS), min_size=1, max_size=2, unique=True))
        needs = []
        for k in skills:
            lo = draw(st.integers(0, 2))
            needs.append(
                Need(k, lo, lo + draw(st.integers(0, 1)), vetting_required=draw(st.booleans()))
            )
        slots.append(
            slot(
                f"s{i}",
                *needs,
                home=f"h{i % 3}",
                weekday=draw(st.integers(1, 2)),
                start=start,
                end=start + 60,
                loc=Location(29 + (i % 3) / 20, 110.0),
            )
        )
    return TutoringProblem(tuple(vols), tuple(slots))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances())
def test_any_small_instance_yields_a_plan_that_respects_every_hard_rule(problem):
    plan = solve(problem, SolveParams(time_limit=10, deterministic_time=2.0))
    assert plan.status == "optimal"
    assert check_tutoring(problem, plan.assignments) == []
    assert plan.objective == weighted_total(problem, evaluate_tutoring(problem, plan.assignments))


def test_home_location_constant_is_used():
    assert HOME.lat == 29.0
