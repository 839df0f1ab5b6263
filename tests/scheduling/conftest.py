"""Small builders for scheduling tests (plain dataclasses, no app, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from webapp.scheduling import (
    DateRange,
    Location,
    Need,
    Post,
    Slot,
    SolveParams,
    Volunteer,
)

# Deterministic: fixed seed, deterministic-time limit and a fixed worker count.
FAST = SolveParams(time_limit=20.0, deterministic_time=5.0, seed=7, workers=2, strategy="max_lp")
HOME = Location(29.0, 110.0, "town")


def vol(vid: str, *skills: str, cleared: bool = True, **kw) -> Volunteer:
    kw.setdefault("home", HOME)
    return Volunteer(vid, skills=frozenset(skills), cleared=cleared, **kw)


def slot(
    sid: str,
    *needs: Need,
    home: str = "h1",
    weekday: int = 1,
    start: int = 900,
    end: int = 990,
    loc: Location = HOME,
) -> Slot:
    return Slot(sid, home, weekday, start, end, needs or (Need("math"),), loc)


def post(
    pid: str,
    start: str = "07-08",
    end: str = "07-15",
    lo: int = 1,
    hi: int = 4,
    beds: int = 4,
    **kw,
) -> Post:
    kw.setdefault("location", HOME)
    kw.setdefault("need_leader", False)
    kw.setdefault("need_cleared_adult", False)
    return Post(
        pid,
        DateRange(date.fromisoformat(f"2025-{start}"), date.fromisoformat(f"2025-{end}")),
        lo,
        hi,
        beds,
        **kw,
    )


@pytest.fixture
def fast() -> SolveParams:
    return FAST
