"""Travel for the home visits: a day's route, its best visiting order, and the village geometry
behind the model's safe travel estimate.

Real travel of a pair's day: base -> households in visiting order -> base, each leg by
``travel.travel_minutes`` with the pair's transport. The visiting order is exact (Held-Karp) for
up to ``EXACT_STOPS`` stops and 2-opt beyond.

The model cannot route 2,000 households, so it charges each pair-day a *safe estimate* that is
linear in its decisions (docs/scheduling.md). For a village v with centre c (the mean of its
households), a closed tour T_v from c through all its households is computed once. A pair that
visits n households of v, taken as a run of n consecutive households of T_v, travels at most

    2 t(base, c) + 2 R_v + B_v (n - 1)

where R_v is the longest leg from c to one of v's households and B_v bounds the mean leg within
any run of T_v (``VillageGeometry.per_visit``): by the triangle inequality base -> c -> first
household and last household -> c -> base are no shorter than the direct legs, and a pair-day that
visits several villages one after another is bounded by the sum of its villages' terms. The
visiting order found afterwards is never longer than the order the estimate assumes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .problem import Location
from .travel import haversine_km, travel_minutes

EXACT_STOPS = 8


def route_minutes(base: Location | None, stops: Sequence[Location], mode: str) -> int:
    """Minutes base -> stops in this order -> base (no base: from the first stop to the last)."""
    if not stops:
        return 0
    total = sum(travel_minutes(a, b, mode) for a, b in zip(stops, stops[1:], strict=False))
    if base is not None:
        total += travel_minutes(base, stops[0], mode) + travel_minutes(stops[-1], base, mode)
    return total


def best_order(base: Location | None, stops: Sequence[Location], mode: str) -> list[int]:
    """Indices of ``stops`` in the visiting order with the least travel (exact for few stops)."""
    k = len(stops)
    if k <= 1:
        return list(range(k))
    # No base: an open path (an imaginary base at zero distance from everything).
    dist_base = [0] * k if base is None else [travel_minutes(base, s, mode) for s in stops]
    d = [[travel_minutes(a, b, mode) for b in stops] for a in stops]
    if k <= EXACT_STOPS:
        return _held_karp(dist_base, d)
    return _two_opt(dist_base, d, _nearest_neighbour(dist_base, d))


def _held_karp(dist_base: list[int], d: list[list[int]]) -> list[int]:
    k = len(d)
    full = (1 << k) - 1
    cost: dict[tuple[int, int], tuple[int, int]] = {}  # (set, last) -> (minutes, previous)
    for j in range(k):
        cost[1 << j, j] = (dist_base[j], -1)
    for subset in range(1, full + 1):
        for last in range(k):
            entry = cost.get((subset, last))
            if entry is None:
                continue
            for nxt in range(k):
                if subset & (1 << nxt):
                    continue
                key = (subset | (1 << nxt), nxt)
                value = entry[0] + d[last][nxt]
                if key not in cost or value < cost[key][0]:
                    cost[key] = (value, last)
    last = min(range(k), key=lambda j: (cost[full, j][0] + dist_base[j], j))
    order, subset = [], full
    while last != -1:
        order.append(last)
        prev = cost[subset, last][1]
        subset &= ~(1 << last)
        last = prev
    return order[::-1]


def _nearest_neighbour(dist_base: list[int], d: list[list[int]]) -> list[int]:
    left = set(range(len(d)))
    current = min(left, key=lambda j: (dist_base[j], j))
    order = [current]
    left.remove(current)
    while left:
        current = min(left, key=lambda j: (d[current][j], j))
        order.append(current)
        left.remove(current)
    return order


def _path_cost(dist_base: list[int], d: list[list[int]], order: list[int]) -> int:
    inner = sum(d[a][b] for a, b in zip(order, order[1:], strict=False))
    return dist_base[order[0]] + inner + dist_base[order[-1]]


def _two_opt(dist_base: list[int], d: list[list[int]], order: list[int]) -> list[int]:
    best = _path_cost(dist_base, d, order)
    improved = True
    while improved:
        improved = False
        for i in range(len(order) - 1):
            for j in range(i + 1, len(order)):
                candidate = order[:i] + order[i : j + 1][::-1] + order[j + 1 :]
                cost = _path_cost(dist_base, d, candidate)
                if cost < best:
                    order, best, improved = candidate, cost, True
    return order


# --------------------------------------------------------------------------- village geometry


def centre(locations: Sequence[Location], name: str = "") -> Location:
    lat = sum(p.lat for p in locations) / len(locations)
    lon = sum(p.lon for p in locations) / len(locations)
    return Location(lat, lon, name)


def village_tour(c: Location, homes: Sequence[Location]) -> list[int]:
    """A short closed tour from the centre through every home (kilometres; any mode keeps it
    short, and the estimate's bounds hold for any order)."""
    if len(homes) <= 1:
        return list(range(len(homes)))
    dist_base = [round(haversine_km(c, h) * 1000) for h in homes]
    d = [[round(haversine_km(a, b) * 1000) for b in homes] for a in homes]
    return _two_opt(dist_base, d, _nearest_neighbour(dist_base, d))


@dataclass(frozen=True)
class VillageGeometry:
    """One village's safe estimate terms for one transport mode (module docstring)."""

    centre: Location
    order: tuple[str, ...]  # household ids along the village tour
    reach: int  # 2 R_v: centre -> farthest household -> centre
    per_visit: int  # B_v: bounds a run of n consecutive households by B_v (n - 1)

    def estimate(self, base: Location | None, mode: str, visits: int) -> int:
        """Safe minutes for a pair from ``base`` visiting ``visits`` households of the village."""
        if visits <= 0:
            return 0
        return (
            2 * travel_minutes(base, self.centre, mode) + self.reach + self.per_visit * (visits - 1)
        )


def village_geometry(
    name: str, homes: Sequence[tuple[str, Location]], mode: str, cap: int
) -> VillageGeometry:
    """Geometry of one village for ``mode``; runs of up to ``cap`` households are bounded."""
    c = centre([loc for _, loc in homes], name)
    tour = village_tour(c, [loc for _, loc in homes])
    ordered = [homes[i] for i in tour]
    reach = 2 * max(travel_minutes(c, loc, mode) for _, loc in homes)
    legs = [
        travel_minutes(a, b, mode) for (_, a), (_, b) in zip(ordered, ordered[1:], strict=False)
    ]
    per_visit = 0
    for n in range(2, min(cap, len(ordered)) + 1):
        worst = max(sum(legs[i : i + n - 1]) for i in range(len(legs) - n + 2))
        per_visit = max(per_visit, math.ceil(worst / (n - 1)))
    return VillageGeometry(c, tuple(h for h, _ in ordered), reach, per_visit)
