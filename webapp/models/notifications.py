"""The notifications outbox and its delivery, and the reminders already written.

A message goes by e-mail or by SMS (`channel`). Messages wait as `pending`; a sender claims a batch (`sending`, with its name and the time), sends
each over SMTP and marks it `sent`, or `pending` again with `next_attempt_at` after a temporary
failure (back-off), or `failed` with the reason. See webapp/blueprints/notifications/delivery.py.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.accounts import User
from webapp.models.base import TimestampMixin, UTCDateTime, utcnow

OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")
OUTBOX_CHANNELS = ("email", "sms")
# What the SMS provider's delivery report said (pulled by `flask pull-sms-reports`).
SMS_REPORTS = ("waiting", "delivered", "undelivered")
REMINDER_KINDS = ("day_before", "duty_talk", "duty_visit")


class OutboxMessage(TimestampMixin, db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(254), nullable=False)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    related_type: Mapped[str | None] = mapped_column(String(40))
    related_id: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(10), default="pending", nullable=False, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Delivery: tries so far, when to try again (None: now), the last error, who holds the claim.
    attempts: Mapped[int] = mapped_column(default=0, server_default="0", nullable=False)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="", server_default="", nullable=False)
    claimed_by: Mapped[str] = mapped_column(
        String(120), default="", server_default="", nullable=False
    )
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # SMS: the provider takes a template and its values, not free text. body keeps the text the
    # template makes of them (for this page and the log); sms_kind and sms_params are what is sent.
    channel: Mapped[str] = mapped_column(
        String(10), default="email", server_default="email", nullable=False
    )
    sms_kind: Mapped[str | None] = mapped_column(String(40))
    sms_params: Mapped[str] = mapped_column(Text, default="", server_default="", nullable=False)
    # The provider's id of a sent SMS (Aliyun's BizId) and its delivery report.
    provider_id: Mapped[str] = mapped_column(
        String(64), default="", server_default="", nullable=False
    )
    report: Mapped[str] = mapped_column(String(20), default="", server_default="", nullable=False)
    report_detail: Mapped[str] = mapped_column(
        String(200), default="", server_default="", nullable=False
    )
    report_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    to_user: Mapped[User | None] = relationship()

    @property
    def is_sent(self) -> bool:
        return self.status == "sent"

    @property
    def can_retry(self) -> bool:
        """Delivery gave up on it: a person may send it again."""
        return self.status == "failed"

    @property
    def next_try_at(self) -> datetime | None:
        """When the sender tries again after a temporary failure (None: not waiting to retry)."""
        return self.next_attempt_at if self.status == "pending" else None


class SentReminder(db.Model):
    """A reminder written once: the unique (kind, key) keeps a second run from writing it again.

    key names what it is about, e.g. "v12-o345-n6" (volunteer, occurrence, need) or
    "pairing7-talk-2026-11-20" (a pairing's overdue talk, counted from that date).
    """

    __tablename__ = "sent_reminders"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    key: Mapped[str] = mapped_column(String(120), nullable=False)
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    for_date: Mapped[date] = mapped_column(nullable=False)
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
