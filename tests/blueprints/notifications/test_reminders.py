"""Reminders: the day before each commitment and for overdue surrogate-parent duties, once each,
delivered to a real SMTP server."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select

from tests import factories
from tests.blueprints.notifications.smtp_server import smtp_server
from webapp.blueprints.notifications import delivery
from webapp.blueprints.notifications.reminders import send_reminders
from webapp.clock import CHINA, today
from webapp.extensions import db
from webapp.models import OutboxMessage, SentReminder


def _tomorrow_at(hour: int) -> datetime:
    return datetime.combine(today() + timedelta(days=1), time(hour), CHINA).astimezone(UTC)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_day_before_reminder_per_commitment_written_once_and_delivered(app):
    volunteer = factories.volunteer_with_login()
    need, occurrence = factories.open_need(starts_at=_tomorrow_at(9), title="绘本阅读会")
    factories.assignment(volunteer, need_id=need.id, occurrence_id=occurrence.id)
    later_need, later = factories.open_need(starts_at=_tomorrow_at(9) + timedelta(days=3))
    factories.assignment(volunteer, need_id=later_need.id, occurrence_id=later.id)
    assert send_reminders().day_before == 1
    db.session.commit()
    assert send_reminders().day_before == 0
    db.session.commit()
    assert _count(SentReminder) == 1 and _count(OutboxMessage) == 1
    message = db.session.scalar(select(OutboxMessage))
    assert "绘本阅读会" in message.subject and message.to_address == volunteer.user.email
    with smtp_server() as inbox:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port, SMTP_STARTTLS=False)
        try:
            assert delivery.send_outbox().sent == 1
        finally:
            app.config["SMTP_HOST"] = ""
    assert "绘本阅读会" in inbox.messages[0]["Subject"]


def test_withdrawn_and_cancelled_commitments_get_no_reminder(app):
    volunteer = factories.volunteer_with_login()
    need, occurrence = factories.open_need(starts_at=_tomorrow_at(9))
    factories.assignment(
        volunteer, need_id=need.id, occurrence_id=occurrence.id, status="withdrawn"
    )
    other_need, cancelled = factories.open_need(starts_at=_tomorrow_at(14), status="cancelled")
    factories.assignment(volunteer, need_id=other_need.id, occurrence_id=cancelled.id)
    assert send_reminders().day_before == 0


def test_a_post_is_reminded_the_day_before_it_begins_only(app):
    volunteer = factories.volunteer_with_login()
    programme = factories.programme(starts_on=today() + timedelta(days=1))
    post = factories.post(programme, name="高坡村小学驻点", days=5)
    factories.assignment(volunteer, plan=factories.plan(programme), post_id=post.id)
    assert send_reminders().day_before == 1
    db.session.commit()
    assert send_reminders(today() + timedelta(days=1)).day_before == 0


def test_overdue_duties_remind_the_surrogate_parent_once_per_spell(app):
    parent = factories.volunteer_with_login(kind="surrogate_parent")
    pairing = factories.pairing(volunteer=parent, started_on=today() - timedelta(days=60))
    first = send_reminders()
    db.session.commit()
    assert first.duties == 2  # no talk and no visit in 60 days
    assert send_reminders().duties == 0
    db.session.commit()
    # A talk ends the spell; when the talk is overdue again, a new reminder.
    factories.care_log(pairing=pairing, kind="talk", happened_on=today() - timedelta(days=20))
    assert send_reminders().duties == 1
    db.session.commit()
    subjects = [m.subject for m in db.session.scalars(select(OutboxMessage))]
    assert len(subjects) == 3


def test_send_reminders_command_prints_json(app, runner):
    import json

    volunteer = factories.volunteer_with_login()
    need, occurrence = factories.open_need(starts_at=_tomorrow_at(9))
    factories.assignment(volunteer, need_id=need.id, occurrence_id=occurrence.id)
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1]) == {"day_before": 1, "duties": 0}
    assert runner.invoke(args=["send-reminders", "--date", "not-a-date"]).exit_code == 2
