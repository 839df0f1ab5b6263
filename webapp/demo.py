"""The demo county (青山县): fictional places, homes, volunteers, teams and the four demo log-ins.

Everything is generated from a fixed seed, so two machines get the same county. Loading is
idempotent: a second run finds the marker and changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

import webapp.blueprints.homes.demo as homes_demo
import webapp.blueprints.planning.demo as planning_demo
from webapp import clock
from webapp.blueprints.children.demo import load_demo_calls, load_demo_pairings
from webapp.blueprints.opportunities.demo import load_demo_opportunities
from webapp.core.demo_county import (
    DEMO_ACCOUNTS,
    DEMO_MARKER,
    demo_loaded,
    next_summer,
    person_name,
)
from webapp.extensions import db
from webapp.models import (
    Home,
    Place,
    Room,
    Setting,
    Skill,
    Team,
    TeamMember,
    User,
    Volunteer,
    VolunteerDateRange,
    WeeklyAvailability,
)
from webapp.security import hash_password

SEED = 20260701

DEFAULT_SKILLS = [
    ("chinese", "语文", "Chinese"),
    ("math", "数学", "Mathematics"),
    ("english", "英语", "English"),
    ("counselling", "心理辅导", "Counselling"),
    ("art", "美术", "Art"),
    ("music", "音乐", "Music"),
    ("pe", "体育", "Sports"),
    ("reading", "阅读", "Reading"),
    ("safety", "安全教育", "Safety education"),
    ("first_aid", "急救", "First aid"),
]

COUNTY = ("青山县", 26.580, 107.520)
TOWNSHIPS = {
    ("石门乡", 26.640, 107.440): [
        ("石门村", 26.645, 107.432),
        ("高坡村", 26.668, 107.405),
        ("龙潭村", 26.621, 107.468),
    ],
    ("白云镇", 26.560, 107.585): [
        ("白云社区", 26.561, 107.588),
        ("杨柳村", 26.540, 107.612),
        ("新寨村", 26.585, 107.630),
    ],
    ("柳溪乡", 26.495, 107.470): [
        ("柳溪村", 26.497, 107.466),
        ("竹林村", 26.472, 107.438),
        ("观音村", 26.515, 107.495),
    ],
}
HOMES = [
    ("石门村留守儿童之家", "石门村", "石门村村委会二楼", True),
    ("高坡村留守儿童之家", "高坡村", "高坡小学旁", False),
    ("白云镇中心留守儿童之家", "白云社区", "白云镇文化站一楼", True),
    ("新寨村留守儿童之家", "新寨村", "新寨村小学内", False),
    ("柳溪村留守儿童之家", "柳溪村", "柳溪村党群服务中心", True),
    ("竹林村留守儿童之家", "竹林村", "竹林村老村委院内", False),
]
TEAMS = [
    ("江城师院“春晖”支教队", "江城师范学院"),
    ("江城师院“萤火”实践队", "江城师范学院"),
    ("北山大学“山海”服务队", "北山大学"),
    ("南湖理工“筑梦”三下乡队", "南湖理工学院"),
    ("云岭医学院“护苗”健康队", "云岭医学院"),
    ("东海外国语“彩虹桥”英语队", "东海外国语学院"),
    ("西林农大“青禾”实践队", "西林农业大学"),
    ("青山职院“同心”志愿队", "青山职业技术学院"),
]


@dataclass(frozen=True)
class SeedResult:
    created: bool
    volunteers: int = 0
    homes: int = 0
    teams: int = 0


def ensure_default_skills() -> dict[str, Skill]:
    skills = {s.code: s for s in db.session.scalars(select(Skill))}
    for code, zh, en in DEFAULT_SKILLS:
        if code not in skills:
            skills[code] = Skill(code=code, name_zh=zh, name_en=en)
            db.session.add(skills[code])
    db.session.flush()
    return skills


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User))


def load_demo_county(today: date | None = None) -> SeedResult:
    """Create the demo county; does nothing when it is already there."""
    if demo_loaded():
        return SeedResult(created=False)
    today = today or clock.today()
    rng = random.Random(SEED)
    users = _demo_users()
    skills = ensure_default_skills()
    villages = _places()
    homes = _homes(villages, users["manager@example.org"])
    volunteers = _volunteers(rng, villages, skills, users["volunteer@example.org"], today)
    teams = _teams(rng, volunteers, today)
    load_demo_pairings(today)
    homes_demo.load_demo_homes(
        homes, users["manager@example.org"], users["coordinator@example.org"], today
    )
    load_demo_calls(today)
    planning_demo.load_demo_planning(
        homes,
        volunteers,
        teams,
        users["coordinator@example.org"],
        users["admin@example.org"],
        today,
    )
    load_demo_opportunities(today)
    Setting.put(DEMO_MARKER, "1")
    db.session.flush()
    return SeedResult(created=True, volunteers=len(volunteers), homes=len(homes), teams=len(teams))


def _demo_users() -> dict[str, User]:
    users = {}
    for email, name, roles in DEMO_ACCOUNTS:
        user = User.by_email(email)
        if user is None:
            # Hashed once per account: each gets its own salt, so equal passwords never show.
            password_hash = hash_password(current_app.config["DEMO_PASSWORD"])
            user = User(email=email, name=name, password_hash=password_hash, locale=None)
            db.session.add(user)
        user.set_roles(user.roles | roles)
        users[email] = user
    db.session.flush()
    return users


def _places() -> dict[str, Place]:
    name, lat, lon = COUNTY
    county = Place(kind="county", name=name, lat=lat, lon=lon)
    db.session.add(county)
    villages = {}
    for (township_name, t_lat, t_lon), village_rows in TOWNSHIPS.items():
        township = Place(kind="township", name=township_name, lat=t_lat, lon=t_lon, parent=county)
        db.session.add(township)
        for village_name, v_lat, v_lon in village_rows:
            villages[village_name] = Place(
                kind="village", name=village_name, lat=v_lat, lon=v_lon, parent=township
            )
            db.session.add(villages[village_name])
    db.session.flush()
    return villages


def _homes(villages: dict[str, Place], manager: User) -> list[Home]:
    homes = []
    for index, (name, village_name, address, has_classroom) in enumerate(HOMES):
        village = villages[village_name]
        home = Home(
            name=name, place=village, address=address, lat=village.lat, lon=village.lon, notes=""
        )
        home.rooms = [
            Room(name="活动室", kind="activity", capacity=30),
            Room(name="图书角", kind="library", capacity=15),
            # The video-call room is small and shared; bookings there wait for the manager's approval.
            Room(name="亲情视频室", kind="video_call", capacity=4, requires_approval=True),
        ]
        if has_classroom:
            home.rooms.append(Room(name="多功能教室", kind="classroom", capacity=40))
        if index < 2:
            home.managers.append(manager)
        db.session.add(home)
        homes.append(home)
    db.session.flush()
    return homes


def _vetting(rng: random.Random, volunteer: Volunteer, today: date, index: int) -> None:
    roll = rng.random()
    if index % 40 == 7:  # a few clearances that run out within the month
        volunteer.vetting_status = "cleared"
        volunteer.cleared_on = today - timedelta(days=720)
        volunteer.expires_on = today + timedelta(days=rng.randint(3, 28))
    elif roll < 0.72:
        cleared = today - timedelta(days=rng.randint(10, 600))
        volunteer.vetting_status, volunteer.cleared_on = "cleared", cleared
        volunteer.expires_on = cleared + timedelta(days=730)
    elif roll < 0.86:
        volunteer.vetting_status = "pending"
    elif roll < 0.94:
        volunteer.vetting_status = "none"
    else:
        volunteer.vetting_status = "expired"
        volunteer.cleared_on = today - timedelta(days=800)
        volunteer.expires_on = today - timedelta(days=70)


def _volunteers(rng, villages, skills, demo_user: User, today: date) -> list[Volunteer]:
    village_list = list(villages.values())
    used_names: set[str] = {"李秀兰"}
    plan = [("surrogate_parent", 30), ("teacher", 24), ("community", 14), ("college_student", 52)]
    volunteers: list[Volunteer] = []
    summer_start, summer_end = next_summer(today)
    for kind, count in plan:
        for _ in range(count):
            index = len(volunteers)
            name = "李秀兰" if index == 0 else person_name(rng, used_names)
            home_village = rng.choice(village_list)
            volunteer = Volunteer(
                kind=kind,
                name=name,
                phone=f"170{index + 10000000:08d}",
                email=demo_user.email if index == 0 else f"v{index:03d}@volunteers.example.org",
                gender=(
                    "female"
                    if kind == "surrogate_parent" and rng.random() < 0.9
                    else rng.choice(["female", "male", None])
                ),
                place_name=home_village.full_name if kind != "college_student" else "青山县城",
                lat=round(home_village.lat + rng.uniform(-0.01, 0.01), 5),
                lon=round(home_village.lon + rng.uniform(-0.01, 0.01), 5),
                transport_mode={
                    "surrogate_parent": rng.choice(["walk", "ebike"]),
                    "teacher": rng.choice(["ebike", "car"]),
                    "community": rng.choice(["walk", "bicycle", "ebike"]),
                    "college_student": "bus",
                }[kind],
                max_travel_minutes={
                    "surrogate_parent": 30,
                    "teacher": 45,
                    "community": 30,
                    "college_student": 90,
                }[kind],
                max_sessions_per_week=rng.choice((1, 2, 2, 3)),
            )
            if index == 0:
                volunteer.user = demo_user
            _vetting(rng, volunteer, today, index)
            volunteer.skills = _skills_for(rng, kind, skills)
            _availability(rng, volunteer, kind, summer_start, summer_end)
            if index == 0:
                _demo_volunteer(volunteer, villages["石门村"], skills, today)
            db.session.add(volunteer)
            volunteers.append(volunteer)
    db.session.flush()
    return volunteers


def _demo_volunteer(volunteer: Volunteer, village: Place, skills, today: date) -> None:
    """李秀兰, the demo volunteer: a cleared surrogate parent at 石门村 who reads with children
    on Saturday mornings, so that her schedule is never empty."""
    volunteer.lat, volunteer.lon, volunteer.place_name = village.lat, village.lon, "石门乡石门村"
    volunteer.transport_mode, volunteer.max_travel_minutes = "ebike", 30
    # Two weekly sessions from the plan leave room for a one-off sign-up (the demo shows both).
    volunteer.max_sessions_per_week = 3
    volunteer.vetting_status, volunteer.cleared_on = "cleared", today - timedelta(days=200)
    volunteer.expires_on = today + timedelta(days=530)
    volunteer.skills = [skills["chinese"], skills["counselling"], skills["reading"]]
    volunteer.weekly_availability = [
        WeeklyAvailability(weekday=1, start_minute=16 * 60, end_minute=18 * 60 + 30),
        WeeklyAvailability(weekday=5, start_minute=9 * 60, end_minute=12 * 60),
    ]


def _skills_for(rng, kind: str, skills: dict[str, Skill]) -> list[Skill]:
    pools = {
        "surrogate_parent": ["counselling", "reading", "safety", "art", "chinese"],
        "teacher": ["chinese", "math", "english", "pe", "music", "art", "safety"],
        "community": ["reading", "safety", "first_aid", "pe", "music"],
        "college_student": [
            "english",
            "math",
            "counselling",
            "art",
            "music",
            "pe",
            "first_aid",
            "chinese",
        ],
    }
    codes = rng.sample(pools[kind], k=rng.randint(1, 3))
    return sorted((skills[c] for c in codes), key=lambda s: s.code)


def _availability(
    rng, volunteer: Volunteer, kind: str, summer_start: date, summer_end: date
) -> None:
    if kind == "college_student":
        start = summer_start + timedelta(days=rng.randint(0, 10))
        volunteer.date_ranges.append(
            VolunteerDateRange(
                kind="available",
                starts_on=start,
                ends_on=summer_end - timedelta(days=rng.randint(0, 14)),
            )
        )
        return
    afternoons = rng.sample(range(5), k=rng.randint(1, 3))
    start = 16 * 60 + (30 if kind == "teacher" else 0)
    for weekday in sorted(afternoons):
        volunteer.weekly_availability.append(
            WeeklyAvailability(weekday=weekday, start_minute=start, end_minute=start + 120)
        )
    if kind != "teacher" or rng.random() < 0.4:
        volunteer.weekly_availability.append(
            WeeklyAvailability(weekday=5, start_minute=9 * 60, end_minute=12 * 60)
        )


def _teams(rng, volunteers: list[Volunteer], today: date) -> list[Team]:
    """Eight college teams of six. A team travels together: its members share the leader's
    summer dates, and the college has them vetted before they go (cleared through the summer)."""
    students = [v for v in volunteers if v.kind == "college_student"]
    _start, summer_end = next_summer(today)
    teams = []
    for index, (name, college) in enumerate(TEAMS):
        members = students[index * 6 : index * 6 + 6]
        team = Team(name=name, college=college, leader=members[0], contact=members[0].phone or "")
        team.memberships = [TeamMember(volunteer=v) for v in members]
        leader_range = members[0].date_ranges[0]
        for member in members:
            member.cohort = college
            member.date_ranges = [
                VolunteerDateRange(
                    kind="available", starts_on=leader_range.starts_on, ends_on=leader_range.ends_on
                )
            ]
            if not member.is_cleared(summer_end):
                member.vetting_status, member.cleared_on = "cleared", today - timedelta(days=30)
                member.expires_on = today + timedelta(days=730)
        db.session.add(team)
        teams.append(team)
    db.session.flush()
    return teams
