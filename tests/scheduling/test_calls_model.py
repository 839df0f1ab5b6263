from webapp.scheduling.calls import CallFamily, CallRoom, VideoCallProblem, check_calls, solve_calls
from webapp.scheduling.calls_generate import video_call_instance
from webapp.scheduling.calls_model import Context, greedy_calls, term_values
from webapp.scheduling.plan import Assignment
from webapp.scheduling.problem import TimeWindow as W
from webapp.scheduling.solver import SolveParams

FAST = SolveParams(time_limit=10.0, deterministic_time=5.0, seed=7, strategy="lin2")
THU = W(3, 1140, 1200)


def test_bad_input_gives_an_invalid_plan_naming_the_item():
    bad = (
        VideoCallProblem((CallRoom("r1", "h1", (W(3, 1200, 1100),)),), ()),
        VideoCallProblem((CallRoom("r1", "h1", (THU,), capacity=0),), ()),
        VideoCallProblem((), (CallFamily("f1", "h1", ("c1",), ()),) * 2),
        VideoCallProblem((), (), slot_minutes=0),
        VideoCallProblem((), (), pins=(("nobody", "r1@3:1140"),)),
        VideoCallProblem(
            (), (CallFamily("f1", "h1", ("c1",), ()), CallFamily("f2", "h1", ("c1", "c2"), ()))
        ),
    )
    for problem in bad:
        plan = solve_calls(problem, FAST)
        assert plan.status == "invalid" and plan.explanations[0].key == "invalid_input"


def test_an_empty_rota_is_optimal_at_zero():
    plan = solve_calls(VideoCallProblem((CallRoom("r1", "h1", (THU,)),), ()), FAST)
    assert (plan.status, plan.objective, plan.assignments) == ("optimal", 0.0, ())


def test_the_objective_is_the_weighted_sum_of_its_terms():
    problem = video_call_instance(2, 40, seed=3)
    plan = solve_calls(problem, FAST)
    assert plan.status == "optimal" and plan.gap == 0.0
    assert plan.objective == sum(t.weighted for t in plan.terms)
    assert [t.name for t in plan.terms] == ["unplaced", "missed_weeks", "moved", "late"]
    assert plan.terms == term_values(Context.of(problem), plan.assignments)


def test_the_greedy_rota_keeps_every_rule_and_the_solver_does_at_least_as_well():
    problem = video_call_instance(3, 75, seed=5)
    greedy = greedy_calls(problem)
    assert check_calls(problem, greedy) == []
    plan = solve_calls(problem, FAST)
    ctx = Context.of(problem)
    assert plan.objective <= sum(t.weighted for t in term_values(ctx, greedy))


def test_keep_searching_starts_from_a_given_plan():
    problem = VideoCallProblem(
        (CallRoom("r1", "h1", (THU,)),),
        tuple(CallFamily(f"f{i}", "h1", (f"c{i}",), (THU,)) for i in range(3)),
    )
    start = (Assignment("f2", "r1@3:1140"),)
    plan = solve_calls(problem, SolveParams(time_limit=5.0, deterministic_time=2.0, start=start))
    assert plan.status == "optimal" and len(plan.assignments) == 3


def test_a_pin_given_twice_is_one_pin():
    problem = VideoCallProblem(
        (CallRoom("r1", "h1", (THU,)),),
        (CallFamily("f1", "h1", ("c1",), (THU,)),),
        pins=(("f1", "r1@3:1160"), ("f1", "r1@3:1160")),
    )
    plan = solve_calls(problem, FAST)
    assert plan.status == "optimal" and plan.assignments == (Assignment("f1", "r1@3:1160"),)


def test_without_time_for_a_first_plan_the_greedy_rota_is_returned_unproven():
    problem = video_call_instance(2, 40, seed=1)
    plan = solve_calls(problem, SolveParams(time_limit=0.0))
    assert (plan.status, plan.best_bound, plan.gap) == ("feasible", None, None)
    assert plan.assignments == greedy_calls(problem)
    assert check_calls(problem, plan) == [] and len(plan.explanations) == plan.term("unplaced")
