"""A real SMTP server on localhost (aiosmtpd in a thread) that keeps what it receives."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    """Collects every message the server accepts; `refuse` makes it answer 451 (try later),
    `hang_up_once` makes it answer 421 (closing the connection) to the next message."""

    def __init__(self):
        self.messages = []
        self.refuse = False
        self.hang_up_once = False

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's name for the hook
        if self.refuse:
            return "451 Try again later"
        if self.hang_up_once:
            self.hang_up_once = False
            return "421 Closing the connection"
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SITE_URL="https://shahrvand.example")
    yield mailbox
    controller.stop()
