"""A real SMTP server for tests: mail sent by Rumbo is received here and read back.

Use the ``smtp_server`` fixture (tests/conftest.py): it starts aiosmtpd on a free local
port, points Django's SMTP backend at it, and gives the messages received, parsed.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Handler:
    def __init__(self, inbox: SmtpInbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.inbox.add(list(envelope.rcpt_tos), message)
        return "250 Message accepted for delivery"


class SmtpInbox:
    """The mail the test server received: ``messages`` as (recipients, message) pairs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[tuple[list[str], EmailMessage]] = []
        self.host = "127.0.0.1"
        self.port = _free_port()

    def add(self, recipients: list[str], message: EmailMessage) -> None:
        with self._lock:
            self._items.append((recipients, message))

    @property
    def messages(self) -> list[tuple[list[str], EmailMessage]]:
        with self._lock:
            return list(self._items)

    def to(self, address: str) -> list[EmailMessage]:
        """The messages delivered to that address."""
        return [m for rcpts, m in self.messages if address in rcpts]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def wait_for(
        self, predicate: Callable[[EmailMessage], bool], timeout: float = 30.0
    ) -> EmailMessage:
        """The first message matching ``predicate``, waiting up to ``timeout`` seconds
        (a browser test's request may deliver after the page answered)."""
        deadline = time.monotonic() + timeout
        while True:
            for _, message in self.messages:
                if predicate(message):
                    return message
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"no matching mail in {timeout} s; received: "
                    + "; ".join(str(m["Subject"]) for _, m in self.messages)
                )
            time.sleep(0.05)


def body_text(message: EmailMessage) -> str:
    """The plain-text body of a message."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "the message has no text/plain part"
    return str(part.get_content())


def start(inbox: SmtpInbox) -> Controller:
    controller = Controller(_Handler(inbox), hostname=inbox.host, port=inbox.port)
    controller.start()
    return controller
