"""The child's card: every field saved with reasons for what is wrong, the real name only for
those allowed names, the care plan, and every view and change in the access log."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.world import login
from webapp import clock
from webapp.extensions import db
from webapp.models import CareLog, Child
from webapp.models.child_care import CareGoal, ChildAccess, ChildDuty

REAL_NAME = "王小明真名"


def _card_data(home_id: int, **changes) -> dict:
    data = {
        "pseudonym": "小明",
        "age_band": "10_to_13",
        "home_id": home_id,
        "guardian_consent": "y",
        "consent_on": (clock.today() - timedelta(days=10)).isoformat(),
        "report_consent": "y",
        "real_name": REAL_NAME,
        "sex": "m",
        "birth_year": str(clock.today().year - 11),
        "school": "青山镇中心小学",
        "grade": "五年级二班",
        "village": "高坡村",
        "guardian_name": "王奶奶",
        "guardian_relation": "祖母",
        "guardian_phone": "13800138000",
        "guardianship": "fair",
        "father_work_city": "深圳",
        "father_phone": "13900139000",
        "father_last_home_on": (clock.today() - timedelta(days=200)).isoformat(),
        "mother_work_city": "东莞",
        "mother_phone": "",
        "priority": "yellow",
        "priority_reason": "成绩下滑，情绪低落",
        "next_review_on": (clock.today() + timedelta(days=30)).isoformat(),
        "guardian_call": "y",
        "video_call": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _accesses(child_id: int, action: str | None = None) -> list[ChildAccess]:
    db.session.expire_all()
    query = select(ChildAccess).where(ChildAccess.child_id == child_id)
    if action:
        query = query.where(ChildAccess.action == action)
    return list(db.session.scalars(query.order_by(ChildAccess.id)))


def test_a_coordinator_fills_in_every_field_of_the_card(coordinator_client):
    manager = factories.user(roles=("home_manager",))
    home = factories.home(managers=(manager,))
    response = coordinator_client.post("/children/new", data=_card_data(home.id))
    assert response.status_code == 303, response.get_data(as_text=True)
    child = db.session.scalar(select(Child))
    assert (child.real_name, child.sex, child.school, child.guardianship) == (
        REAL_NAME,
        "m",
        "青山镇中心小学",
        "fair",
    )
    assert child.report_consent and child.priority == "yellow" and child.father_work_city == "深圳"
    kinds = {d.kind: d for d in db.session.scalars(select(ChildDuty))}
    assert set(kinds) == {"guardian_call", "video_call", "plan_review"}
    assert kinds["video_call"].responsible_user_id == manager.id
    assert kinds["video_call"].interval_days == 7 and kinds["guardian_call"].interval_days == 30
    assert kinds["plan_review"].due_on == child.next_review_on
    page = coordinator_client.get(f"/children/{child.id}").get_data(as_text=True)
    assert REAL_NAME in page and "深圳" in page and "王奶奶" in page
    assert [a.action for a in _accesses(child.id)] == ["edit", "view"]


def test_wrong_card_fields_are_refused_with_their_reason_and_nothing_saved(coordinator_client):
    home = factories.home()
    year = clock.today().year
    for changes, reason in [
        ({"guardian_phone": "打电话给我"}, "电话"),
        ({"birth_year": str(year - 30)}, str(year - 18)),
        ({"priority": "yellow", "priority_reason": ""}, "原因"),
        ({"sex": "x"}, ""),
        ({"father_last_home_on": (clock.today() + timedelta(days=3)).isoformat()}, "不能晚于今天"),
        ({"next_review_on": (clock.today() - timedelta(days=3)).isoformat()}, "不能早于今天"),
    ]:
        response = coordinator_client.post("/children/new", data=_card_data(home.id, **changes))
        assert response.status_code == 422, changes
        assert reason in response.get_data(as_text=True), changes
    assert db.session.scalar(select(Child)) is None
    assert db.session.scalar(select(ChildDuty)) is None


def test_the_real_name_is_hidden_from_managers_and_carers(app):
    manager = factories.user(roles=("home_manager",))
    home = factories.home(managers=(manager,))
    child = factories.child(home=home)
    child.real_name = REAL_NAME
    carer_user = factories.user(roles=("volunteer",))
    carer = factories.volunteer(kind="surrogate_parent", user=carer_user)
    factories.pairing(volunteer=carer, child=child)
    db.session.commit()
    for user in (manager, carer_user):
        page = login(app.test_client(), user).get(f"/children/{child.id}")
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert REAL_NAME not in body and "******" in body and child.pseudonym in body
    admin = factories.user(roles=("admin",))
    assert REAL_NAME in login(app.test_client(), admin).get(f"/children/{child.id}").text
    who = [a.user_id for a in _accesses(child.id, "view")]
    assert who == [manager.id, carer_user.id, admin.id]


def test_a_carer_sees_pseudonym_duties_and_their_own_contacts_only(app):
    child = factories.child()
    child.guardian_phone = "13800138000"
    carer_user = factories.user(roles=("volunteer",))
    carer = factories.volunteer(kind="surrogate_parent", user=carer_user)
    mine = factories.pairing(volunteer=carer, child=child)
    teacher = factories.pairing(child=child, role="teacher")
    factories.care_log(pairing=mine, note="我的记录")
    factories.care_log(pairing=teacher, note="老师的记录")
    body = login(app.test_client(), carer_user).get(f"/children/{child.id}").text
    assert "我的记录" in body and "老师的记录" not in body
    assert "13800138000" not in body and 'id="card-goals"' not in body
    assert "每周谈心" in body and "每月谈心" not in body


def test_the_care_plan_keeps_goals_with_who_what_when_and_result(coordinator_client):
    child = factories.child()
    url = f"/children/{child.id}/goals"
    assert coordinator_client.post(url, data={"goal": ""}).status_code == 422
    response = coordinator_client.post(
        url,
        data={
            "goal": "数学及格",
            "who": "班主任",
            "action": "每周辅导两次",
            "due_on": (clock.today() + timedelta(days=60)).isoformat(),
        },
    )
    assert response.status_code == 303
    goal = db.session.scalar(select(CareGoal))
    done = coordinator_client.post(
        f"{url}/{goal.id}",
        data={"goal": "数学及格", "done_on": clock.today().isoformat(), "result": "期中 72 分"},
    )
    assert done.status_code == 303
    db.session.expire_all()
    assert goal.done_on == clock.today() and goal.result == "期中 72 分"
    page = coordinator_client.get(f"/children/{child.id}").text
    assert "数学及格" in page and "期中 72 分" in page
    assert [a.action for a in _accesses(child.id)] == ["edit", "edit", "view"]


def test_the_admin_sees_who_looked_at_a_child_and_when(app, admin_client):
    child = factories.child(pseudonym="看过")
    coordinator = factories.user(roles=("coordinator",), name="赵协调")
    login(app.test_client(), coordinator).get(f"/children/{child.id}")
    login(app.test_client(), coordinator).get(f"/children/{child.id}/export.json")
    page = admin_client.get(f"/children/access?child_id={child.id}").text
    assert page.count("赵协调") == 2 and "看过" in page and "导出" in page
    assert [a.action for a in _accesses(child.id)] == ["view", "export"]


def test_the_card_reads_the_childs_slot_from_the_published_rota_only(app):
    from webapp.blueprints.children import card

    home = factories.home(rooms=("video_call",))
    child = factories.child(home=home)
    programme = factories.call_programme(homes=(home,))
    proposal = factories.call_plan(programme)
    factories.call_placement(proposal, child, home.rooms[0], weekday=3, start="19:30")
    assert card.rota_call_of(child) is None
    published = factories.call_plan(programme, state="published")
    factories.call_placement(published, child, home.rooms[0], weekday=4, start="18:00")
    assert (card.rota_call_of(child).weekday, card.rota_call_of(child).hhmm) == (4, "18:00")
    monday = clock.today() - timedelta(days=clock.today().weekday())
    assert not card.video_call_held_in_week(child, clock.today())
    db.session.add(CareLog(child_id=child.id, kind="video_call", happened_on=monday))
    db.session.commit()
    assert card.video_call_held_in_week(child, clock.today())
    assert card.video_call_held_in_week(child, monday + timedelta(days=6))
    assert not card.video_call_held_in_week(child, monday + timedelta(days=7))
