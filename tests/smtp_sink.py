"""A real SMTP server on a local port that counts what it accepts (aiosmtpd).

A message counts as delivered only when the sink answers 250, as with a real server. With
`hold_first`, the first DATA is held unanswered until `release_first()`, which answers 451:
that models a sender that dies while the server is still deciding.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        sink = self.sink
        if sink.hold_first and not sink.first_seen.is_set():
            sink.first_seen.set()
            while not sink.first_released.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 not accepted"
        with sink.lock:
            sink.accepted.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


class SmtpSink:
    def __init__(self, hold_first: bool = False) -> None:
        self.hold_first = hold_first
        self.first_seen = threading.Event()
        self.first_released = threading.Event()
        self.accepted: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.first_released.set()
        self.controller.stop()

    def release_first(self) -> None:
        self.first_released.set()

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(m["Message-ID"]) for m in self.accepted]
