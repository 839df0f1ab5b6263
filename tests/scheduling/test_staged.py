import dataclasses

from conftest import FAST
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.scheduling import SolveParams, solve
from webapp.scheduling.checks import check_tutoring
from webapp.scheduling.generate import posts_instance, tutoring_instance
from webapp.scheduling.greedy import greedy_tutoring

ONE_SHOT = dataclasses.replace(FAST, staged=False)


def compare(problem):
    staged, one_shot = solve(problem, FAST), solve(problem, ONE_SHOT)
    assert staged.status == one_shot.status == "optimal"
    return staged, one_shot


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(1, 10_000),
    volunteers=st.integers(4, 30),
    slots=st.integers(2, 14),
)
def test_staged_tutoring_is_never_worse_than_the_one_shot_solve(seed, volunteers, slots):
    problem = tutoring_instance(volunteers, slots, seed)
    staged, one_shot = compare(problem)
    # Tutoring fixes minimums, then preferred headcounts: never more empty minimum seats, never
    # more empty preferred seats with as many minimums, and with both as many, the same optimum.
    first = ("unfilled_min", "unfilled_preferred")
    assert [staged.term(n) for n in first] <= [one_shot.term(n) for n in first]
    if [staged.term(n) for n in first] == [one_shot.term(n) for n in first]:
        assert staged.objective == one_shot.objective
    else:
        assert staged.objective >= one_shot.objective  # the weights traded a seat away
    assert staged.unfilled_min_bound == staged.term("unfilled_min")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(1, 10_000), volunteers=st.integers(20, 40), posts=st.integers(3, 5))
def test_staged_summer_posts_are_never_worse_than_the_one_shot_solve(seed, volunteers, posts):
    problem = posts_instance(volunteers, posts, 1, seed)
    staged, one_shot = compare(problem)
    assert staged.term("unfilled_min") <= one_shot.term("unfilled_min")
    if staged.term("unfilled_min") == one_shot.term("unfilled_min"):
        assert staged.objective == one_shot.objective
    assert staged.unfilled_min_bound == staged.term("unfilled_min")


def test_a_run_stopped_at_once_still_answers_with_a_plan_or_says_it_has_none():
    problem = tutoring_instance(30, 12, 3)
    plan = solve(problem, FAST, stop=lambda: True)
    assert plan.stopped
    assert plan.status in ("feasible", "optimal", "timeout_no_solution")
    if plan.status == "feasible" and plan.best_bound is None:
        assert plan.gap is None  # nothing proven of the weighted objective: no gap claimed


def test_keep_searching_starts_from_the_plan_given():
    problem = tutoring_instance(30, 12, 5)
    first = solve(problem, FAST)
    again = solve(problem, dataclasses.replace(FAST, start=first.assignments))
    assert again.status == "optimal" and again.objective == first.objective


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(1, 10_000), volunteers=st.integers(4, 30), slots=st.integers(2, 14))
def test_more_stages_still_never_leave_more_minimums_empty(seed, volunteers, slots):
    problem = tutoring_instance(volunteers, slots, seed)
    three = dataclasses.replace(FAST, stages=("unfilled_min", "unfilled_preferred"))
    staged, one_shot = solve(problem, three), solve(problem, ONE_SHOT)
    assert staged.status == one_shot.status == "optimal"
    assert staged.term("unfilled_min") <= one_shot.term("unfilled_min")
    assert staged.unfilled_min_bound == staged.term("unfilled_min")
    if staged.term("unfilled_min") == one_shot.term("unfilled_min"):
        assert staged.term("unfilled_preferred") <= one_shot.term("unfilled_preferred")


def test_when_cp_sat_finds_nothing_in_time_the_greedy_plan_is_returned_unproven():
    problem = tutoring_instance(200, 100, 4)
    plan = solve(problem, SolveParams(time_limit=0.001, staged=False, explain=False))
    assert plan.status == "feasible" and plan.best_bound is None and plan.gap is None
    assert plan.assignments and check_tutoring(problem, plan.assignments) == []
    assert plan.objective == greedy_tutoring(problem).objective


def test_each_stage_reports_its_plan_weighted_so_progress_starts_early():
    problem = tutoring_instance(30, 12, 7)
    seen = []
    plan = solve(problem, FAST, on_progress=seen.append)
    weighted = [p.objective for p in seen if p.objective is not None]
    assert weighted and weighted[0] >= plan.objective  # a stage's plan, never better than the end
    assert all(p.seconds >= 0 for p in seen)
