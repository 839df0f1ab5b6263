"""The day-before reminder reaches people without an account by SMS, once, through the
provider's stand-in; without SMS settings they get nothing, as before."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.blueprints.notifications.aliyun_server import app_using_aliyun
from webapp.blueprints.notifications import delivery
from webapp.blueprints.notifications.reminders import send_reminders
from webapp.clock import CHINA, today
from webapp.extensions import db
from webapp.models import OutboxMessage


@pytest.fixture
def server(app):
    with app_using_aliyun(app) as running:
        yield running


def _tomorrow_at(hour: int) -> datetime:
    return datetime.combine(today() + timedelta(days=1), time(hour), CHINA).astimezone(UTC)


def _committed(volunteer) -> None:
    need, occurrence = factories.open_need(starts_at=_tomorrow_at(9), title="绘本阅读会")
    factories.assignment(volunteer, need_id=need.id, occurrence_id=occurrence.id)
    db.session.commit()


def test_a_volunteer_without_an_account_is_reminded_by_sms_once(app, server):
    volunteer = factories.volunteer(name="王秀英", phone="13922223333", email=None)
    _committed(volunteer)
    assert send_reminders().day_before == 1
    db.session.commit()
    assert send_reminders().day_before == 0
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage))
    assert (message.channel, message.to_address, message.sms_kind) == (
        "sms",
        "13922223333",
        "reminder_tomorrow",
    )
    assert delivery.send_outbox().sent == 1
    (sent,) = server.sent
    values = json.loads(sent["TemplateParam"])
    assert sent["TemplateCode"] == "SMS_100003"
    assert values["name"] == "王秀英" and values["activity"] == "绘本阅读会"
    assert f"{(today() + timedelta(days=1)).day}日" in values["time"] and "09:00" in values["time"]


def test_without_sms_settings_nobody_without_an_account_is_reminded(app):
    _committed(factories.volunteer(phone="13922223333", email=None))
    assert send_reminders().day_before == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_volunteer_who_chose_sms_is_reminded_by_sms(app, server):
    volunteer = factories.volunteer_with_login(phone="13922224444", prefers_sms=True)
    _committed(volunteer)
    assert send_reminders().day_before == 1
    message = db.session.scalar(select(OutboxMessage))
    assert (message.channel, message.to_address, message.to_user_id) == (
        "sms",
        "13922224444",
        volunteer.user_id,
    )
