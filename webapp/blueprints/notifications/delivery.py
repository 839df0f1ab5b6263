"""Delivering the outbox: e-mail over SMTP here, SMS in sms_delivery.py; claims.py holds what
both share (claiming a batch, back-off, recording each outcome once).

For e-mail, a temporary failure (server down, timeout, 4xx) is tried again later; a permanent one
(5xx, e.g. an unknown recipient) or the last attempt marks the message `failed`, with its reason.
A sender that died between the SMTP server's OK and our commit may send a message twice.
Settings come from the environment (see webapp/config.py and README): SMTP_HOST, SMTP_PORT,
SMTP_USER, SMTP_PASSWORD, SMTP_SENDER, SMTP_STARTTLS, SMTP_SSL, SMTP_TIMEOUT, SMTP_CA_FILE.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import current_app

from webapp.blueprints.notifications import sms_delivery
from webapp.blueprints.notifications.claims import (
    BACKOFF,
    BATCH,
    CLAIM_LEASE,
    MAX_ATTEMPTS,
    DeliveryResult,
    PermanentFailure,
    TemporaryFailure,
    claim,
    finish,
    merge,
    release_stale_claims,
    retry_values,
    sender_name,
)
from webapp.extensions import db
from webapp.models import OutboxMessage
from webapp.models.base import utcnow

__all__ = ["BACKOFF", "CLAIM_LEASE", "MAX_ATTEMPTS", "send_outbox", "retry_now", "SmtpSettings"]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str
    sender: str
    starttls: bool
    ssl: bool
    timeout: float
    ca_file: str = ""

    def tls_context(self) -> ssl.SSLContext:
        """Certificates are checked; SMTP_CA_FILE adds a county's own CA to the trusted ones."""
        return ssl.create_default_context(cafile=self.ca_file or None)

    @classmethod
    def from_app(cls) -> SmtpSettings:
        c = current_app.config
        return cls(
            host=c.get("SMTP_HOST") or "",
            port=int(c.get("SMTP_PORT") or (465 if c.get("SMTP_SSL") else 587)),
            user=c.get("SMTP_USER") or "",
            password=c.get("SMTP_PASSWORD") or "",
            sender=c.get("SMTP_SENDER") or "守望 Shouwang <noreply@localhost>",
            starttls=bool(c.get("SMTP_STARTTLS")),
            ssl=bool(c.get("SMTP_SSL")),
            timeout=float(c.get("SMTP_TIMEOUT") or 20),
            ca_file=c.get("SMTP_CA_FILE") or "",
        )


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    try:
        if settings.ssl:
            connection = smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                timeout=settings.timeout,
                context=settings.tls_context(),
            )
        else:
            connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
            if settings.starttls:
                connection.starttls(context=settings.tls_context())
        if settings.user:
            connection.login(settings.user, settings.password)
        return connection
    except (OSError, smtplib.SMTPException) as error:
        raise TemporaryFailure(
            f"Cannot reach the mail server {settings.host}:{settings.port}: {_describe(error)}"
        ) from error


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        text = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)
        )
        return f"{error.smtp_code} {text}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
            for address, (code, text) in error.recipients.items()
        )
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _email(message: OutboxMessage, settings: SmtpSettings) -> EmailMessage:
    email = EmailMessage()
    email["From"] = settings.sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or "localhost"
    # Stable per message: a copy sent twice (see the module note) is recognisable as one.
    email["Message-ID"] = f"<outbox-{message.id}.{int(message.created_at.timestamp())}@{domain}>"
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body)
    return email


def _send_one(connection: smtplib.SMTP, message: OutboxMessage, settings: SmtpSettings) -> None:
    envelope_from = parseaddr(settings.sender)[1] or settings.sender
    try:
        refused = connection.send_message(
            _email(message, settings), from_addr=envelope_from, to_addrs=[message.to_address]
        )
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        failure = PermanentFailure if all(c >= 500 for c in codes) else TemporaryFailure
        raise failure(f"Recipient refused: {_describe(error)}") from error
    except smtplib.SMTPResponseException as error:
        failure = PermanentFailure if error.smtp_code >= 500 else TemporaryFailure
        raise failure(f"The mail server answered {_describe(error)}") from error
    except (OSError, smtplib.SMTPException) as error:
        raise TemporaryFailure(f"Connection lost while sending: {_describe(error)}") from error
    if refused:  # only with several recipients; we send one at a time
        raise PermanentFailure(f"Recipient refused: {refused}")


def send_outbox(limit: int = BATCH, name: str | None = None) -> DeliveryResult:
    """Deliver what is due, once, e-mail and SMS. Needs an app context, no request. Call it every
    minute."""
    name = name or sender_name()
    return merge(send_email(limit, name), sms_delivery.send_sms(limit, name))


def send_email(limit: int = BATCH, name: str | None = None) -> DeliveryResult:
    """The e-mail part of send_outbox."""
    settings = SmtpSettings.from_app()
    if not settings.host:
        if current_app.config.get("OUTBOX_TO_LOG"):
            return _write_to_log(limit, name or sender_name())
        return DeliveryResult(configured=False)
    name = name or sender_name()
    release_stale_claims()
    ids = claim(name, limit)
    result = DeliveryResult(claimed=len(ids))
    if not ids:
        return result
    connection = None
    for index, message_id in enumerate(ids):
        message = db.session.get(OutboxMessage, message_id)
        attempts = message.attempts + 1
        try:
            if connection is None:
                try:
                    connection = _connect(settings)
                except TemporaryFailure as error:
                    # The server is down: every message left waits for the next run.
                    for left in ids[index:]:
                        values = retry_values(
                            db.session.get(OutboxMessage, left).attempts + 1, str(error)
                        )
                        finish(left, name, **values)
                        result.failed += values["status"] == "failed"
                        result.retrying += values["status"] == "pending"
                    return result
            _send_one(connection, message, settings)
        except TemporaryFailure as error:
            values = retry_values(attempts, str(error))
            finish(message_id, name, **values)
            result.failed += values["status"] == "failed"
            result.retrying += values["status"] == "pending"
            connection = _drop(connection)
            continue
        except PermanentFailure as error:
            finish(
                message_id,
                name,
                status="failed",
                attempts=attempts,
                last_error=str(error),
                claimed_by="",
            )
            result.failed += 1
            continue
        finish(
            message_id,
            name,
            status="sent",
            attempts=attempts,
            sent_at=utcnow(),
            last_error="",
            claimed_by="",
        )
        result.sent += 1
    _drop(connection)
    return result


def _write_to_log(limit: int, name: str) -> DeliveryResult:
    """A laptop without a mail server (`make run`): each due message is written to the worker's
    log instead, so that whoever tries the app can read it (a registration link, say)."""
    release_stale_claims()
    ids = claim(name, limit)
    for message_id in ids:
        message = db.session.get(OutboxMessage, message_id)
        log.warning(
            "OUTBOX_TO_LOG, no mail server: to %s\nSubject: %s\n\n%s\n",
            message.to_address,
            message.subject,
            message.body,
        )
        finish(
            message_id,
            name,
            status="sent",
            attempts=message.attempts + 1,
            sent_at=utcnow(),
            last_error="",
            claimed_by="",
        )
    return DeliveryResult(claimed=len(ids), sent=len(ids))


def _drop(connection: smtplib.SMTP | None) -> None:
    """Close a connection that may be broken; the next message opens a new one."""
    if connection is not None:
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()
    return None


def retry_now(message: OutboxMessage) -> OutboxMessage:
    """A coordinator sends a failed message again (after fixing the address, say)."""
    message.status = "pending"
    message.attempts = 0
    message.next_attempt_at = None
    message.report = message.report_detail = ""
    message.report_at = None
    db.session.flush()
    return message
