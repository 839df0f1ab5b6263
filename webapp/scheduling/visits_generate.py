"""Deterministic home-visit campaigns for benchmarks and tests (same seed, same instance).

A county of about 60 x 60 km: townships spread over it, villages clustered around the townships,
households within 1-2 km of their village's centre (about 15 % red). Teachers start from schools
in the townships and the county seat, mostly by bus; some are free only part of the campaign.
The sizes make capacity roughly adequate (about 1.5 visits' room per household) while the
villages far from every school are hard or impossible to reach within a day's 4 hours of
travel, so the limit, the visit cap and the village days all bind (docs/scheduling.md).
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from .problem import Location
from .visits import HomeVisitProblem, Household, Visitor, VisitRules

COUNTY = (28.5, 109.5)
HALF_KM = 30.0  # the county is 2 x HALF_KM across
KM_LAT = 111.2
START = date(2026, 7, 13)


def _offset(centre: tuple[float, float], dx_km: float, dy_km: float) -> tuple[float, float]:
    lat = centre[0] + dy_km / KM_LAT
    lon = centre[1] + dx_km / (KM_LAT * math.cos(math.radians(centre[0])))
    return lat, lon


def _inside(v: float) -> float:
    return max(-HALF_KM, min(HALF_KM, v))


def visits_instance(
    households: int = 2000,
    villages: int = 120,
    pairs: int = 60,
    days: int = 10,
    seed: int = 1,
    rules: VisitRules | None = None,
) -> HomeVisitProblem:
    rng = random.Random(seed)
    towns = [
        (rng.uniform(-HALF_KM * 0.8, HALF_KM * 0.8), rng.uniform(-HALF_KM * 0.8, HALF_KM * 0.8))
        for _ in range(max(3, villages // 10))
    ]
    centres = []
    for k in range(villages):
        tx, ty = towns[k % len(towns)]
        if rng.random() < 0.2:  # a mountain village, anywhere in the county
            centres.append((rng.uniform(-HALF_KM, HALF_KM), rng.uniform(-HALF_KM, HALF_KM)))
        else:
            centres.append((_inside(tx + rng.gauss(0, 6)), _inside(ty + rng.gauss(0, 6))))
    sizes = _sizes(rng, households, villages)
    homes = []
    for k, ((cx, cy), size) in enumerate(zip(centres, sizes, strict=True)):
        village = f"村{k + 1:03d}"
        for _ in range(size):
            r = min(2.0, abs(rng.gauss(0, 0.8)))
            a = rng.uniform(0, 2 * math.pi)
            lat, lon = _offset(COUNTY, cx + r * math.cos(a), cy + r * math.sin(a))
            i = len(homes) + 1
            roll = rng.random()
            priority = (
                "red"
                if roll < 0.15
                else "yellow"
                if roll < 0.80
                else "blue"
                if roll < 0.95
                else "green"
            )
            children = tuple(f"c{i}-{j}" for j in range(1 + (rng.random() < 0.3)))
            homes.append(
                Household(
                    f"hh{i}", village, Location(lat, lon, village), children, priority, f"户{i}"
                )
            )
    campaign = tuple(START + timedelta(days=i) for i in range(days))
    schools = [(0.0, 0.0), *towns[: len(towns) // 2]]  # not every township has a school
    visitors = []
    for i in range(2 * pairs):
        sx, sy = schools[rng.randrange(len(schools))]
        lat, lon = _offset(COUNTY, sx + rng.gauss(0, 1), sy + rng.gauss(0, 1))
        if rng.random() < 0.6:
            free = campaign
        else:
            free = tuple(sorted(rng.sample(campaign, rng.randint(days // 3, days - 2))))
        roll = rng.random()
        mode = "car" if roll < 0.15 else "ebike" if roll < 0.25 else "bus"
        visitors.append(
            Visitor(
                f"v{i + 1}",
                free,
                cleared=rng.random() < 0.6,
                sex="f" if rng.random() < 0.6 else "m",
                base=Location(lat, lon, "学校"),
                transport=mode,
                name=f"老师{i + 1}",
            )
        )
    return HomeVisitProblem(campaign, tuple(homes), tuple(visitors), rules=rules or VisitRules())


def _sizes(rng: random.Random, total: int, villages: int) -> list[int]:
    raw = [rng.lognormvariate(0, 0.5) for _ in range(villages)]
    scale = (total - 3 * villages) / sum(raw)
    sizes = [3 + int(r * scale) for r in raw]
    for k in range(total - sum(sizes)):  # the rounding remainder, spread from the first
        sizes[k % villages] += 1
    return sizes
