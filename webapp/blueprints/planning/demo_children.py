"""The demo county's children planned by the engine (called from planning.demo): households for
every child (siblings share one), more children at each home with their parents' free times and
school timetables, evening hours for the video-call rooms, a term's family video-call rota and a
summer home-visit campaign with the county's teachers."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import (
    Child,
    ChildWeeklyTime,
    Home,
    Household,
    OpeningHours,
    Place,
    Programme,
    User,
    Volunteer,
)

SEED = 24
# Extra children per home: (pseudonym, age band, years, sex, priority); siblings follow their
# elder with a "+" in front of the pseudonym.
# fmt: off
EXTRA = [
    ("小宇", "10_to_13", 11, "m", "yellow"), ("小婷", "6_to_9", 8, "f", "blue"),
    ("+小凯", "6_to_9", 7, "m", "blue"), ("小瑶", "10_to_13", 12, "f", "red"),
    ("小涛", "14_to_17", 14, "m", "green"), ("小琴", "6_to_9", 9, "f", "yellow"),
    ("+小峰", "under_6", 5, "m", "yellow"),
]
# fmt: on
# Parents' free times (weekday, start, end): evenings after a shift, or a rest-day morning.
PARENT_TIMES = [
    ((1, 19 * 60, 21 * 60), (6, 10 * 60, 12 * 60)),
    ((3, 19 * 60 + 30, 21 * 60 + 30),),
    ((6, 9 * 60, 11 * 60), (6, 19 * 60, 20 * 60 + 30)),
    ((1, 18 * 60 + 30, 20 * 60), (3, 18 * 60 + 30, 20 * 60)),
    ((2, 21 * 60, 23 * 60),),  # night shift: only late (the room has closed by then)
    ((5, 19 * 60, 21 * 60), (6, 10 * 60, 11 * 60 + 30)),
]
SCHOOL_TIMES = [(d, 7 * 60 + 30, 17 * 60) for d in range(5)]
# The video-call room's evening hours (the duty manager stays for the calls).
CALL_HOURS = [
    (1, 18 * 60 + 30, 20 * 60 + 30),
    (3, 18 * 60 + 30, 20 * 60 + 30),
    (6, 9 * 60, 12 * 60),
]
CALL_HOURS += [(6, 19 * 60, 21 * 60)]


def load_demo_children_plans(
    homes: list[Home],
    volunteers: list[Volunteer],
    coordinator: User,
    today: date,
    term: tuple[date, date],
    summer: tuple[date, date],
) -> Programme:
    """Make both programmes (drafts); the video-call rota is returned for the demo to solve
    and publish, so that the homes' weeks and the children's cards show it."""
    rng = random.Random(SEED)
    _extra_children(homes, today)
    _households(rng)
    _weekly_times(rng)
    for home in homes:
        for weekday, start, end in CALL_HOURS:
            home.opening_hours.append(
                OpeningHours(weekday=weekday, start_minute=start, end_minute=end, label="亲情视频")
            )
        for room in home.rooms:
            if room.kind == "video_call":
                room.calls_at_once = 2 if home is homes[0] else 1
    week_start = today - timedelta(days=today.weekday())
    calls = Programme(
        kind="video_calls",
        name="本学期亲情视频轮值",
        starts_on=week_start,
        ends_on=max(term[1], week_start + timedelta(weeks=4)),
        state="draft",
        created_by_id=coordinator.id,
        settings={"slot_minutes": 20},
        notes="",
    )
    calls.homes = list(homes)
    visits = Programme(
        kind="home_visits",
        name="暑期家访",
        starts_on=summer[0],
        ends_on=summer[0] + timedelta(days=9),
        state="draft",
        created_by_id=coordinator.id,
        settings={"max_visits_per_day": 5, "max_travel_minutes": 240, "mixed_pairs": False},
        notes="",
    )
    visits.homes = list(homes)
    visits.volunteers = [
        v for v in volunteers if v.kind != "college_student" and v.lat is not None
    ][:16]
    db.session.add_all([calls, visits])
    db.session.flush()
    return calls


def _extra_children(homes: list[Home], today: date) -> None:
    for h, home in enumerate(homes):
        for k, (name, band, years, sex, priority) in enumerate(EXTRA):
            if (h + k) % 3 == 2:  # not every home has every child
                continue
            db.session.add(_child(home, name, band, years, sex, priority, today, h, k))
    db.session.flush()


SURNAMES = "王李张刘陈杨赵黄周吴"
SCHOOL_NAME = "青山镇中心小学"


def _child(home: Home, name, band, years, sex, priority, today: date, h: int, k: int) -> Child:
    surname = SURNAMES[(h * 7 + k) % len(SURNAMES)]
    if name.startswith("+"):  # a sibling takes the elder's surname
        surname = SURNAMES[(h * 7 + k - 1) % len(SURNAMES)]
    child = Child(
        pseudonym=f"{name.lstrip('+')}{h + 1}",
        real_name=f"{surname}{name.lstrip('+')[1:]}{'一二三四五六'[h]}",
        school=SCHOOL_NAME,
        grade="",
        guardian_name=f"{surname}奶奶",
        guardian_relation="祖母",
        age_band=band,
        birth_year=today.year - years,
        sex=sex,
        home=home,
        village=home.place.name if home.place else "",
        guardian_phone=f"1380000{h:02d}{k:02d}",
        priority=priority,
        guardian_consent=True,
        consent_on=today - timedelta(days=30 + k),
        report_consent=True,
    )
    # Siblings: marked for _households by sharing the elder's guardian phone.
    if name.startswith("+"):
        child.guardian_phone = f"1380000{h:02d}{k - 1:02d}"
    return child


def _households(rng: random.Random) -> None:
    """One household per guardian phone and village (siblings share the phone of their guardian),
    near the village's map point (a village the county's places do not list: near the home)."""
    places = {p.name: p for p in db.session.scalars(select(Place).where(Place.kind == "village"))}
    made: dict[tuple[str, str], Household] = {}
    for child in db.session.scalars(select(Child).order_by(Child.id)):
        key = (child.village, child.guardian_phone)
        if key not in made:
            place = places.get(child.village)
            near = place or child.home
            lat = near.lat + rng.uniform(-0.012, 0.012) if near.lat is not None else None
            lon = near.lon + rng.uniform(-0.012, 0.012) if near.lon is not None else None
            made[key] = Household(
                label=f"{child.village} {len(made) + 1:02d}",
                village=child.village,
                place_id=place.id if place else None,
                lat=lat,
                lon=lon,
            )
            db.session.add(made[key])
        child.household = made[key]
    db.session.flush()


def _weekly_times(rng: random.Random) -> None:
    """Parents' free times per household (siblings share their parents), the school timetable
    for every child."""
    chosen: dict[int, tuple] = {}
    for child in db.session.scalars(select(Child).order_by(Child.id)):
        if child.household_id not in chosen:
            chosen[child.household_id] = PARENT_TIMES[rng.randrange(len(PARENT_TIMES))]
        times = chosen[child.household_id]
        for weekday, start, end in times:
            db.session.add(
                ChildWeeklyTime(
                    child=child, kind="parents", weekday=weekday, start_minute=start, end_minute=end
                )
            )
        for weekday, start, end in SCHOOL_TIMES:
            db.session.add(
                ChildWeeklyTime(
                    child=child, kind="school", weekday=weekday, start_minute=start, end_minute=end
                )
            )
    db.session.flush()
