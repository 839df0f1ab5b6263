"""Route travel and visiting order, and the village estimate the model relies on being safe."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.scheduling import Location
from webapp.scheduling.visits import Household, VisitPair, route_travel
from webapp.scheduling.visits_routes import best_order, route_minutes, village_geometry

BASE = Location(29.0, 110.0)


def spots(seed: int, n: int, spread: float = 0.02) -> list[Location]:
    rng = random.Random(seed)
    return [
        Location(29.05 + rng.uniform(-spread, spread), 110.05 + rng.uniform(-spread, spread))
        for _ in range(n)
    ]


def test_route_travel_counts_base_to_homes_in_order_and_back():
    a, b = Location(29.01, 110.0), Location(29.02, 110.0)
    pair = VisitPair("p1", ("x", "y"), (), BASE, "bus")
    homes = [Household("h1", "v", a, ("c1",)), Household("h2", "v", b, ("c2",))]
    assert route_travel(pair, homes) == route_minutes(BASE, [a, b], "bus") > 0
    assert route_minutes(BASE, [], "bus") == 0


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 6))
def test_the_visiting_order_is_the_shortest_for_few_stops(seed, n):
    stops = spots(seed, n, 0.1)
    order = best_order(BASE, stops, "bus")
    found = route_minutes(BASE, [stops[i] for i in order], "bus")
    best = min(
        route_minutes(BASE, [stops[i] for i in perm], "bus")
        for perm in itertools.permutations(range(n))
    )
    assert sorted(order) == list(range(n)) and found == best


def test_many_stops_get_an_order_no_longer_than_the_given_one():
    stops = spots(3, 12, 0.1)
    order = best_order(BASE, stops, "bus")
    assert sorted(order) == list(range(12))
    assert route_minutes(BASE, [stops[i] for i in order], "bus") <= route_minutes(
        BASE, stops, "bus"
    )


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 14), st.sampled_from(["bus", "walk", "car"]))
def test_the_estimate_bounds_any_run_of_the_village_tour(seed, n, mode):
    homes = [(f"h{i}", loc) for i, loc in enumerate(spots(seed, n))]
    geo = village_geometry("v", homes, mode, cap=6)
    where = dict(homes)
    for k in range(1, min(6, n) + 1):
        for start in range(n - k + 1):
            run = [where[h] for h in geo.order[start : start + k]]
            assert route_minutes(BASE, run, mode) <= geo.estimate(BASE, mode, k)
