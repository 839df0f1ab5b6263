"""The outbox writer: a message per recipient, in the recipient's language, to their address."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from tests import factories
from webapp.core.outbox import EMAIL, Address, address_of, in_language_of, notify, notify_address
from webapp.extensions import db
from webapp.models import OutboxMessage


def test_a_user_is_reached_by_e_mail(app):
    user = factories.user(email="li@example.org")
    assert address_of(user) == Address(EMAIL, "li@example.org")


def test_notify_writes_a_pending_message_to_the_users_address(app):
    user = factories.user()
    message = notify(user, "主题" * 150, "正文", "occurrence", 7)
    db.session.flush()
    stored = db.session.scalar(select(OutboxMessage))
    assert stored is message
    assert (stored.to_user_id, stored.to_address, stored.status) == (user.id, user.email, "pending")
    assert (len(stored.subject), stored.related_type, stored.related_id) == (200, "occurrence", 7)


def test_nobody_to_tell_writes_nothing(app):
    assert notify(None, "主题", "正文") is None
    assert db.session.scalar(select(OutboxMessage)) is None


def test_an_address_without_an_account_gets_its_message(app):
    message = notify_address(Address(EMAIL, "new@example.org"), "注册", "链接", "account")
    assert (message.to_user, message.to_address, message.related_type) == (
        None,
        "new@example.org",
        "account",
    )


def test_messages_are_written_in_the_recipients_language(app):
    english, chinese = factories.user(locale="en"), factories.user(locale=None)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        with in_language_of(chinese):
            assert _("Cancelled: %(title)s", title="x") == "已取消：x"
        with in_language_of(english):
            assert _("Cancelled: %(title)s", title="x") == "Cancelled: x"
