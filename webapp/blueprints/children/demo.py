"""The demo county's children (called from webapp.demo): full cards, surrogate parents and class
teachers paired with them, their duties with a few overdue (小军 has had no contact for 35 days),
past contacts and family video calls, goals of the care plan, and a 留守儿童会 with attendance."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from webapp import clock
from webapp.blueprints.children.contacts import complete_duty_of
from webapp.blueprints.children.duties import set_card_duty, start_pairing_duties, sync_plan_review
from webapp.extensions import db
from webapp.models import CallSlot, CareLog, Child, Home, Occurrence, Pairing, Room, Volunteer
from webapp.models.child_care import CareGoal, ChildMeeting, MeetingAttendance

SCHOOLS = ("青山镇中心小学", "白云乡小学", "石门镇初级中学")
# pseudonym, real name, age band, birth years ago, sex, home index, school index, grade, village,
# guardian (name, relation), guardianship, father's city, mother's city, priority and reason,
# consent days ago (None: no consent recorded)
# fmt: off
DEMO_CHILDREN = [
    ("小明", "王明", "6_to_9", 8, "m", 0, 0, "三年级一班", "高坡村", ("王奶奶", "祖母"), "fair",
     "深圳", "东莞", "yellow", "父母都在外务工，成绩下滑", 200),
    ("小军", "李军", "10_to_13", 11, "m", 0, 0, "五年级二班", "高坡村", ("李爷爷", "祖父"), "poor",
     "广州", "", "red", "祖父年迈多病，孩子常独自在家", 150),
    ("小雨", "张雨", "10_to_13", 10, "f", 0, 0, "五年级二班", "石桥村", ("张奶奶", "祖母"), "good",
     "杭州", "杭州", "green", "", 120),
    ("L.Y.", "刘洋", "10_to_13", 12, "m", 0, 0, "五年级二班", "石桥村", ("刘姑姑", "姑姑"), "fair",
     "宁波", "", "blue", "", 150),
    ("小花", "陈花", "6_to_9", 7, "f", 1, 1, "二年级", "白云村", ("陈外婆", "外祖母"), "fair",
     "", "厦门", "yellow", "母亲外出，外婆独自照看两个孩子", 90),
    ("小草", "陈草", "under_6", 5, "f", 1, 1, "学前班", "白云村", ("陈外婆", "外祖母"), "fair",
     "", "厦门", "blue", "", 90),
    ("Z.H.", "赵晖", "14_to_17", 15, "m", 2, 2, "初三", "石门村", ("赵伯伯", "伯父"), "good",
     "成都", "成都", "green", "", None),
    ("小杰", "周杰", "10_to_13", 13, "m", 2, 2, "初一", "石门村", ("周奶奶", "祖母"), "poor",
     "上海", "", "red", "情绪低落，有辍学倾向", 60),
    ("小丽", "吴丽", "10_to_13", 12, "f", 2, 2, "初一", "溪口村", ("吴爷爷", "祖父"), "fair",
     "温州", "温州", "blue", "", 60),
    ("小兰", "孙兰", "6_to_9", 9, "f", 4, 1, "三年级", "溪口村", ("孙奶奶", "祖母"), "good",
     "苏州", "", "green", "", 45),
# fmt: on
]


def _cleared(kind: str, today: date) -> list[Volunteer]:
    found = db.session.scalars(
        select(Volunteer).where(Volunteer.kind == kind).order_by(Volunteer.id)
    )
    return [v for v in found if v.is_cleared(today)]


def _contact(pairing: Pairing, kind: str, day: date, note: str) -> None:
    log = CareLog(pairing=pairing, kind=kind, happened_on=day, note=note, created_at=clock.utcnow())
    db.session.add(log)
    db.session.flush()
    complete_duty_of(log)


def _child(row, homes: list[Home], today: date) -> Child:
    (pseudonym, real, band, years, sex, home_index, school, grade, village, guardian,
     guardianship, father, mother, priority, reason, consent_days) = row  # fmt: skip
    child = Child(
        pseudonym=pseudonym,
        real_name=real,
        age_band=band,
        birth_year=today.year - years,
        sex=sex,
        home=homes[home_index % len(homes)],
        school=SCHOOLS[school],
        grade=grade,
        village=village,
        guardian_name=guardian[0],
        guardian_relation=guardian[1],
        guardian_phone=f"1390000{len(pseudonym) * 1000 + years * 37:04d}",
        guardianship=guardianship,
        father_work_city=father,
        father_last_home_on=today - timedelta(days=40 + years * 9) if father else None,
        mother_work_city=mother,
        mother_last_home_on=today - timedelta(days=20 + years * 11) if mother else None,
        priority=priority,
        priority_reason=reason,
        guardian_consent=consent_days is not None,
        consent_on=today - timedelta(days=consent_days) if consent_days else None,
        report_consent=consent_days is not None,
        next_review_on=today + timedelta(days=20) if priority in ("red", "yellow") else None,
    )
    db.session.add(child)
    return child


def load_demo_pairings(today: date | None = None) -> int:
    """Children with full cards, their carers, duties, contacts, goals and a meeting.

    Idempotent: does nothing when any child exists. Returns the number of pairings made.
    """
    today = today or clock.today()
    if db.session.scalar(select(func.count()).select_from(Child)):
        return 0
    homes = list(db.session.scalars(select(Home).order_by(Home.id)))
    if not homes:
        return 0
    children = {row[0]: _child(row, homes, today) for row in DEMO_CHILDREN}
    db.session.flush()
    parents, teachers = _cleared("surrogate_parent", today), _cleared("teacher", today)
    made = 0
    # The demo volunteer (李秀兰, the first surrogate parent) cares for 小明, 小军 and 小花.
    surrogate = [("小明", 0), ("小军", 0), ("小花", 0), ("小雨", 1), ("小杰", 1), ("小草", 2)]
    for pseudonym, parent_index in surrogate:
        if parent_index >= len(parents):
            continue
        child = children[pseudonym]
        pairing = Pairing(
            volunteer=parents[parent_index],
            child=child,
            role="surrogate",
            started_on=today - timedelta(days=120),
        )
        db.session.add(pairing)
        db.session.flush()
        start_pairing_duties(pairing)
        # 小军: nothing for 35 days (both duties overdue); 小杰: talks lapsed 12 days ago.
        last_talk = {"小军": 35, "小杰": 12}.get(pseudonym, 3)
        for days in range(last_talk + 56, last_talk - 1, -7):
            _contact(pairing, "talk", today - timedelta(days=days), "电话谈心，学习和心情都不错")
        last_visit = 35 if pseudonym == "小军" else 18
        for days in (last_visit + 30, last_visit):
            _contact(pairing, "visit", today - timedelta(days=days), "家访，和监护人聊了孩子的近况")
        made += 1
    # A class teacher looks after three children of one class, another after two.
    for teacher_index, names, last in (
        (0, ("小明", "小雨", "L.Y."), 20),
        (1, ("小杰", "小丽"), 40),
    ):
        if teacher_index >= len(teachers):
            continue
        for pseudonym in names:
            pairing = Pairing(
                volunteer=teachers[teacher_index],
                child=children[pseudonym],
                role="teacher",
                started_on=today - timedelta(days=90),
            )
            db.session.add(pairing)
            db.session.flush()
            start_pairing_duties(pairing)
            _contact(pairing, "talk", today - timedelta(days=last + 30), "课后谈心")
            _contact(pairing, "talk", today - timedelta(days=last), "课后谈心，聊了学习计划")
            made += 1
    _home_duties_and_plans(homes[0], children, today)
    _meeting(homes[0], children, today)
    db.session.flush()
    return made


def _home_duties_and_plans(home: Home, children: dict[str, Child], today: date) -> None:
    """The first home's children: a monthly guardian call and the weekly video call (its
    manager answers for it), held calls recorded; goals for the children with a red or yellow
    priority."""
    manager = home.managers[0] if home.managers else None
    for child in children.values():
        if child.home_id != home.id:
            continue
        set_card_duty(child, "guardian_call", True, manager, today - timedelta(days=60))
        set_card_duty(child, "video_call", True, manager, today - timedelta(days=28))
        sync_plan_review(child, manager, today)
        # 小军 missed his calls too: nobody has reached him for 35 days.
        for days in () if child.pseudonym == "小军" else (21, 14, 6):
            log = CareLog(
                child_id=child.id,
                kind="video_call",
                happened_on=today - timedelta(days=days),
                note="亲情视频，和妈妈聊了二十分钟",
                author_id=manager.id if manager else None,
                created_at=clock.utcnow(),
            )
            db.session.add(log)
            db.session.flush()
            complete_duty_of(log)
    for pseudonym, goal, who, action in (
        ("小军", "每天有人陪伴写作业", "代理家长、班主任", "每周两次电话督促，每月家访"),
        ("小明", "数学成绩回到及格", "班主任", "每周辅导一次"),
        ("小花", "母亲每周视频一次", "之家管理员", "安排周六亲情视频时段"),
        ("小杰", "不再缺课", "班主任、代理家长", "每周谈心，发现缺课当天联系监护人"),
    ):
        child = children[pseudonym]
        db.session.add(
            CareGoal(
                child_id=child.id,
                goal=goal,
                who=who,
                action=action,
                due_on=today + timedelta(days=60),
            )
        )
    done = CareGoal(
        child_id=children["小明"].id,
        goal="按时到校",
        who="监护人",
        action="每天早上送到校门口",
        due_on=today - timedelta(days=10),
        done_on=today - timedelta(days=15),
        result="一个月没有迟到",
    )
    db.session.add(done)


def _meeting(home: Home, children: dict[str, Child], today: date) -> None:
    """Last month's 留守儿童会 at the first home and a guardian meeting at a school."""
    held = ChildMeeting(
        kind="children_meeting",
        home_id=home.id,
        held_on=today - timedelta(days=12),
        title="十一月留守儿童会：分享我的心愿",
        note="孩子们写下心愿卡，之家统一寄给在外的父母。",
    )
    for child in children.values():
        if child.home_id == home.id:
            held.attendance.append(
                MeetingAttendance(
                    child_id=child.id,
                    child_present=child.pseudonym != "L.Y.",
                    guardian_present=child.pseudonym in ("小明", "小雨"),
                )
            )
    parents = ChildMeeting(
        kind="guardian_meeting",
        school=SCHOOLS[2],
        held_on=today - timedelta(days=25),
        title="期中家长会",
    )
    for pseudonym in ("小杰", "小丽", "Z.H."):
        parents.attendance.append(
            MeetingAttendance(child_id=children[pseudonym].id, guardian_present=True)
        )
    db.session.add_all([held, parents])


def load_demo_calls(today: date | None = None) -> int:
    """The next family video-call session of the first home: its children signed up by record
    (after the homes demo made the sessions). Returns the slots taken."""
    today = today or clock.today()
    if db.session.scalar(select(func.count()).where(CallSlot.child_id.is_not(None))):
        return 0
    now = datetime.combine(today, time(0), tzinfo=clock.CHINA).astimezone(UTC)
    occurrence = db.session.scalar(
        select(Occurrence)
        .join(Room, Room.id == Occurrence.room_id)
        .where(Room.kind == "video_call", Occurrence.status == "confirmed")
        .where(Occurrence.starts_at >= now)
        .order_by(Occurrence.starts_at)
        .limit(1)
    )
    if occurrence is None:
        return 0
    kids = list(
        db.session.scalars(
            select(Child)
            .where(Child.home_id == occurrence.room.home_id, Child.erased_at.is_(None))
            .order_by(Child.id)
        )
    )
    taken = 0
    for slot, child in zip(sorted(occurrence.call_slots, key=lambda s: s.starts_at), kids, strict=False):
        slot.child_id, slot.child_label = child.id, child.pseudonym
        taken += 1
    db.session.flush()
    return taken
