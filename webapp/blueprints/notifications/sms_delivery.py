"""Delivering the outbox's SMS through Aliyun, the daily cap, and the delivery reports.

Claims, back-off and "send again" are the e-mail's (claims.py). A provider's error code that may
clear by itself (flow control, its own trouble, an empty balance) is tried again later; any other
(a number that is not a mobile, a template not approved) fails the message with Aliyun's code.
At most SMS_DAILY_CAP messages go out per China day (a `sms_daily_cap` setting overrides it); the
rest wait, with their next try at the next midnight. Without SMS settings and with OUTBOX_TO_LOG
(`make run`) each SMS is written to the worker's log instead.
Delivery reports: `pull_reports()` (`flask pull-sms-reports`, and the worker every 10 minutes)
asks QuerySendDetails for each sent SMS still without a final report; an undelivered one becomes
`failed` with the operator's reason, so that it can be sent again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update

from webapp import audit, clock
from webapp.blueprints.notifications import aliyun
from webapp.blueprints.notifications.claims import (
    BATCH,
    DeliveryResult,
    claim,
    due,
    finish,
    release_stale_claims,
    retry_values,
)
from webapp.core import sms as sms_channel
from webapp.extensions import db
from webapp.models import OutboxMessage
from webapp.models.base import utcnow
from webapp.models.settings import Setting

CAP_SETTING = "sms_daily_cap"
SMS = "sms"
REPORT_DAYS = 3  # reports are asked for this long after sending (Aliyun keeps 30 days)
log = logging.getLogger(__name__)


def daily_cap() -> int:
    raw = Setting.get(CAP_SETTING) or current_app.config.get("SMS_DAILY_CAP") or "500"
    try:
        return max(0, int(raw))
    except ValueError:
        return 500


def set_daily_cap(cap: int) -> None:
    """An admin's cap, kept in the settings table (it wins over SMS_DAILY_CAP)."""
    before = daily_cap()
    Setting.put(CAP_SETTING, str(cap))
    audit.record(
        "settings.sms_daily_cap",
        "setting",
        None,
        before={"sms_daily_cap": before},
        after={"sms_daily_cap": cap},
    )


def _china_midnight(day) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clock.CHINA)


def _sent_since(start: datetime) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.channel == SMS,
            OutboxMessage.sent_at >= start,
            OutboxMessage.status.in_(("sent", "failed")),
        )
    )


def sent_today() -> int:
    return _sent_since(_china_midnight(clock.today()))


def sent_this_month() -> int:
    return _sent_since(_china_midnight(clock.today().replace(day=1)))


def _hold_until_tomorrow() -> int:
    """The cap is reached: every due SMS waits for the next China day."""
    tomorrow = _china_midnight(clock.today() + timedelta(days=1))
    return db.session.execute(
        update(OutboxMessage)
        .where(due(utcnow(), SMS))
        .values(next_attempt_at=tomorrow, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount


def send_sms(limit: int = BATCH, name: str = "") -> DeliveryResult:
    configured = sms_channel.configured()
    if not configured and not current_app.config.get("OUTBOX_TO_LOG"):
        return DeliveryResult(configured=False)
    release_stale_claims()
    room = daily_cap() - sent_today()
    ids = claim(name, min(limit, room), channel=SMS)
    if room <= len(ids):
        held = _hold_until_tomorrow()
        db.session.commit()
        if held:
            log.warning("SMS daily cap (%d) reached: %d messages wait for tomorrow", room, held)
    result = DeliveryResult(claimed=len(ids))
    settings = aliyun.AliyunSettings.from_app() if configured else None
    for message_id in ids:
        message = db.session.get(OutboxMessage, message_id)
        attempts = message.attempts + 1
        if settings is None:
            log.warning(
                "OUTBOX_TO_LOG, no SMS provider: SMS to %s\n%s\n", message.to_address, message.body
            )
            finish(message_id, name, status="sent", attempts=attempts, sent_at=utcnow(),
                   last_error="", claimed_by="")  # fmt: skip
            result.sent += 1
            continue
        code = sms_channel.template_code(message.sms_kind or "")
        try:
            if not code:
                raise aliyun.AliyunError(
                    "NoTemplate",
                    f"SMS_TEMPLATE_{(message.sms_kind or '').upper()} is not set",
                    False,
                )
            biz_id = aliyun.send_sms(
                message.to_address, code, message.sms_params or "{}", str(message.id), settings
            )
        except aliyun.AliyunError as error:
            reason = f"The SMS provider answered {error}"
            values = (
                retry_values(attempts, reason)
                if error.temporary
                else {"status": "failed", "attempts": attempts, "last_error": reason,
                      "claimed_by": ""}
            )  # fmt: skip
            finish(message_id, name, **values)
            result.failed += values["status"] == "failed"
            result.retrying += values["status"] == "pending"
            continue
        finish(message_id, name, status="sent", attempts=attempts, sent_at=utcnow(),
               last_error="", claimed_by="", provider_id=biz_id[:64], report="waiting")  # fmt: skip
        result.sent += 1
    return result


@dataclass
class ReportResult:
    asked: int = 0
    delivered: int = 0
    undelivered: int = 0
    waiting: int = 0
    errors: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def pull_reports(limit: int = 200) -> ReportResult:
    """Ask the provider how each recently sent SMS fared, and record it on its row."""
    out = ReportResult()
    if not sms_channel.configured():
        return out
    settings = aliyun.AliyunSettings.from_app()
    rows = list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.channel == SMS,
                OutboxMessage.status == "sent",
                OutboxMessage.provider_id != "",
                or_(OutboxMessage.report == "", OutboxMessage.report == "waiting"),
                OutboxMessage.sent_at >= utcnow() - timedelta(days=REPORT_DAYS),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )
    for message in rows:
        out.asked += 1
        send_date = clock.to_china(message.sent_at).strftime("%Y%m%d")
        try:
            report = aliyun.query_send_details(
                message.to_address, message.provider_id, send_date, settings
            )
        except aliyun.AliyunError as error:
            log.warning("SMS report for outbox message %s: %s", message.id, error)
            out.errors += 1
            continue
        if report is None or report.status == "waiting":
            out.waiting += 1
            continue
        message.report, message.report_detail = report.status, report.detail
        message.report_at = (
            report.received.replace(tzinfo=clock.CHINA) if report.received else utcnow()
        )
        if report.status == "undelivered":
            message.status = "failed"
            message.last_error = f"Not delivered, the phone company reported: {report.detail}"
            out.undelivered += 1
        else:
            out.delivered += 1
        db.session.commit()
    return out
