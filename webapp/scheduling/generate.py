"""Deterministic county-sized instances for benchmarks (same seed, same instance).

A county of townships around a seat; children's homes sit in townships; volunteers live in
townships too and travel by bus, e-bike, car or on foot. Sizes and ratios are chosen so the
instances are realistic (some needs cannot be filled, most can; load limits and travel bind)
and the goals in issue 6 are reachable, not trivial: see docs/scheduling.md.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from .problem import (
    DateRange,
    Location,
    Need,
    Post,
    PostsProblem,
    Slot,
    Team,
    TimeWindow,
    TutoringProblem,
    Volunteer,
)

SKILLS = ("语文", "数学", "英语", "阅读", "美术", "体育", "心理辅导", "亲情视频")
MODES = ("walk", "bike", "ebike", "bus", "bus", "car")


COUNTY = (28.5, 109.5)  # where the made-up county lies (lat, lon)


def places(
    rng: random.Random,
    n: int,
    around: tuple[float, float] = COUNTY,
    spread: tuple[float, float] = (0.25, 0.3),
    name: str = "镇",
) -> list[Location]:
    """``n`` made-up places around a point: a county's townships, the colleges near its seat."""
    return [
        Location(
            around[0] + rng.uniform(-spread[0], spread[0]),
            around[1] + rng.uniform(-spread[1], spread[1]),
            f"{name}{i}",
        )
        for i in range(n)
    ]


def near(rng: random.Random, loc: Location, spread: float = 0.03) -> Location:
    return Location(loc.lat + rng.uniform(-spread, spread), loc.lon + rng.uniform(-spread, spread))


def tutoring_instance(volunteers: int = 1000, slots: int = 500, seed: int = 1) -> TutoringProblem:
    rng = random.Random(seed)
    towns = places(rng, 18)
    homes = [(f"home{i}", near(rng, rng.choice(towns))) for i in range(max(1, slots // 4))]
    slot_list = []
    for i in range(slots):
        home_id, loc = rng.choice(homes)
        weekday = rng.choice((0, 1, 2, 3, 4, 5, 5, 6, 6))
        start = (
            rng.choice((16 * 60, 16 * 60 + 30, 19 * 60))
            if weekday < 5
            else rng.choice((9 * 60, 10 * 60, 14 * 60, 15 * 60 + 30))
        )
        dur = rng.choice((60, 90, 90, 120))
        needs = []
        for skill in rng.sample(SKILLS, rng.choice((1, 1, 2))):
            lo = rng.choice((1, 1, 1, 2))
            pref = lo + rng.choice((0, 0, 1))
            needs.append(
                Need(
                    skill, lo, pref + rng.choice((0, 1)), pref, vetting_required=rng.random() < 0.9
                )
            )
        slot_list.append(
            Slot(
                f"slot{i}",
                home_id,
                weekday,
                start,
                start + dur,
                tuple(needs),
                loc,
                f"{home_id}-{i}",
            )
        )
    vols = []
    for i in range(volunteers):
        base = near(rng, rng.choice(towns), 0.05)
        windows = []
        for d in rng.sample(range(7), rng.choice((1, 2, 3))):
            windows.append(
                TimeWindow(d, 8 * 60, 21 * 60)
                if d >= 5 or rng.random() < 0.5
                else TimeWindow(d, 15 * 60 + 30, 21 * 60)
            )
        skills = frozenset(rng.sample(SKILLS, rng.choice((1, 2, 2, 3))))
        near_homes = [
            h for h, loc in homes if abs(loc.lat - base.lat) + abs(loc.lon - base.lon) < 0.15
        ]
        prefs = (
            frozenset(rng.sample(near_homes, min(2, len(near_homes))))
            if (near_homes and rng.random() < 0.3)
            else frozenset()
        )
        vols.append(
            Volunteer(
                f"v{i}",
                f"志愿者{i}",
                skills,
                cleared=rng.random() < 0.85,
                home=base,
                transport=rng.choice(MODES),
                max_travel_minutes=rng.choice((30, 45, 60, 90)),
                max_sessions_per_week=rng.choice((1, 1, 2, 2, 3)),
                max_minutes_per_week=rng.choice((180, 240, 360, 480)),
                availability=tuple(windows),
                preferred_homes=prefs,
            )
        )
    # Continuity: a fifth of the volunteers did a slot last term (one they could do again or not).
    vols = [
        v
        if rng.random() > 0.2
        else v.__class__(**{**v.__dict__, "last_targets": frozenset({rng.choice(slot_list).id})})
        for v in vols
    ]
    return TutoringProblem(tuple(vols), tuple(slot_list))


POST_SKILLS = ("英语", "心理辅导", "美术", "体育", "数学")


def summer_posts(
    rng: random.Random,
    towns: list[Location],
    posts: int,
    weeks: int,
    summer: date,
    skills: tuple[str, ...] = POST_SKILLS,
) -> list[Post]:
    """``posts`` village posts over ``weeks`` weeks from ``summer`` on, near the towns: a week
    or two each, 6-12 beds, 3-5 people at least, one or two of ``skills`` wanted once each.
    Also the database benchmark's posts (webapp/bench/planning_data.py), with its own skills."""
    out = []
    for i in range(posts):
        week = i % weeks
        start = summer + timedelta(days=7 * week + rng.choice((0, 1)))
        length = rng.choice((6, 7, 7, 13)) if week + 1 < weeks else rng.choice((6, 7))
        beds = rng.choice((6, 8, 10, 12))
        lo = rng.choice((3, 4, 5))
        hi = min(beds, lo + rng.choice((3, 4, 6)))
        wanted = tuple((s, 1) for s in rng.sample(skills, rng.choice((1, 2))))
        out.append(
            Post(
                f"post{i}",
                DateRange(start, start + timedelta(days=length)),
                lo,
                hi,
                beds,
                near(rng, rng.choice(towns), 0.05),
                preferred_headcount=hi - 1,
                skill_counts=wanted,
                max_travel_minutes=240,
                name=f"驻点{i}",
            )
        )
    return out


def posts_instance(
    volunteers: int = 200, posts: int = 30, weeks: int = 2, seed: int = 1
) -> PostsProblem:
    rng = random.Random(seed)
    towns = places(rng, 12)
    colleges = places(rng, 4, (28.2, 109.2), (0.1, 0.1), "学院")
    summer = date(2025, 7, 7)
    post_list = summer_posts(rng, towns, posts, weeks, summer)
    vols, teams = [], []
    i = 0
    in_teams = int(volunteers * 0.6)
    while i < in_teams:
        size = min(rng.choice((3, 4, 5, 6)), in_teams - i)
        college = rng.choice(colleges)
        first = rng.randrange(weeks)
        span = DateRange(
            summer + timedelta(days=7 * first),
            summer + timedelta(days=7 * min(weeks, first + rng.choice((1, 2, 4)))),
        )
        members = []
        for k in range(size):
            vid = f"v{i}"
            members.append(vid)
            vols.append(
                Volunteer(
                    vid,
                    f"队员{i}",
                    frozenset(rng.sample(SKILLS + ("英语",), rng.choice((1, 2)))),
                    cleared=rng.random() < 0.95,
                    home=near(rng, college, 0.01),
                    transport="bus",
                    max_travel_minutes=300,
                    available_dates=(span,),
                    is_leader=k == 0,
                    is_adult=True,
                    max_posts=2,
                )
            )
            i += 1
        prefs = (
            frozenset(rng.sample([p.id for p in post_list], 3))
            if rng.random() < 0.6
            else frozenset()
        )
        teams.append(
            Team(f"team{len(teams)}", tuple(members), f"团队{len(teams)}", college.name, prefs)
        )
    while i < volunteers:
        first = rng.randrange(weeks)
        span = DateRange(
            summer + timedelta(days=7 * first),
            summer + timedelta(days=7 * min(weeks, first + rng.choice((1, 2, 4)))),
        )
        vols.append(
            Volunteer(
                f"v{i}",
                f"志愿者{i}",
                frozenset(rng.sample(SKILLS, rng.choice((1, 2)))),
                cleared=rng.random() < 0.9,
                home=near(rng, rng.choice(towns + colleges), 0.05),
                transport=rng.choice(("bus", "car")),
                max_travel_minutes=rng.choice((120, 180, 240)),
                available_dates=(span,),
                is_leader=rng.random() < 0.15,
                is_adult=rng.random() < 0.9,
                max_posts=rng.choice((1, 2)),
                preferred_posts=frozenset(rng.sample([p.id for p in post_list], 2))
                if rng.random() < 0.3
                else frozenset(),
            )
        )
        i += 1
    return PostsProblem(tuple(vols), tuple(post_list), tuple(teams))
