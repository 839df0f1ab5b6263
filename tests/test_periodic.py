"""The worker's periodic jobs: each one in the registry loads, and the self-service ones deliver
the outbox and write reminders when run the way the worker runs them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.blueprints.notifications.smtp_server import smtp_server
from webapp import clock
from webapp.core.outbox import notify
from webapp.extensions import db
from webapp.models import OutboxMessage
from webapp.periodic import PeriodicJob, job_named, jobs_of, register, run_job


def test_the_blueprints_that_own_the_jobs_register_them_on_the_app(app):
    assert {job.name for job in jobs_of(app)} == {
        "sweep-stale-solve-runs",
        "send-outbox",
        "send-reminders",
        "pull-sms-reports",
        "close-coverage-months",
    }
    for job in jobs_of(app):
        assert callable(job.function), job.name


def test_two_different_jobs_of_one_name_are_refused(app):
    job = job_named(app, "send-outbox")
    register(app, job)  # the same job again (a blueprint registered twice) is harmless
    with pytest.raises(ValueError):
        register(app, PeriodicJob("send-outbox", 5, lambda: None))
    assert job_named(app, "send-outbox") is job


def test_the_send_outbox_job_delivers_what_waits_in_the_outbox(app):
    notify(factories.user(email="worker@example.org"), "明天的辅导", "16:00 石门村。")
    db.session.commit()
    saved = {key: app.config.get(key) for key in ("SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS")}
    try:
        with smtp_server() as inbox:
            app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port, SMTP_STARTTLS=False)
            run_job(app, job_named(app, "send-outbox"))
        assert [m["To"] for m in inbox.messages] == ["worker@example.org"]
    finally:
        app.config.update(saved)
    db.session.expire_all()
    assert db.session.scalars(select(OutboxMessage.status)).all() == ["sent"]


def test_the_reminders_job_writes_and_keeps_its_reminders(app):
    pairing = factories.pairing(
        volunteer=factories.volunteer_with_login(kind="surrogate_parent"),
        started_on=clock.today() - timedelta(days=90),
    )
    run_job(app, job_named(app, "send-reminders"))
    run_job(app, job_named(app, "send-reminders"))
    db.session.expire_all()
    to_parent = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_user_id == pairing.volunteer.user_id)
    ).all()
    assert len(to_parent) == 2  # the overdue talk and the overdue visit, once each
