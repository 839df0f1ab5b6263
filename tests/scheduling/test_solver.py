"""Solver plumbing: the LNS polish phase and its stop flag."""

import random
import threading
import time

from webapp.scheduling import SolveParams, solve
from webapp.scheduling.checks import check_tutoring, evaluate_tutoring, weighted_total
from webapp.scheduling.gap import GapInstance, gap_problem


def hard_gap(m: int = 10, n: int = 100, seed: int = 3) -> GapInstance:
    """An OR-Library type-D instance (loads 1-100, cost 111 - load +- 10, 80 % capacity):
    nothing CP-SAT proves optimal within a second or two, so the polish phase runs."""
    rng = random.Random(seed)
    load = [[rng.randint(1, 100) for _ in range(n)] for _ in range(m)]
    cost = [[111 - a + rng.randint(-10, 10) for a in row] for row in load]
    cap = [int(0.8 * sum(row) / m) for row in load]
    return GapInstance(m, n, tuple(map(tuple, cost)), tuple(map(tuple, load)), tuple(cap))


def test_stop_flag_during_polish_ends_cleanly_with_the_best_plan_so_far():
    problem = gap_problem(hard_gap())
    seen = []
    t0 = time.monotonic()
    # 1 s main search, then polishing until 6 s; the flag goes up 0.8 s into polishing.
    params = SolveParams(time_limit=6.0, polish_share=5 / 6, hint=False, explain=False)
    plan = solve(problem, params, on_progress=seen.append, stop=lambda: time.monotonic() - t0 > 2.0)
    assert plan.stopped
    assert plan.status == "feasible"  # the main search ended unproven and polishing ran
    assert plan.wall_seconds < 3.2  # well before the 6 s limit
    assert check_tutoring(problem, plan.assignments) == []
    assert len(plan.assignments) == 100
    assert plan.objective == weighted_total(problem, evaluate_tutoring(problem, plan.assignments))
    found = [p.objective for p in seen if p.objective is not None]
    assert plan.objective == min(found)  # the best plan reported so far, polish included
    assert plan.best_bound <= plan.objective


def test_polish_improves_on_the_main_search_and_reports_its_progress():
    problem = gap_problem(hard_gap(seed=4))
    seen = []
    plain = solve(problem, SolveParams(time_limit=1.0, hint=False, explain=False))
    plan = solve(
        problem,
        SolveParams(time_limit=4.0, polish_share=0.75, hint=False, explain=False),
        on_progress=seen.append,
    )
    assert plan.status == "feasible" and not plan.stopped
    assert plan.objective < plain.objective
    assert any(p.seconds > 1.0 and p.objective == plan.objective for p in seen)
    assert check_tutoring(problem, plan.assignments) == []


def test_an_event_set_from_another_thread_stops_polishing():
    problem = gap_problem(hard_gap(seed=5))
    stop = threading.Event()
    timer = threading.Timer(2.0, stop.set)
    timer.start()
    try:
        plan = solve(
            problem,
            SolveParams(time_limit=8.0, polish_share=0.875, hint=False, explain=False),
            stop=stop,
        )
    finally:
        timer.cancel()
    assert plan.stopped and plan.status == "feasible" and plan.wall_seconds < 3.2
    assert check_tutoring(problem, plan.assignments) == []


def test_auto_strategy_is_max_lp_for_tutoring_and_lin2_for_posts():
    from webapp.scheduling.generate import posts_instance, tutoring_instance
    from webapp.scheduling.solver import resolve_strategy

    auto = SolveParams()
    assert auto.strategy == "auto"
    assert resolve_strategy(auto, tutoring_instance(20, 10, 1)).strategy == "max_lp"
    assert resolve_strategy(auto, posts_instance(20, 4, 1, 1)).strategy == "lin2"
    explicit = SolveParams(strategy="default", stages=("unfilled_min",))
    assert resolve_strategy(explicit, posts_instance(20, 4, 1, 1)) is explicit
    # Stages: tutoring fixes minimums, then preferred headcounts; posts minimums only.
    assert resolve_strategy(auto, tutoring_instance(20, 10, 1)).stages == (
        "unfilled_min",
        "unfilled_preferred",
    )
    assert resolve_strategy(auto, posts_instance(20, 4, 1, 1)).stages == ("unfilled_min",)
