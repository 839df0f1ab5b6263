"""The generated campaigns: the same seed gives the same county, of the asked size."""

from __future__ import annotations

from collections import Counter

from webapp.scheduling.visits_generate import visits_instance


def test_the_same_seed_gives_the_same_campaign():
    assert visits_instance(200, 12, 6, 5, seed=3) == visits_instance(200, 12, 6, 5, seed=3)
    assert visits_instance(200, 12, 6, 5, seed=3) != visits_instance(200, 12, 6, 5, seed=4)


def test_the_benchmark_campaign_has_its_sizes_and_some_red_households():
    problem = visits_instance(seed=1)
    assert len(problem.households) == 2000 and len(problem.visitors) == 120
    assert len({h.village for h in problem.households}) == 120 and len(problem.days) == 10
    red = Counter(h.priority for h in problem.households)["red"]
    assert 0.1 < red / 2000 < 0.2
    assert any(len(v.days) < 10 for v in problem.visitors)
