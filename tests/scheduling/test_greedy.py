from conftest import FAST, slot, vol

from webapp.scheduling import TutoringProblem, solve
from webapp.scheduling.checks import check_posts, check_tutoring
from webapp.scheduling.generate import posts_instance, tutoring_instance
from webapp.scheduling.greedy import greedy_posts, greedy_tutoring


def test_greedy_tutoring_respects_hard_rules_and_cp_sat_does_at_least_as_well():
    problem = tutoring_instance(60, 30, seed=3)
    greedy = greedy_tutoring(problem)
    assert check_tutoring(problem, greedy.assignments) == []
    plan = solve(problem, FAST)
    assert plan.objective <= greedy.objective


def test_greedy_posts_keeps_teams_whole_and_cp_sat_does_at_least_as_well():
    problem = posts_instance(40, 6, 2, seed=3)
    greedy = greedy_posts(problem)
    assert check_posts(problem, greedy.assignments) == []
    plan = solve(problem, FAST)
    assert check_posts(problem, plan.assignments) == []
    assert plan.objective <= greedy.objective


def test_greedy_moves_a_session_to_someone_else_to_fill_a_minimum():
    # a: A or B; b: A or D; c: D only. One session a week each. The direct pass gives c to D,
    # a to A (first by id), and finds nobody for b; moving a to B frees A for b.
    off = {"A": {"c"}, "B": {"b", "c"}, "D": {"a"}}
    problem = TutoringProblem(
        tuple(
            vol(v, "math", max_sessions_per_week=1, unavailable_targets=frozenset(o))
            for v, o in off.items()
        ),
        tuple(slot(s, weekday=d) for s, d in (("a", 1), ("b", 2), ("c", 3))),
    )
    plan = greedy_tutoring(problem)
    assert check_tutoring(problem, plan.assignments) == []
    assert plan.term("unfilled_min") == 0
    assert {(a.volunteer_id, a.target_id) for a in plan.assignments} == {
        ("A", "b"),
        ("B", "a"),
        ("D", "c"),
    }
