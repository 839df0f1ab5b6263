"""SMS go out through a local server that speaks Aliyun's API and checks every signature."""

from __future__ import annotations

import json
import logging
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.blueprints.notifications.aliyun_server import (
    FAIL_NUMBER,
    FLOW_NUMBER,
    app_using_aliyun,
)
from webapp import clock
from webapp.blueprints.notifications import delivery, sms_delivery
from webapp.core.outbox import notify, notify_phone
from webapp.core.sms import MAX_VALUE, Sms, SmsRefused
from webapp.extensions import db
from webapp.models import AuditLog, OutboxMessage


@pytest.fixture
def server(app):
    with app_using_aliyun(app) as running:
        yield running


def assigned(name: str = "李秀兰", place: str = "石门村小学") -> Sms:
    return Sms(
        "plan_assigned",
        {
            "name": name,
            "activity": "暑期驻村支教",
            "place": place,
            "time": "7月10日–7月20日",
            "contact": "王协调 13800000000",
        },
    )


def _queue(*phones: str) -> list[OutboxMessage]:
    messages = [notify_phone(phone, assigned(), "plan", 1) for phone in phones]
    db.session.commit()
    return messages


def _row(message: OutboxMessage) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def test_an_sms_goes_out_signed_with_its_template_and_values_and_waits_for_its_report(app, server):
    (message,) = _queue("13912345678")
    result = delivery.send_outbox()
    again = delivery.send_outbox()
    assert (result.sent, again.claimed) == (1, 0)
    (sent,) = server.sent
    assert sent["PhoneNumbers"] == "13912345678"
    assert sent["TemplateCode"] == "SMS_100001"
    assert sent["SignName"] == "守望县志愿者"
    assert json.loads(sent["TemplateParam"])["place"] == "石门村小学"
    row = _row(message)
    assert (row.status, row.channel, row.report) == ("sent", "sms", "waiting")
    assert row.provider_id == sent["BizId"]
    assert "石门村小学" in row.body  # the template's text, for the outbox page


def test_a_wrong_secret_fails_the_providers_signature_check(app, server):
    (message,) = _queue("13912345678")
    app.config["SMS_ACCESS_KEY_SECRET"] = "not-the-secret"
    assert delivery.send_outbox().failed == 1
    assert server.sent == [] and server.refused == ["SendSms"]
    row = _row(message)
    assert row.status == "failed" and "SignatureDoesNotMatch" in row.last_error


def test_a_refused_number_fails_with_the_providers_reason_and_can_be_sent_again(
    app, server, coordinator_client
):
    (message,) = _queue(FAIL_NUMBER)
    delivery.send_outbox()
    row = _row(message)
    assert row.status == "failed" and "isv.MOBILE_NUMBER_ILLEGAL" in row.last_error
    page = coordinator_client.get("/notifications/outbox").get_data(as_text=True)
    assert "isv.MOBILE_NUMBER_ILLEGAL" in page
    assert f"/notifications/outbox/{message.id}/retry" in page
    response = coordinator_client.post(f"/notifications/outbox/{message.id}/retry")
    assert response.status_code == 303
    row = _row(message)
    assert (row.status, row.attempts) == ("pending", 0)


def test_flow_control_is_temporary_and_tried_again_later(app, server):
    (message,) = _queue(FLOW_NUMBER)
    assert delivery.send_outbox().retrying == 1
    row = _row(message)
    assert row.status == "pending" and row.attempts == 1
    assert "isv.BUSINESS_LIMIT_CONTROL" in row.last_error
    assert row.next_attempt_at > clock.utcnow()


def test_delivery_reports_are_pulled_by_the_command_and_an_undelivered_sms_fails(
    app, server, runner
):
    first, second, third = _queue("13912345678", "13912345679", "13912345670")
    delivery.send_outbox()
    ids = {s["PhoneNumbers"]: s["BizId"] for s in server.sent}
    server.reports[ids["13912345678"]] = (3, "DELIVERED")
    server.reports[ids["13912345679"]] = (2, "MK:0001")
    result = runner.invoke(args=["pull-sms-reports"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary == {"asked": 3, "delivered": 1, "undelivered": 1, "waiting": 1, "errors": 0}
    assert {q["SendDate"] for q in server.queries} == {clock.today().strftime("%Y%m%d")}
    delivered, undelivered, waiting = _row(first), _row(second), _row(third)
    assert (delivered.status, delivered.report, delivered.report_detail) == (
        "sent",
        "delivered",
        "DELIVERED",
    )
    assert delivered.report_at is not None
    assert undelivered.status == "failed" and undelivered.report == "undelivered"
    assert "MK:0001" in undelivered.last_error
    assert waiting.report == "waiting"


def test_beyond_the_daily_cap_messages_wait_for_the_next_china_day(app, server):
    messages = _queue("13912345671", "13912345672", "13912345673")
    app.config["SMS_DAILY_CAP"] = "2"
    assert delivery.send_outbox().sent == 2
    assert delivery.send_outbox().claimed == 0
    assert len(server.sent) == 2
    held = _row(messages[2])
    tomorrow = datetime.combine(clock.today() + timedelta(days=1), time(0), tzinfo=clock.CHINA)
    assert held.status == "pending" and held.next_attempt_at == tomorrow
    assert sms_delivery.sent_today() == 2 and sms_delivery.sent_this_month() == 2


def test_values_too_long_for_the_template_are_refused_when_written(app, server):
    with pytest.raises(SmsRefused) as refused:
        notify_phone("13912345678", assigned(place="村" * (MAX_VALUE + 1)), "plan", 1)
    assert f"{MAX_VALUE + 1}" in refused.value.reason and f"{MAX_VALUE}" in refused.value.reason
    assert db.session.scalar(select(OutboxMessage)) is None


def test_without_sms_settings_the_trial_writes_the_sms_to_the_log(app, server, caplog):
    app.config.update(OUTBOX_TO_LOG=True, SMTP_HOST="", SMS_ACCESS_KEY_ID="")
    (message,) = _queue("13912345678")
    with caplog.at_level(logging.WARNING):
        assert delivery.send_outbox().sent == 1
    assert "13912345678" in caplog.text and "石门村小学" in caplog.text
    assert _row(message).status == "sent"


def test_without_sms_settings_or_the_log_nobody_is_written_an_sms(app, server):
    app.config.update(OUTBOX_TO_LOG=False, SMS_ACCESS_KEY_ID="")
    with pytest.raises(SmsRefused):
        notify_phone("13912345678", assigned(), "plan", 1)


def test_a_volunteer_who_chose_sms_gets_it_by_sms_and_the_others_by_e_mail(app, server):
    chose = factories.volunteer_with_login(phone="13911112222", prefers_sms=True)
    other = factories.volunteer_with_login(phone="13911113333")
    by_sms = notify(chose.user, "安排", "正文", "plan", 1, sms=assigned())
    by_mail = notify(other.user, "安排", "正文", "plan", 1, sms=assigned())
    # Values that do not fit: the message goes by e-mail instead.
    too_long = notify(chose.user, "安排", "正文", "plan", 1, sms=assigned(name="长" * 40))
    assert (by_sms.channel, by_sms.to_address) == ("sms", "13911112222")
    assert (by_mail.channel, by_mail.to_address) == ("email", other.user.email)
    assert (too_long.channel, too_long.to_address) == ("email", chose.user.email)


def test_the_outbox_page_shows_the_channel_the_report_and_the_month_count(app, server, client):
    (message,) = _queue("13912345678")
    delivery.send_outbox()
    server.reports[server.sent[0]["BizId"]] = (3, "DELIVERED")
    sms_delivery.pull_reports()
    coordinator = factories.user(roles=("coordinator",))
    db.session.commit()
    client.post("/auth/login", data={"email": coordinator.email, "password": factories.PASSWORD})
    page = client.get("/notifications/outbox").get_data(as_text=True)
    assert "13912345678" in page
    assert "本月已发送短信 1 条" in page or "1 SMS sent this month" in page
    assert "已送达" in page or "Delivered" in page


def test_an_admin_sets_the_daily_cap_on_the_outbox_page_and_it_is_audited(
    app, server, admin_client
):
    page = admin_client.get("/notifications/outbox").get_data(as_text=True)
    assert 'id="sms-cap-form"' in page
    assert admin_client.post("/notifications/outbox/sms-cap", data={"cap": "-3"}).status_code == 422
    assert admin_client.post("/notifications/outbox/sms-cap", data={"cap": "x"}).status_code == 422
    assert sms_delivery.daily_cap() == 500
    response = admin_client.post("/notifications/outbox/sms-cap", data={"cap": "1"})
    assert response.status_code == 303
    assert sms_delivery.daily_cap() == 1
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "settings.sms_daily_cap"))
    assert entry.before == {"sms_daily_cap": 500} and entry.after == {"sms_daily_cap": 1}
    _queue("13912345671", "13912345672")
    assert delivery.send_outbox().sent == 1
