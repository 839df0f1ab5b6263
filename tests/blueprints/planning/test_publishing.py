"""The messages a publication writes (read from the outbox): what, where and when of each
assignment, whom to contact, in the recipient's language only."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests import factories
from tests.blueprints.planning.helpers import proposal, published, term
from webapp.blueprints.planning import dispatch, plans
from webapp.extensions import db
from webapp.models import Assignment, OutboxMessage, Plan

CJK = re.compile(r"[\u4e00-\u9fff]")


def _in_a_village(programme, coordinator):
    """The programme's home in 石门镇石门村, its coordinator reachable by phone."""
    town = factories.place(name="石门镇", kind="township")
    village = factories.place(name="石门村", parent=town)
    home = programme.homes[0]
    home.name, home.place = "石门村留守儿童之家", village
    factories.volunteer(name=coordinator.name, user=coordinator, phone="13800001111")
    db.session.commit()


def _messages():
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_published_plan_tells_what_where_when_and_whom_to_call_in_chinese(
    app, coordinator_client
):
    programme, event, people = term(volunteers=1, weekdays=(1,), count=4)
    event.title = "课业辅导"
    people[0].user = factories.user(locale="zh_CN")
    coordinator = coordinator_client.user
    _in_a_village(programme, coordinator)
    plan = proposal(programme)
    assert coordinator_client.post(f"/planning/plans/{plan.id}/publish").status_code == 303
    (message,) = _messages()
    first = event.occurrences[0].starts_at.date()
    assert message.subject == f"您的安排：{programme.name}"
    body = message.body
    assert "课业辅导（数学）" in body
    assert "地点：石门村留守儿童之家，石门镇石门村 · " in body
    assert "每周二 16:00–17:30" in body and "共 4 次" in body
    assert f"{first.year}年{first.month}月{first.day}日周二" in body
    assert f"{coordinator.name} 13800001111" in body
    assert "如果您不能来，请尽快告诉协调员" in body
    assert not re.search(r"\b(Tuesday|Where|When|Contact)\b", body)


def test_an_english_reader_gets_the_whole_message_in_english(app, coordinator_client):
    programme, event, people = term(volunteers=1, weekdays=(1,), count=4)
    event.title = "Homework club"
    people[0].user = factories.user(locale="en")
    _in_a_village(programme, coordinator_client.user)
    plan = proposal(programme)
    coordinator_client.post(f"/planning/plans/{plan.id}/publish")
    (message,) = _messages()
    body = message.body.replace("石门村留守儿童之家", "").replace("石门镇石门村", "")
    for name in (people[0].name, coordinator_client.user.name, programme.name):
        body = body.replace(name, "")
    assert message.subject.startswith("Your plan: ")
    assert "Where: , " in body and "When: every Tuesday 16:00–17:30" in body
    assert "(4 dates)" in body and "Homework club (Mathematics)" in body
    assert not CJK.search(body), body


def test_a_removed_person_is_told_what_they_no_longer_do_and_whom_to_tell(app, coordinator_client):
    programme, event, people = term(volunteers=2, weekdays=(1,), count=4)
    event.title = "课业辅导"
    for person in people:
        person.user = factories.user(locale="zh_CN")
    _in_a_village(programme, coordinator_client.user)
    plan = published(programme, coordinator_client.user)
    gone = db.session.scalars(select(Assignment).where(Assignment.plan_id == plan.id)).first()
    gone.volunteer.vetting_status = "rejected"  # the re-plan must drop them
    db.session.commit()
    told = len(_messages())
    response = coordinator_client.post(
        f"/planning/programmes/{programme.id}/replan", data={"time_limit": "10"}
    )
    assert response.status_code == 303
    assert dispatch.wait(timeout=60)
    db.session.expire_all()
    replan = db.session.scalar(select(Plan).where(Plan.state == "proposed"))
    assert coordinator_client.post(f"/planning/plans/{replan.id}/publish").status_code == 303
    (message,) = [m for m in _messages()[told:] if m.to_user_id == gone.volunteer.user_id]
    assert "您不再被安排参加：" in message.body
    assert "课业辅导（数学）" in message.body and "石门村留守儿童之家，石门镇石门村" in message.body
    assert "每周二 16:00–17:30" in message.body
    assert "如果您不能来，请尽快告诉协调员" in message.body and "13800001111" in message.body


def test_a_coordinators_message_to_a_session_says_which_session_and_who_wrote(
    app, coordinator_client
):
    programme, event, people = term(volunteers=1, weekdays=(1,), count=4)
    event.title = "课业辅导"
    people[0].user = factories.user(locale="en")
    _in_a_village(programme, coordinator_client.user)
    plan = published(programme, coordinator_client.user)
    told = len(_messages())
    row = db.session.scalar(select(Assignment).where(Assignment.plan_id == plan.id))
    response = coordinator_client.post(
        f"/planning/plans/{plan.id}/message",
        data={"target": plans.target_of(row), "subject": "带上作业本", "body": "每人带一本。"},
    )
    assert response.status_code == 303
    (message,) = _messages()[told:]
    assert message.subject == "带上作业本"
    assert message.body.startswith("每人带一本。\n\nAbout:\n\n课业辅导 (Mathematics)\n")
    assert "Where: 石门村留守儿童之家, 石门镇石门村" in message.body
    assert "When: every Tuesday 16:00–17:30" in message.body
    assert message.body.endswith(f"From: {coordinator_client.user.name} 13800001111")
