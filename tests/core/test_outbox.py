"""The outbox writer: a message per recipient, in the recipient's language, to their address."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from flask_babel import gettext as _
from sqlalchemy import select

from tests import factories
from webapp.core.outbox import (
    EMAIL,
    Address,
    address_of,
    in_language_of,
    notify,
    notify_address,
    notify_message,
    render_message,
)
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


EMAILS = Path(__file__).resolve().parents[2] / "templates" / "emails"


def test_a_message_template_is_rendered_in_the_recipients_language(app):
    english, chinese = factories.user(locale="en"), factories.user(locale=None)
    colleague = SimpleNamespace(name="李秀兰")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_message("swap_declined", chinese, colleague=colleague) == (
            "接替请求被拒绝",
            "李秀兰 无法接替，这项安排仍由您负责。",
        )
        assert render_message("swap_declined", english, colleague=colleague) == (
            "Swap declined",
            "李秀兰 cannot take over; your assignment stays yours.",
        )


def test_notify_message_queues_the_rendered_template(app):
    user = factories.user(locale="en")
    message = notify_message(user, "duty_talk", "reminder", None, child="小明", days=9)
    assert (message.to_address, message.subject) == (user.email, "Time for a talk with 小明")
    assert message.body.startswith("It is 9 days since your last talk with 小明.")
    assert notify_message(None, "duty_talk", child="小明", days=9) is None


def test_every_message_template_has_a_subject_and_a_body():
    names = sorted(path.name for path in EMAILS.glob("*.txt"))
    assert names
    for name in names:
        text = (EMAILS / name).read_text(encoding="utf-8")
        if name.startswith("_"):  # shared macros, imported by the messages
            continue
        assert "{% block subject %}" in text and "{% block body %}" in text, name
