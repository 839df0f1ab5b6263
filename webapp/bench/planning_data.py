"""County-sized planning data in the database, for the planning benchmark and the tests that need
a solve that takes a while (cancel, a worker killed mid-run).

Everything made here is marked (names start with ``BENCH-planning``, e-mails end with
``@planning.bench.invalid``, phones start with 102, which no mainland mobile number does) and
``cleanup()`` removes it all, also after a failure. Rows go in with bulk inserts.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, or_, select

from webapp import clock
from webapp.extensions import db
from webapp.models import (
    Assignment,
    AuditLog,
    Event,
    ForbiddenPair,
    Home,
    Need,
    Occurrence,
    Plan,
    Post,
    PostSkill,
    Programme,
    Room,
    SolveRun,
    Team,
    TeamMember,
    Volunteer,
    VolunteerDateRange,
    WeeklyAvailability,
    programme_homes,
    programme_teams,
    programme_volunteers,
    volunteer_skills,
)
from webapp.scheduling.generate import near, places, summer_posts

PREFIX = "BENCH-planning"
DOMAIN = "planning.bench.invalid"
PHONE_PREFIX = "102"
SKILLS = ("chinese", "math", "english", "counselling", "art", "music", "pe", "reading")
POST_SKILLS = ("english", "counselling", "art", "pe", "math")  # the engine generator's, as codes
BLANK_POST = {"address": "", "open_for_signup": False, "sequence": 0, "notes": ""}
CHINA = ZoneInfo("Asia/Shanghai")
COUNTY = (26.58, 107.52)  # the made-up places of the engine's generator, around here


def _skill_ids() -> dict[str, int]:
    from webapp.demo import ensure_default_skills

    return {code: s.id for code, s in ensure_default_skills().items()}


def _volunteer_row(rng: random.Random, i: int, tag: str, kind: str, spot, **fields) -> dict:
    today = clock.today()
    cleared = rng.random() < fields.pop("cleared_share", 0.85)
    row = {
        "kind": kind,
        "name": f"{PREFIX} {tag}{i}",
        "phone": f"{PHONE_PREFIX}{tag}{i:07d}"[:20],
        "email": f"{tag}{i}@{DOMAIN}",
        "place_name": "bench",
        "lat": spot.lat,
        "lon": spot.lon,
        "transport_mode": "bus",
        "max_travel_minutes": 60,
        "max_sessions_per_week": 2,
        "max_minutes_per_week": 600,
        "max_posts": 1,
        "is_adult": True,
        "can_lead": False,
        "cohort": "",
        "notes": "",
        "vetting_status": "cleared" if cleared else "pending",
        "cleared_on": today - timedelta(days=100) if cleared else None,
        "expires_on": today + timedelta(days=rng.randint(400, 700)) if cleared else None,
        "vetting_note": "",
    }
    row.update(fields)
    return row


def _insert_volunteers(rows: list[dict], tag: str, skills_of: list[tuple[str, ...]]) -> list[int]:
    db.session.execute(insert(Volunteer), rows)
    ids = list(
        db.session.scalars(
            select(Volunteer.id)
            .where(Volunteer.email.like(f"{tag}%@{DOMAIN}"))
            .order_by(Volunteer.id)
        )
    )
    skills = _skill_ids()
    links = [
        {"volunteer_id": vid, "skill_id": skills[code]}
        for vid, codes in zip(ids, skills_of, strict=True)
        for code in codes
    ]
    db.session.execute(insert(volunteer_skills), links)
    return ids


def seed_term(volunteers: int = 1000, slots: int = 500, seed: int = 1) -> Programme:
    """A tutoring term shaped like the engine's benchmark instance (webapp/scheduling/
    generate.py): ``slots`` weekly series of 16 dates at ``slots // 4`` homes, one or two needs
    each, and ``volunteers`` with skills, weekly times, travel and load limits."""
    rng = random.Random(seed)
    cleanup()
    skills = _skill_ids()
    towns = places(rng, 18, COUNTY)
    first = clock.today() + timedelta(days=7 - clock.today().weekday())  # next Monday
    homes = []
    for h in range(max(1, slots // 4)):
        spot = near(rng, rng.choice(towns), 0.03)
        homes.append(Home(name=f"{PREFIX} 之家 {h}", lat=spot.lat, lon=spot.lon))
    db.session.add_all(homes)
    db.session.flush()
    # Series with one or two needs each, until the needs make ``slots`` engine slots.
    events, rooms, planned = [], [], 0
    while planned < slots:
        n = len(events)
        home = rng.choice(homes)
        weekday = rng.choice((0, 1, 2, 3, 4, 5, 5, 6, 6))
        start = (
            rng.choice((16 * 60, 16 * 60 + 30, 19 * 60))
            if weekday < 5
            else rng.choice((9 * 60, 10 * 60, 14 * 60, 15 * 60 + 30))
        )
        room = Room(home_id=home.id, name=f"室{n}", kind="activity", capacity=30)
        rooms.append(room)
        need_count = min(rng.choice((1, 1, 2)), slots - planned)
        planned += need_count
        events.append(
            (home, room, weekday, start, start + rng.choice((60, 90, 90, 120)), need_count)
        )
    db.session.add_all(rooms)
    db.session.flush()
    db.session.execute(
        insert(Event),
        [
            {
                "home_id": home.id,
                "room_id": room.id,
                "title": f"{PREFIX} 辅导 {n}",
                "kind": "tutoring",
                "capacity": 20,
                "notes": "",
                "first_date": first + timedelta(days=weekday),
                "start_minute": start,
                "end_minute": end,
                "weekdays": str(weekday),
                "interval_weeks": 1,
                "count": 16,
            }
            for n, (home, room, weekday, start, end, _needs) in enumerate(events)
        ],
    )
    made = list(
        db.session.execute(
            select(Event.id, Event.room_id, Event.first_date, Event.start_minute, Event.end_minute)
            .where(Event.title.like(f"{PREFIX} 辅导 %"))
            .order_by(Event.id)
        )
    )
    occurrences, needs = [], []
    for (event_id, room_id, day, start, end), spec in zip(made, events, strict=True):
        for week in range(16):
            d = day + timedelta(weeks=week)
            occurrences.append(
                {
                    "event_id": event_id,
                    "room_id": room_id,
                    "starts_at": _utc(d, start),
                    "ends_at": _utc(d, end),
                    "status": "confirmed",
                    "sequence": 0,
                    "note": "",
                }
            )
        for code in rng.sample(SKILLS, spec[5]):
            lo = rng.choice((1, 1, 1, 2))
            preferred = lo + rng.choice((0, 0, 1))
            needs.append(
                {
                    "event_id": event_id,
                    "skill_id": skills[code],
                    "min_headcount": lo,
                    "preferred_headcount": preferred,
                    "max_headcount": preferred + rng.choice((0, 1)),
                    "vetting_required": rng.random() < 0.9,
                    "open_for_signup": False,
                }
            )
    for chunk in range(0, len(occurrences), 5000):
        db.session.execute(insert(Occurrence), occurrences[chunk : chunk + 5000])
    db.session.execute(insert(Need), needs)
    rows, skills_of, windows = [], [], []
    for i in range(volunteers):
        rows.append(
            _volunteer_row(
                rng,
                i,
                "t",
                "community",
                near(rng, rng.choice(towns), 0.05),
                transport_mode=rng.choice(("walk", "bicycle", "ebike", "bus", "bus", "car")),
                max_travel_minutes=rng.choice((30, 45, 60, 90)),
                max_sessions_per_week=rng.choice((1, 1, 2, 2, 3)),
                max_minutes_per_week=rng.choice((180, 240, 360, 480)),
            )
        )
        skills_of.append(tuple(rng.sample(SKILLS, rng.choice((1, 2, 2, 3)))))
        windows.append(
            [
                (d, 8 * 60 if d >= 5 or rng.random() < 0.5 else 15 * 60 + 30, 21 * 60)
                for d in rng.sample(range(7), rng.choice((1, 2, 3)))
            ]
        )
    ids = _insert_volunteers(rows, "t", skills_of)
    db.session.execute(
        insert(WeeklyAvailability),
        [
            {"volunteer_id": vid, "weekday": d, "start_minute": a, "end_minute": b}
            for vid, spans in zip(ids, windows, strict=True)
            for d, a, b in spans
        ],
    )
    programme = Programme(
        kind="tutoring",
        name=f"{PREFIX} term {seed}",
        starts_on=first,
        ends_on=first + timedelta(weeks=16) - timedelta(days=1),
        state="draft",
    )
    db.session.add(programme)
    db.session.flush()
    db.session.execute(
        insert(programme_homes), [{"programme_id": programme.id, "home_id": h.id} for h in homes]
    )
    db.session.execute(
        insert(programme_volunteers),
        [{"programme_id": programme.id, "volunteer_id": v} for v in ids],
    )
    db.session.commit()
    return programme


def seed_summer(volunteers: int = 200, posts: int = 30, weeks: int = 2, seed: int = 1) -> Programme:
    """A summer shaped like the engine's benchmark instance: ``posts`` village posts over
    ``weeks`` weeks (the engine generator's ``summer_posts``), teams of three to six (60 % of
    the volunteers) and single volunteers."""
    rng = random.Random(seed)
    cleanup()
    skills = _skill_ids()
    towns = places(rng, 12, COUNTY)
    colleges = places(rng, 4, (26.3, 107.2), (0.1, 0.1))
    summer = clock.today() + timedelta(days=60 - clock.today().weekday())
    programme = Programme(
        kind="summer",
        name=f"{PREFIX} summer {seed}",
        starts_on=summer,
        ends_on=summer + timedelta(days=7 * weeks + 1),
        state="draft",
    )
    db.session.add(programme)
    db.session.flush()
    made = summer_posts(rng, towns, posts, weeks, summer, POST_SKILLS)
    same = ("beds", "min_headcount", "preferred_headcount", "max_headcount", "need_leader")
    same += ("need_cleared_adult", "vetting_required", "max_travel_minutes")
    post_rows = [
        {name: getattr(p, name) for name in same}
        | BLANK_POST
        | {
            "programme_id": programme.id,
            "name": f"{PREFIX} 点 {i}",
            "lat": p.location.lat,
            "lon": p.location.lon,
            "starts_on": p.dates.start,
            "ends_on": min(p.dates.end, programme.ends_on),
        }
        for i, p in enumerate(made)
    ]
    db.session.execute(insert(Post), post_rows)
    post_ids = list(
        db.session.scalars(
            select(Post.id).where(Post.programme_id == programme.id).order_by(Post.id)
        )
    )
    db.session.execute(
        insert(PostSkill),
        [
            {"post_id": pid, "skill_id": skills[code], "count": n}
            for pid, p in zip(post_ids, made, strict=True)
            for code, n in p.skill_counts
        ],
    )

    def span() -> tuple[date, date]:
        first = rng.randrange(weeks)
        return (
            summer + timedelta(days=7 * first),
            summer + timedelta(days=7 * min(weeks, first + rng.choice((1, 2, 4)))),
        )

    rows, skills_of, spans, teams = [], [], [], []
    in_teams = int(volunteers * 0.6)
    i = 0
    while i < in_teams:
        size = min(rng.choice((3, 4, 5, 6)), in_teams - i)
        college = rng.randrange(len(colleges))
        dates = span()
        teams.append((college, list(range(i, i + size))))
        for k in range(size):
            rows.append(
                _volunteer_row(
                    rng,
                    i,
                    "s",
                    "college_student",
                    near(rng, colleges[college], 0.01),
                    cleared_share=0.95,
                    max_travel_minutes=300,
                    max_posts=2,
                    can_lead=k == 0,
                )
            )
            skills_of.append(tuple(rng.sample(SKILLS, rng.choice((1, 2)))))
            spans.append(dates)
            i += 1
    while i < volunteers:
        rows.append(
            _volunteer_row(
                rng,
                i,
                "s",
                "community",
                near(rng, rng.choice(towns + colleges), 0.05),
                cleared_share=0.9,
                transport_mode=rng.choice(("bus", "car")),
                max_travel_minutes=rng.choice((120, 180, 240)),
                can_lead=rng.random() < 0.15,
                is_adult=rng.random() < 0.9,
                max_posts=rng.choice((1, 2)),
            )
        )
        skills_of.append(tuple(rng.sample(SKILLS, rng.choice((1, 2)))))
        spans.append(span())
        i += 1
    ids = _insert_volunteers(rows, "s", skills_of)
    db.session.execute(
        insert(VolunteerDateRange),
        [
            {"volunteer_id": vid, "kind": "available", "starts_on": a, "ends_on": b}
            for vid, (a, b) in zip(ids, spans, strict=True)
        ],
    )
    in_team = set()
    for t, (college, members) in enumerate(teams):
        member_ids = [ids[m] for m in members]
        in_team |= set(member_ids)
        team = Team(
            name=f"{PREFIX} team {t}",
            college=f"college {college}",
            programme=PREFIX,
            leader_id=member_ids[0],
        )
        team.memberships = [TeamMember(volunteer_id=m, programme=PREFIX) for m in member_ids]
        db.session.add(team)
    db.session.flush()
    team_ids = list(db.session.scalars(select(Team.id).where(Team.name.like(f"{PREFIX} team %"))))
    db.session.execute(
        insert(programme_teams), [{"programme_id": programme.id, "team_id": t} for t in team_ids]
    )
    db.session.execute(
        insert(programme_volunteers),
        [{"programme_id": programme.id, "volunteer_id": v} for v in ids if v not in in_team],
    )
    db.session.commit()
    return programme


def _utc(day: date, minute: int) -> datetime:
    local = datetime.combine(day, time(minute // 60, minute % 60), CHINA)
    return local.astimezone(UTC)


def cleanup() -> None:
    """Remove every row made here (explicitly: SQLite does not cascade)."""
    db.session.rollback()
    programmes = select(Programme.id).where(Programme.name.like(f"{PREFIX}%"))
    plans = select(Plan.id).where(Plan.programme_id.in_(programmes))
    volunteers = select(Volunteer.id).where(Volunteer.email.like(f"%@{DOMAIN}"))
    homes = select(Home.id).where(Home.name.like(f"{PREFIX}%"))
    events = select(Event.id).where(Event.home_id.in_(homes))
    posts = select(Post.id).where(Post.programme_id.in_(programmes))
    db.session.execute(
        delete(AuditLog).where(
            or_(
                (AuditLog.object_type == "programme") & AuditLog.object_id.in_(programmes),
                (AuditLog.object_type == "plan") & AuditLog.object_id.in_(plans),
            )
        )
    )
    db.session.execute(
        delete(Assignment).where(
            or_(Assignment.programme_id.in_(programmes), Assignment.volunteer_id.in_(volunteers))
        )
    )
    db.session.execute(delete(SolveRun).where(SolveRun.programme_id.in_(programmes)))
    db.session.execute(delete(ForbiddenPair).where(ForbiddenPair.programme_id.in_(programmes)))
    db.session.execute(delete(Plan).where(Plan.programme_id.in_(programmes)))
    db.session.execute(delete(PostSkill).where(PostSkill.post_id.in_(posts)))
    db.session.execute(delete(Post).where(Post.programme_id.in_(programmes)))
    for table in (programme_homes, programme_volunteers, programme_teams):
        db.session.execute(delete(table).where(table.c.programme_id.in_(programmes)))
    db.session.execute(delete(Programme).where(Programme.name.like(f"{PREFIX}%")))
    db.session.execute(delete(Need).where(Need.event_id.in_(events)))
    db.session.execute(delete(Occurrence).where(Occurrence.event_id.in_(events)))
    db.session.execute(delete(Event).where(Event.home_id.in_(homes)))
    db.session.execute(delete(Room).where(Room.home_id.in_(homes)))
    db.session.execute(delete(Home).where(Home.name.like(f"{PREFIX}%")))
    teams = select(Team.id).where(Team.name.like(f"{PREFIX}%"))
    db.session.execute(delete(TeamMember).where(TeamMember.team_id.in_(teams)))
    db.session.execute(delete(Team).where(Team.name.like(f"{PREFIX}%")))
    db.session.execute(
        delete(volunteer_skills).where(volunteer_skills.c.volunteer_id.in_(volunteers))
    )
    db.session.execute(
        delete(WeeklyAvailability).where(WeeklyAvailability.volunteer_id.in_(volunteers))
    )
    db.session.execute(
        delete(VolunteerDateRange).where(VolunteerDateRange.volunteer_id.in_(volunteers))
    )
    db.session.execute(delete(Volunteer).where(Volunteer.email.like(f"%@{DOMAIN}")))
    db.session.commit()
