from conftest import FAST

from webapp.scheduling import solve
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
