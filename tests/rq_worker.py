"""Fixtures for the queue tests (tests/marketplace/test_queue.py) on a real Redis
(TEST_REDIS_URL) with real rq workers.

A plain module, not a conftest: only the module that imports these fixtures gets them, so no
other test can start a worker or a Redis server by asking for one of these names.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest
from redis import Redis

from tests.smtp_sink import free_port
from tests.support import missing_service


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        missing_service("TEST_REDIS_URL is not set: the queue tests need a real Redis")
    try:
        Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as error:
        missing_service(f"Redis at {url} does not answer: {error}")
    return url


@pytest.fixture
def rq_mode(app, redis_url, monkeypatch) -> str:
    """Switch the test app to rq on the real Redis, with a queue of this test's own."""
    name = f"smajob-test-{secrets.token_hex(4)}"
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    monkeypatch.setitem(app.config, "RQ_QUEUE", name)
    yield name
    from rq import Queue

    Queue(name, connection=Redis.from_url(redis_url)).delete(delete_jobs=True)


class RedisServer:
    """A Redis server of this test's own, to stop and start while the app runs."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                Redis(port=self.port, socket_connect_timeout=0.2).ping()
                return
            except Exception:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        missing_service("redis-server is not installed")
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def lose_connection() -> None:
    """A job whose database connection dies under it (it terminates its own server process),
    leaving its session in a transaction that must be rolled back (tests of the worker)."""
    from sqlalchemy import text

    from marketplace.extensions import db

    db.session.execute(text("SELECT 1"))
    db.session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
