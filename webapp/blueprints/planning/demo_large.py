"""The demo's large programme: a city-wide summer of college volunteers in the demo county.

The demo county's own programmes solve in a tenth of a second, so nobody sees a solve's progress
chart or its Cancel button work. This one is the size of a real city-wide summer (about 300
students from four colleges, most in teams, and 40 village posts over four weeks), shaped like
the engine's benchmark instances (webapp.scheduling.generate), so a solve runs for several
seconds. Its people are made up from a fixed seed like the rest of the county.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from webapp.core.demo_county import next_summer, person_name
from webapp.extensions import db
from webapp.models import (
    Place,
    Post,
    PostSkill,
    Programme,
    Skill,
    Team,
    TeamMember,
    User,
    Volunteer,
    VolunteerDateRange,
)
from webapp.scheduling.generate import near, places, summer_posts

SEED = 20270701
VOLUNTEERS = 300
POSTS = 40
WEEKS = 4
IN_TEAMS = 0.6  # the share of students who come as a team
SKILLS = ("chinese", "math", "english", "counselling", "art", "music", "pe", "reading")
POST_SKILLS = ("english", "counselling", "art", "pe", "math")
# Colleges of the province, around the city north-west of the county (lat, lon).
COLLEGES = [
    ("江城师范学院", 26.31, 107.21),
    ("北山大学", 26.36, 107.18),
    ("南湖理工学院", 26.27, 107.25),
    ("云岭医学院", 26.33, 107.29),
]
NAME = "{year}年全市大学生暑期志愿服务"
NOTES = (
    "演示用的大规模项目：约 300 名大学生、40 个驻点、四周。求解要几秒到几十秒，"
    "可以看到进度图，也可以取消（保留目前最好的方案）。"
)


def load_large_programme(coordinator: User, today: date) -> Programme:
    """The programme, its posts, students and teams (a draft, ready to solve)."""
    rng = random.Random(SEED)
    summer = next_summer(today)[0]
    start = summer + timedelta(days=(7 - summer.weekday()) % 7)  # the first Monday
    programme = Programme(
        kind="summer",
        name=NAME.format(year=start.year),
        starts_on=start,
        ends_on=start + timedelta(weeks=WEEKS, days=-1),
        state="draft",
        created_by_id=coordinator.id,
        notes=NOTES,
    )
    db.session.add(programme)
    skills = {s.code: s for s in db.session.scalars(select(Skill))}
    villages = list(db.session.scalars(select(Place).where(Place.kind == "village")))
    programme.posts = _posts(rng, programme, villages, skills)
    students, teams = _students(rng, programme, skills, today)
    programme.teams = teams
    in_teams = {m.volunteer for t in teams for m in t.memberships}
    programme.volunteers = [v for v in students if v not in in_teams]
    db.session.flush()
    return programme


def _posts(rng, programme: Programme, villages: list[Place], skills) -> list[Post]:
    towns = [_spot(rng, v.lat, v.lon, v.name) for v in villages]
    made = summer_posts(rng, towns, POSTS, WEEKS, programme.starts_on, POST_SKILLS)
    posts = []
    for index, p in enumerate(made):
        village = min(
            villages, key=lambda v: (v.lat - p.location.lat) ** 2 + (v.lon - p.location.lon) ** 2
        )
        post = Post(
            name=f"{village.name}第{index + 1}教学点",
            place_id=village.id,
            address=f"{village.full_name}附近",
            lat=round(p.location.lat, 5),
            lon=round(p.location.lon, 5),
            starts_on=p.dates.start,
            ends_on=min(p.dates.end, programme.ends_on),
            beds=p.beds,
            min_headcount=p.min_headcount,
            preferred_headcount=p.preferred_headcount,
            max_headcount=p.max_headcount,
            max_travel_minutes=p.max_travel_minutes,
            need_leader=True,
            need_cleared_adult=True,
            vetting_required=True,
            notes="",
        )
        post.skill_counts = [PostSkill(skill=skills[code], count=n) for code, n in p.skill_counts]
        posts.append(post)
    return posts


def _students(rng, programme: Programme, skills, today: date) -> tuple[list[Volunteer], list[Team]]:
    used = set(db.session.scalars(select(Volunteer.name)))
    colleges = [(name, _spot(rng, lat, lon, name)) for name, lat, lon in COLLEGES]

    def span() -> tuple[date, date]:
        first = rng.randrange(WEEKS)
        last = min(WEEKS, first + rng.choice((1, 2, 4)))
        return (
            programme.starts_on + timedelta(weeks=first),
            programme.starts_on + timedelta(weeks=last, days=-1),
        )

    def student(index: int, college: str, spot, dates, **fields) -> Volunteer:
        cleared = rng.random() < 0.95
        volunteer = Volunteer(
            kind="college_student",
            name=person_name(rng, used),
            phone=f"171{index:08d}",
            email=f"s{index:03d}@students.example.org",
            place_name=college,
            cohort=college,
            lat=round(spot.lat, 5),
            lon=round(spot.lon, 5),
            transport_mode="bus",
            max_travel_minutes=240,
            max_sessions_per_week=2,
            vetting_status="cleared" if cleared else "pending",
            cleared_on=today - timedelta(days=rng.randint(20, 200)) if cleared else None,
            expires_on=today + timedelta(days=rng.randint(400, 700)) if cleared else None,
            **fields,
        )
        volunteer.skills = [skills[c] for c in sorted(rng.sample(SKILLS, rng.choice((1, 2))))]
        volunteer.date_ranges = [
            VolunteerDateRange(kind="available", starts_on=dates[0], ends_on=dates[1])
        ]
        db.session.add(volunteer)
        return volunteer

    students, teams = [], []
    while len(students) < int(VOLUNTEERS * IN_TEAMS):
        college, place = rng.choice(colleges)
        dates = span()
        size = min(rng.choice((3, 4, 5, 6)), int(VOLUNTEERS * IN_TEAMS) - len(students))
        members = [
            student(
                len(students) + k,
                college,
                near(rng, place, 0.01),
                dates,
                max_posts=2,
                can_lead=k == 0,
            )
            for k in range(size)
        ]
        students += members
        team = Team(
            name=f"{college}暑期服务{len(teams) + 1}队",
            college=college,
            leader=members[0],
            contact=members[0].phone or "",
        )
        team.memberships = [TeamMember(volunteer=v) for v in members]
        db.session.add(team)
        teams.append(team)
    while len(students) < VOLUNTEERS:
        college, place = rng.choice(colleges)
        students.append(
            student(
                len(students),
                college,
                near(rng, place, 0.05),
                span(),
                max_posts=rng.choice((1, 2)),
                can_lead=rng.random() < 0.15,
            )
        )
    return students, teams


def _spot(rng: random.Random, lat: float, lon: float, name: str):
    """A place of the county for the engine's generator (its own Location), exactly there."""
    return places(rng, 1, (lat, lon), (0.0, 0.0), name)[0]
