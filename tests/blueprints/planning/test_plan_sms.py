"""After publishing, people without e-mail are told by SMS (through the provider's stand-in);
only those no message reaches are on the call list, a printable page and a CSV."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select

from tests import factories
from tests.blueprints.notifications.aliyun_server import app_using_aliyun
from tests.blueprints.planning.helpers import proposal, summer
from webapp.blueprints.notifications import delivery, sms_delivery
from webapp.blueprints.planning import plan_sms
from webapp.core.sms import MAX_VALUE
from webapp.extensions import db
from webapp.models import Assignment, OutboxMessage


@pytest.fixture
def server(app):
    with app_using_aliyun(app) as running:
        yield running


def _summer_with_three_kinds_of_people():
    """One post; a volunteer with an account, one with only a phone, one with neither."""
    programme, posts, people, _ = summer(posts=1, singles=3)
    people[0].user = factories.user(locale="en")
    people[2].phone = None
    db.session.commit()
    return programme, posts[0], people


def _publish(client, programme):
    plan = proposal(programme)
    placed = set(
        db.session.scalars(select(Assignment.volunteer_id).where(Assignment.plan_id == plan.id))
    )
    response = client.post(f"/planning/plans/{plan.id}/publish")
    assert response.status_code == 303
    return plan, placed


def _call_list(client, plan) -> tuple[str, list[list[str]]]:
    page = client.get(f"/planning/plans/{plan.id}/call-list").get_data(as_text=True)
    response = client.get(f"/planning/plans/{plan.id}/call-list.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    return page, rows


def test_people_without_an_account_are_texted_and_only_the_unreachable_are_to_call(
    app, coordinator_client, server
):
    programme, post, people = _summer_with_three_kinds_of_people()
    plan, placed = _publish(coordinator_client, programme)
    assert {p.id for p in people} <= placed
    messages = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    by_channel = {(m.channel, m.to_address) for m in messages}
    assert ("email", people[0].user.email) in by_channel
    assert ("sms", people[1].phone) in by_channel
    assert len(messages) == 2  # the third has no way to be reached
    assert delivery.send_outbox().failed == 0
    (sent,) = server.sent
    values = json.loads(sent["TemplateParam"])
    assert sent["TemplateCode"] == "SMS_100001" and sent["PhoneNumbers"] == people[1].phone
    assert values["name"] == people[1].name and values["activity"] == post.name
    assert values["place"] == post.name and values["time"] == (
        f"{post.starts_on.month}月{post.starts_on.day}日至{post.ends_on.month}月{post.ends_on.day}日"
    )
    assert values["contact"].startswith(coordinator_client.user.name)
    page, rows = _call_list(coordinator_client, plan)
    assert people[2].name in page and people[1].name not in page
    assert "No account and no mobile number." in page
    assert rows[0] == ["姓名", "手机", "安排", "变动", "未能通知的原因"]
    assert [r[0] for r in rows[1:]] == [people[2].name]
    assert post.name in rows[1][2]


def test_without_sms_settings_everyone_without_an_account_is_listed_with_their_phone(
    app, coordinator_client
):
    programme, post, people = _summer_with_three_kinds_of_people()
    preview = coordinator_client.get(f"/planning/plans/{proposal(programme).id}/publish")
    assert "No e-mail or SMS reaches 2 people" in preview.get_data(as_text=True)
    plan, _placed = _publish(coordinator_client, programme)
    page, rows = _call_list(coordinator_client, plan)
    assert sorted(r[0] for r in rows[1:]) == sorted([people[1].name, people[2].name])
    assert [r[1] for r in rows[1:] if r[0] == people[1].name] == [people[1].phone]
    assert "No account, and SMS is not set up." in page


def test_an_sms_too_long_for_its_template_is_refused_and_the_person_is_listed_with_why(
    app, coordinator_client, server
):
    programme, post, people = _summer_with_three_kinds_of_people()
    post.name = "暑" * (MAX_VALUE + 5)
    db.session.commit()
    plan, _placed = _publish(coordinator_client, programme)
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "sms")) is None
    page, rows = _call_list(coordinator_client, plan)
    (row,) = [r for r in rows[1:] if r[0] == people[1].name]
    assert f"{MAX_VALUE + 5}" in row[4] and f"{MAX_VALUE}" in row[4]


def test_an_sms_not_delivered_puts_the_person_on_the_call_list(app, coordinator_client, server):
    programme, post, people = _summer_with_three_kinds_of_people()
    plan, _placed = _publish(coordinator_client, programme)
    delivery.send_outbox()
    server.reports[server.sent[0]["BizId"]] = (2, "MK:0005")
    assert sms_delivery.pull_reports().undelivered == 1
    page, rows = _call_list(coordinator_client, plan)
    (row,) = [r for r in rows[1:] if r[0] == people[1].name]
    assert "MK:0005" in row[4]


def test_a_volunteer_who_chose_sms_gets_the_plan_by_sms_instead_of_e_mail(
    app, coordinator_client, server
):
    programme, post, people = _summer_with_three_kinds_of_people()
    people[0].prefers_sms = True
    db.session.commit()
    _publish(coordinator_client, programme)
    mine = list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_user_id == people[0].user_id)
        )
    )
    assert [(m.channel, m.to_address) for m in mine] == [("sms", people[0].phone)]


def test_the_call_list_is_for_coordinators_and_published_plans(app, coordinator_client, client):
    programme, post, people = _summer_with_three_kinds_of_people()
    plan = proposal(programme)
    page = coordinator_client.get(f"/planning/plans/{plan.id}/call-list").get_data(as_text=True)
    assert "not published" in page and people[2].name not in page
    volunteer = factories.user(roles=("volunteer",))
    db.session.commit()
    client.post("/auth/login", data={"email": volunteer.email, "password": factories.PASSWORD})
    assert client.get(f"/planning/plans/{plan.id}/call-list.csv").status_code == 403


def test_a_removal_is_its_own_sms_naming_what_was_cancelled(app):
    volunteer = factories.volunteer(name="李秀兰")
    (sms,) = plan_sms.messages_for(
        volunteer, [], ["石门村小学 · 07-12 – 07-18"], "2027年暑期三下乡", {}, "周明 13800000000"
    )
    checked = sms.check()
    assert checked.kind == "plan_removed"
    assert checked.text() == (
        "李秀兰您好，您在2027年暑期三下乡中的安排（石门村小学 · 07-12 – 07-18）已取消，不用前往。"
        "如有疑问请联系周明 13800000000。"
    )
