"""A real SMTP server for tests (aiosmtpd on a free local port) that keeps what arrives."""

from __future__ import annotations

import email
import socket
from contextlib import contextmanager
from email.message import Message

from aiosmtpd.controller import Controller


class Inbox:
    """aiosmtpd handler: accepts mail, refuses the recipients in `refuse` (550)."""

    def __init__(self, refuse: set[str] | None = None) -> None:
        self.refuse = {a.lower() for a in (refuse or set())}
        self.messages: list[Message] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Login:
    """aiosmtpd authenticator: one user and password."""

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == self.user
            and auth_data.password == self.password
        )
        return AuthResult(success=ok)


@contextmanager
def smtp_server(refuse: set[str] | None = None, **options):
    """options: aiosmtpd Controller settings (tls_context, require_starttls, authenticator...)."""
    inbox = Inbox(refuse)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    try:
        inbox.port = controller.port
        yield inbox
    finally:
        controller.stop()
