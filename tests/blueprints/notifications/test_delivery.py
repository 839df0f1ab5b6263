"""The outbox goes out over SMTP to a real local server; failures are marked and retried."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests import factories
from tests.blueprints.notifications.smtp_server import free_port, smtp_server
from webapp.blueprints.notifications import delivery
from webapp.clock import utcnow
from webapp.core.outbox import notify
from webapp.extensions import db
from webapp.models import OutboxMessage


@pytest.fixture
def smtp_config(app):
    saved = {k: app.config.get(k) for k in ("SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS", "SMTP_USER")}

    def use(port: int) -> None:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False, SMTP_USER="")

    yield use
    app.config.update(saved)


def _queue(*addresses: str) -> list[int]:
    for address in addresses:
        user = factories.user(email=address)
        notify(user, f"您好 {address}", "明天见。Tomorrow.")
    db.session.commit()
    return [m.id for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def _statuses() -> dict[str, str]:
    db.session.expire_all()
    return {m.to_address: m.status for m in db.session.scalars(select(OutboxMessage))}


def test_pending_messages_arrive_once_with_their_chinese_subject(app, smtp_config):
    _queue("a@example.org", "b@example.org")
    with smtp_server() as inbox:
        smtp_config(inbox.port)
        result = delivery.send_outbox()
        again = delivery.send_outbox()
    assert result.sent == 2 and again.claimed == 0
    assert sorted(m["To"] for m in inbox.messages) == ["a@example.org", "b@example.org"]
    assert inbox.to("a@example.org")[0]["Subject"] == "您好 a@example.org"
    assert "明天见" in inbox.to("a@example.org")[0].get_content()
    assert set(_statuses().values()) == {"sent"}


def test_a_server_that_is_down_leaves_messages_pending_with_the_reason_and_a_later_try(
    app, smtp_config
):
    _queue("a@example.org")
    smtp_config(free_port())  # nothing listens there
    result = delivery.send_outbox()
    assert result.retrying == 1 and result.sent == 0
    message = db.session.scalar(select(OutboxMessage))
    db.session.refresh(message)
    assert message.status == "pending" and message.attempts == 1
    assert "Cannot reach the mail server" in message.last_error
    assert message.next_attempt_at > utcnow()
    # Not due yet: the next run leaves it alone.
    assert delivery.send_outbox().claimed == 0
    # When its time comes and the server is up, it goes out, once.
    db.session.execute(
        update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    with smtp_server() as inbox:
        smtp_config(inbox.port)
        assert delivery.send_outbox().sent == 1
        assert delivery.send_outbox().claimed == 0
    assert len(inbox.messages) == 1
    db.session.refresh(message)
    assert message.status == "sent" and message.attempts == 2 and message.last_error == ""


def test_a_refused_recipient_is_marked_failed_with_the_reason_and_the_others_still_go(
    app, smtp_config
):
    _queue("nobody@example.org", "b@example.org")
    with smtp_server(refuse={"nobody@example.org"}) as inbox:
        smtp_config(inbox.port)
        result = delivery.send_outbox()
        assert result.sent == 1 and result.failed == 1
        assert [m["To"] for m in inbox.messages] == ["b@example.org"]
        failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.status == "failed"))
        assert "550" in failed.last_error and "nobody@example.org" in failed.last_error
        # A coordinator fixes things and sends it again from the outbox page; still once.
        inbox.refuse.clear()
        coordinator = factories.user(roles=("coordinator",))
        from tests.conftest import AuthActions

        client = app.test_client()
        AuthActions(client).login(coordinator.email)
        page = client.get("/notifications/outbox", headers={"Accept-Language": "en"})
        assert "550" in page.text and "Send again" in page.text
        assert client.post(f"/notifications/outbox/{failed.id}/retry").status_code == 303
        assert delivery.send_outbox().sent == 1
        assert delivery.send_outbox().claimed == 0
    assert sorted(m["To"] for m in inbox.messages) == ["b@example.org", "nobody@example.org"]


def test_after_the_last_attempt_a_message_is_failed_not_lost(app, smtp_config):
    _queue("a@example.org")
    db.session.execute(update(OutboxMessage).values(attempts=delivery.MAX_ATTEMPTS - 1))
    db.session.commit()
    smtp_config(free_port())
    assert delivery.send_outbox().failed == 1
    message = db.session.scalar(select(OutboxMessage))
    db.session.refresh(message)
    assert message.status == "failed"
    assert message.last_error.startswith(f"Gave up after {delivery.MAX_ATTEMPTS} attempts")


def test_two_senders_at_once_never_send_a_message_twice(app, smtp_config):
    _queue(*[f"p{i}@example.org" for i in range(30)])
    with smtp_server() as inbox:
        smtp_config(inbox.port)
        results = []

        def run():
            with app.app_context():
                results.append(delivery.send_outbox(limit=7))
                while (r := delivery.send_outbox(limit=7)).claimed:
                    results.append(r)
                db.session.remove()

        threads = [threading.Thread(target=run) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    addresses = [m["To"] for m in inbox.messages]
    assert len(addresses) == 30 and len(set(addresses)) == 30
    assert sum(r.sent for r in results) == 30
    assert set(_statuses().values()) == {"sent"}


def test_a_claim_left_by_a_dead_sender_is_taken_again_after_the_lease(app, smtp_config):
    _queue("a@example.org")
    db.session.execute(
        update(OutboxMessage).values(
            status="sending", claimed_by="dead", claimed_at=utcnow() - delivery.CLAIM_LEASE * 2
        )
    )
    db.session.commit()
    with smtp_server() as inbox:
        smtp_config(inbox.port)
        assert delivery.send_outbox().sent == 1
    assert len(inbox.messages) == 1


def test_send_outbox_command_without_smtp_says_so_and_sends_nothing(app, runner):
    _queue("a@example.org")
    app.config["SMTP_HOST"] = ""
    result = runner.invoke(args=["send-outbox"])
    assert result.exit_code == 1
    assert "Neither SMTP_HOST nor the SMS settings are set" in result.output
    assert _statuses() == {"a@example.org": "pending"}


def test_send_outbox_command_prints_a_json_summary(app, runner, smtp_config):
    import json

    _queue("a@example.org")
    with smtp_server() as inbox:
        smtp_config(inbox.port)
        result = runner.invoke(args=["send-outbox"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["sent"] == 1
    assert len(inbox.messages) == 1


def test_the_outbox_page_shows_china_time(app, coordinator_client):
    _queue("a@example.org")
    message = db.session.scalar(select(OutboxMessage))
    from webapp.labels import format_moment

    with app.test_request_context("/"):
        shown = format_moment(message.created_at)
    page = coordinator_client.get("/notifications/outbox")
    assert shown[:10] in page.text and shown[-5:] in page.text
    assert " UTC" not in page.text


def _self_signed(tmp_path):
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_starttls_and_login_against_a_server_with_its_own_certificate(app, smtp_config, tmp_path):
    import ssl

    from tests.blueprints.notifications.smtp_server import Login

    cert, key = _self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(str(cert), str(key))
    options = {
        "tls_context": server_tls,
        "require_starttls": True,
        "authenticator": Login("mailer", "s3cret"),
        "auth_required": True,
    }
    _queue("a@example.org")
    message = db.session.scalar(select(OutboxMessage))

    def again() -> None:
        db.session.execute(update(OutboxMessage).values(next_attempt_at=None))
        db.session.commit()

    try:
        # An untrusted certificate: kept, with the reason, not sent.
        with smtp_server(**options) as inbox:
            smtp_config(inbox.port)
            app.config.update(
                SMTP_STARTTLS=True, SMTP_USER="mailer", SMTP_PASSWORD="wrong", SMTP_TIMEOUT=5
            )
            assert delivery.send_outbox().retrying == 1
        db.session.refresh(message)
        assert "CERTIFICATE_VERIFY_FAILED" in message.last_error
        again()
        app.config["SMTP_CA_FILE"] = str(cert)
        with smtp_server(**options) as inbox:
            smtp_config(inbox.port)
            app.config.update(SMTP_STARTTLS=True, SMTP_USER="mailer", SMTP_PASSWORD="wrong")
            result = delivery.send_outbox()
            db.session.refresh(message)
            assert result.retrying == 1, message.last_error  # the wrong password
            db.session.refresh(message)
            assert message.status == "pending" and message.last_error
            assert inbox.messages == []
            again()
            app.config["SMTP_PASSWORD"] = "s3cret"
            assert delivery.send_outbox().sent == 1
        assert [m["To"] for m in inbox.messages] == ["a@example.org"]
    finally:
        app.config.update(SMTP_CA_FILE="", SMTP_PASSWORD="", SMTP_USER="", SMTP_TIMEOUT=20)


def test_without_a_mail_server_a_trial_install_writes_messages_to_the_log(app, caplog):
    _queue("trial@example.org")
    saved = app.config.get("OUTBOX_TO_LOG"), app.config.get("SMTP_HOST")
    app.config.update(OUTBOX_TO_LOG=True, SMTP_HOST="")
    try:
        with caplog.at_level("WARNING", logger="webapp.blueprints.notifications.delivery"):
            result = delivery.send_outbox()
            again = delivery.send_outbox()
    finally:
        app.config["OUTBOX_TO_LOG"], app.config["SMTP_HOST"] = saved
    assert result.sent == 1 and again.claimed == 0
    assert "trial@example.org" in caplog.text and "明天见" in caplog.text
    assert _statuses() == {"trial@example.org": "sent"}


def test_without_a_mail_server_nothing_is_sent_and_messages_wait(app):
    _queue("waiting@example.org")
    saved = app.config.get("SMTP_HOST")
    app.config["SMTP_HOST"] = ""
    try:
        assert not delivery.send_outbox().configured
    finally:
        app.config["SMTP_HOST"] = saved
    assert _statuses() == {"waiting@example.org": "pending"}
