"""Property: whatever the database holds, every stored plan passes the engine's independent
checker on a problem rebuilt from the database, and nobody without a clearance valid on every day
of a slot or post sits on a need that requires one (checked straight from the rows)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests import factories
from tests.blueprints.planning.helpers import next_weekday
from webapp.blueprints.homes import availability as av
from webapp.blueprints.planning import adapter
from webapp.blueprints.planning.adapter import results, shared
from webapp.extensions import db
from webapp.models import (
    Assignment,
    Occurrence,
    Post,
    PostSkill,
    Programme,
    Volunteer,
    VolunteerDateRange,
    WeeklyAvailability,
)
from webapp.scheduling.checks import check_posts, check_tutoring

PARAMS = {"time_limit": 5, "deterministic_time": 0.5, "seed": 3}
SKILLS = ("math", "english", "art")
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

offsets = st.integers(min_value=-5, max_value=45)
person = st.fixed_dictionaries(
    {
        "skills": st.lists(st.sampled_from(SKILLS), max_size=2, unique=True),
        "vetting": st.sampled_from(["cleared", "cleared", "expired", "none", "pending"]),
        "expires": st.one_of(st.none(), offsets),
        "windows": st.lists(
            st.tuples(
                st.integers(0, 6), st.sampled_from([8 * 60, 14 * 60]), st.sampled_from([240, 420])
            ),
            min_size=1,
            max_size=5,
            unique_by=lambda w: w[0],
        ),
        "away": st.one_of(st.none(), st.tuples(offsets, st.integers(0, 10))),
        "available": st.one_of(st.none(), st.tuples(st.integers(-5, 10), st.integers(5, 40))),
        "transport": st.sampled_from(["walk", "bicycle", "ebike", "bus", "car"]),
        "sessions": st.integers(1, 3),
        "posts": st.integers(1, 2),
        "lat": st.floats(26.5, 26.7),
        "adult": st.booleans(),
    }
)
need = st.fixed_dictionaries(
    {
        "skill": st.one_of(st.none(), st.sampled_from(SKILLS)),
        "min": st.integers(0, 2),
        "extra": st.integers(0, 2),
        "preferred": st.booleans(),
        "vetting": st.booleans(),
    }
)
series = st.fixed_dictionaries(
    {
        "home": st.integers(0, 1),
        "weekdays": st.lists(st.integers(0, 6), min_size=1, max_size=3, unique=True),
        "start": st.sampled_from([9 * 60, 15 * 60, 16 * 60]),
        "length": st.sampled_from([60, 90]),
        "count": st.integers(2, 10),
        "needs": st.lists(need, min_size=1, max_size=2),
        "cancel": st.integers(0, 3),
    }
)
post = st.fixed_dictionaries(
    {
        "start": st.integers(0, 20),
        "days": st.integers(1, 10),
        "min": st.integers(0, 3),
        "extra": st.integers(0, 3),
        "beds": st.integers(1, 6),
        "vetting": st.booleans(),
        "leader": st.booleans(),
        "adult": st.booleans(),
        "skill": st.one_of(st.none(), st.sampled_from(SKILLS)),
        "lat": st.floats(26.5, 26.7),
    }
)


def _clean() -> None:
    """Empty the tables between examples (DELETE: much quicker than TRUNCATE for a few rows)."""
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        if table.name != "skills":
            db.session.execute(table.delete())
    db.session.commit()


def _volunteers(specs: list[dict], anchor: date) -> list[Volunteer]:
    made = []
    for spec in specs:
        v = factories.volunteer(
            skills=tuple(spec["skills"]),
            cleared=False,
            lat=spec["lat"],
            lon=107.5,
            transport_mode=spec["transport"],
            max_sessions_per_week=spec["sessions"],
            max_posts=spec["posts"],
            is_adult=spec["adult"],
            max_travel_minutes=60,
        )
        v.vetting_status = spec["vetting"]
        if spec["vetting"] in ("cleared", "expired"):
            v.cleared_on = anchor - timedelta(days=400)
            v.expires_on = None if spec["expires"] is None else anchor + timedelta(spec["expires"])
        for weekday, start, length in spec["windows"]:
            v.weekly_availability.append(
                WeeklyAvailability(weekday=weekday, start_minute=start, end_minute=start + length)
            )
        if spec["away"]:
            first = anchor + timedelta(spec["away"][0])
            v.date_ranges.append(
                VolunteerDateRange(
                    kind="away", starts_on=first, ends_on=first + timedelta(spec["away"][1])
                )
            )
        if spec["available"]:
            first = anchor + timedelta(spec["available"][0])
            v.date_ranges.append(
                VolunteerDateRange(
                    kind="available",
                    starts_on=first,
                    ends_on=first + timedelta(spec["available"][1]),
                )
            )
        made.append(v)
    db.session.commit()
    return made


def _stored(programme: Programme):
    """Solve and store; the stored rows and the problem rebuilt from the database (or None)."""
    try:
        built = adapter.build(programme)
    except adapter.NothingToPlan:
        return None
    result = results.solve_built(built, PARAMS)
    if result.status not in ("optimal", "feasible"):
        return None
    plan = results.store(built, result, programme)
    db.session.commit()
    event(f"{len(plan.assignments) > 0 and 'some' or 'no'} assignments")
    rows = list(db.session.scalars(select(Assignment).where(Assignment.plan_id == plan.id)))
    rebuilt = adapter.build(db.session.get(Programme, programme.id))
    return rows, rebuilt.problem, [shared.engine_assignment(a) for a in rows]


@PROPERTY
@given(
    people=st.lists(person, min_size=1, max_size=6),
    sessions=st.lists(series, min_size=1, max_size=3),
)
def test_every_stored_tutoring_plan_keeps_the_hard_rules(app, people, sessions):
    _clean()
    first = next_weekday(0)
    homes = [factories.home(lat=26.6, lon=107.5), factories.home(lat=26.65, lon=107.45)]
    for spec in sessions:
        event = factories.series(
            factories.room(home=homes[spec["home"]]),  # a room each: bookings never clash
            first_date=first - timedelta(days=3),
            weekdays=tuple(spec["weekdays"]),
            count=spec["count"],
            start=f"{spec['start'] // 60:02d}:{spec['start'] % 60:02d}",
            end=f"{(spec['start'] + spec['length']) // 60:02d}:{spec['start'] % 60:02d}",
            needs=tuple(
                {
                    "skill": n["skill"],
                    "min": n["min"],
                    "max": n["min"] + n["extra"] or 1,
                    "vetting": n["vetting"],
                }
                for n in spec["needs"]
            ),
        )
        for occurrence in event.occurrences[: spec["cancel"] : 2]:
            occurrence.status = "cancelled"
    programme = factories.programme(
        kind="tutoring", starts_on=first, ends_on=first + timedelta(days=20)
    )
    programme.homes = homes
    programme.volunteers = _volunteers(people, first)
    db.session.commit()
    if (stored := _stored(programme)) is None:
        return
    rows, problem, planned = stored
    assert check_tutoring(problem, planned) == []
    for a in rows:  # straight from the rows: every date of the slot
        if not a.need.vetting_required:
            continue
        home = a.need.event.home
        days = [
            av.to_local(home, o.starts_at).date()
            for o in db.session.scalars(
                select(Occurrence).where(
                    Occurrence.event_id == a.need.event_id, Occurrence.status == "confirmed"
                )
            )
        ]
        days = [
            d
            for d in days
            if d.weekday() == a.weekday and programme.starts_on <= d <= programme.ends_on
        ]
        assert days and all(a.volunteer.is_cleared(d) for d in days)


@PROPERTY
@given(
    people=st.lists(person, min_size=1, max_size=6),
    posts=st.lists(post, min_size=1, max_size=3),
    team=st.integers(0, 3),
)
def test_every_stored_summer_plan_keeps_the_hard_rules(app, people, posts, team):
    _clean()
    programme = factories.programme(kind="summer")
    start = programme.starts_on
    skills = {code: factories.skill(code).id for code in SKILLS}
    for spec in posts:
        row = Post(
            programme=programme,
            name=f"点{spec['start']}",
            starts_on=start + timedelta(spec["start"]),
            ends_on=start + timedelta(spec["start"] + spec["days"] - 1),
            beds=spec["beds"],
            min_headcount=spec["min"],
            max_headcount=spec["min"] + spec["extra"],
            vetting_required=spec["vetting"],
            need_leader=spec["leader"],
            need_cleared_adult=spec["adult"],
            lat=spec["lat"],
            lon=107.5,
        )
        db.session.add(row)
        if spec["skill"]:
            row.skill_counts = [PostSkill(skill_id=skills[spec["skill"]], count=1)]
    volunteers = _volunteers(people, start)
    members, singles = volunteers[:team], volunteers[team:]
    if len(members) >= 2:
        programme.teams = [factories.team(members=tuple(members))]
    else:
        singles = volunteers
    programme.volunteers = singles
    db.session.commit()
    if (stored := _stored(programme)) is None:
        return
    rows, problem, planned = stored
    assert check_posts(problem, planned) == []
    for a in rows:
        if a.post.vetting_required:
            days = [
                a.post.starts_on + timedelta(n)
                for n in range((a.post.ends_on - a.post.starts_on).days + 1)
            ]
            assert all(a.volunteer.is_cleared(d) for d in days)
