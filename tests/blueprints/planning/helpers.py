"""Small programmes for the planning tests: a term at one home, a summer with a few posts."""

from __future__ import annotations

from datetime import date, timedelta

from tests import factories
from webapp.clock import today
from webapp.extensions import db
from webapp.models import WeeklyAvailability

# Tests solve with a deterministic budget, so that results repeat.
FAST = {"time_limit": 10, "deterministic_time": 2.0, "seed": 7}


def next_weekday(weekday: int, after: date | None = None) -> date:
    start = (after or today()) + timedelta(days=1)
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def available(volunteer, *windows: tuple[int, int, int]):
    """Weekly windows (weekday, start minute, end minute); default Tuesday to Thursday 15-19."""
    for weekday, start, end in windows or [(d, 15 * 60, 19 * 60) for d in (1, 2, 3)]:
        volunteer.weekly_availability.append(
            WeeklyAvailability(weekday=weekday, start_minute=start, end_minute=end)
        )
    db.session.commit()
    return volunteer


def term(*, volunteers: int = 2, weekdays=(1, 3), needs=({"skill": "math"},), count=4, **kw):
    """A tutoring programme over four weeks at one home with one series and its volunteers."""
    home = factories.home()
    first = next_weekday(0)
    event = factories.series(
        home.rooms[0], first_date=first, weekdays=weekdays, count=count, needs=needs
    )
    people = [
        available(factories.volunteer(skills=("math",), lat=26.6, lon=107.5))
        for _ in range(volunteers)
    ]
    programme = factories.programme(
        kind="tutoring", starts_on=first, ends_on=first + timedelta(days=27), **kw
    )
    programme.homes = [home]
    programme.volunteers = people
    db.session.commit()
    return programme, event, people


def summer(*, posts: int = 2, singles: int = 3, team_size: int = 0):
    """A summer programme with posts one week apart, single volunteers and maybe one team."""
    programme = factories.programme(kind="summer")
    made = [
        factories.post(
            programme,
            starts_on=programme.starts_on + timedelta(days=7 * i),
            min_headcount=1,
            max_headcount=4,
            beds=4,
            need_leader=False,
            need_cleared_adult=False,
        )
        for i in range(posts)
    ]
    people = [factories.volunteer(lat=26.6, lon=107.5) for _ in range(singles)]
    programme.volunteers = people
    team = None
    if team_size:
        members = [factories.volunteer(lat=26.6, lon=107.5) for _ in range(team_size)]
        team = factories.team(members=tuple(members))
        programme.teams = [team]
    db.session.commit()
    return programme, made, people, team


def proposal(programme):
    """Solve now, in this session, and store the proposal (what a finished run leaves)."""
    from webapp.blueprints.planning import adapter

    built = adapter.build(programme)
    adapter.solve_programme(built, FAST)
    plan = adapter.save_proposal(built, programme)
    programme.state = "proposed"
    db.session.commit()
    return plan


def published(programme, user):
    """A proposal, published by ``user`` (a coordinator)."""
    from webapp.blueprints.planning import publishing

    plan = proposal(programme)
    publishing.publish(plan, user)
    db.session.commit()
    return plan
