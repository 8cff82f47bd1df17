"""`flask worker` after its database connection breaks in the middle of a job (issue 15).

A real `flask worker --burst` process on PostgreSQL and a real Redis sends through a real SMTP
server that holds the first message while the test terminates the worker's connection with
pg_terminate_backend. The job that meets the dead connection may fail, alone: the jobs after
it succeed, and every e-mail reaches the server exactly once, also after the sweep has handed
out what looked lost. SQLite has no server connection to kill, so these run on PostgreSQL only.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from redis import Redis
from rq import Queue
from sqlalchemy import select
from sqlalchemy.engine import make_url

from marketplace import tasks
from marketplace.extensions import db
from marketplace.models import EmailState, Notification
from marketplace.notifications import delivery
from marketplace.notifications.outbox import notify
from tests import rq_worker
from tests.factories.organisations import make_company, make_user
from tests.smtp_sink import free_port
from tests.support import missing_service

pytestmark = pytest.mark.redis

redis_url = rq_worker.redis_url

WORKER_NAME = "smajob-recovery-worker"  # the worker's application_name in pg_stat_activity
WORKER = [sys.executable, "-m", "flask", "--app", "app", "worker", "--burst"]


class HoldingSink:
    """An SMTP server that holds the first DATA until released, then answers `first_reply`;
    every later message is accepted at once."""

    def __init__(self, first_reply: str) -> None:
        self.first_reply = first_reply
        self.first_seen = threading.Event()
        self.released = threading.Event()
        self.accepted: list[str] = []  # the Message-ID of each message answered 250
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email import message_from_bytes, policy

        message_id = str(message_from_bytes(envelope.content, policy=policy.default)["Message-ID"])
        reply = "250 OK"
        if not self.first_seen.is_set():
            self.first_seen.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
            reply = self.first_reply
        if reply.startswith("250"):
            with self.lock:
                self.accepted.append(message_id)
        return reply

    def __enter__(self) -> HoldingSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        self.controller.stop()


def terminate(database_url: str, application_name: str) -> int:
    """pg_terminate_backend every connection of that application to the database."""
    url = make_url(database_url)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        return len(
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND application_name = %s AND pid <> pg_backend_pid()",
                (url.database, application_name),
            ).fetchall()
        )


@pytest.fixture
def scratch(workdir) -> Iterator[str]:
    if not os.environ.get("TEST_DATABASE_URL"):
        missing_service("pg_terminate_backend needs PostgreSQL (TEST_DATABASE_URL)")
    from tests.databases import scratch_database

    with scratch_database(workdir, "recovery") as url:
        yield url


@pytest.fixture
def on_rq(scratch, redis_url, make_app) -> Iterator[Callable[..., tuple[Flask, dict[str, str]]]]:
    """An app on the scratch database and a queue of its own, and the environment a
    `flask worker` process for it needs (its connections named WORKER_NAME)."""
    from tests.conftest import migrate_to_head

    name = f"smajob-recovery-{os.getpid()}-{secrets.token_hex(3)}"

    def build(**extra: Any) -> tuple[Flask, dict[str, str]]:
        settings = {"REDIS_URL": redis_url, "RQ_QUEUE": name, **extra}
        app = make_app(scratch, **settings)
        migrate_to_head(app)
        environ = {
            **os.environ,
            "DATABASE_URL": scratch,
            "SECRET_KEY": app.config["SECRET_KEY"],
            **{key: str(value) for key, value in settings.items()},
            "MAIL_USE_TLS": "false",
            "PGAPPNAME": WORKER_NAME,
        }
        return app, environ

    yield build
    Queue(name, connection=Redis.from_url(redis_url)).delete(delete_jobs=True)


def run_worker(environ: dict[str, str]) -> str:
    """`flask worker --burst` in a process of its own; its log."""
    done = subprocess.run(WORKER, env=environ, check=True, capture_output=True, timeout=120)
    return done.stderr.decode()


def notify_once(user) -> int:
    """One notification committed on its own, so its delivery job is queued on its own."""
    (row,) = notify([user], "invitation_accepted", name="Kim")
    db.session.commit()
    return row.id


def states(app: Flask) -> list[str]:
    with app.app_context():
        found = db.session.scalars(select(Notification.email_state).order_by(Notification.id))
        return list(found)


def close(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # before the scratch database is dropped


def test_a_job_whose_connection_dies_fails_alone_and_the_next_jobs_run(on_rq, tmp_path):
    app, environ = on_rq(MAIL_OUTBOX_DIR=str(tmp_path))
    queue = Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(app.config["REDIS_URL"]))
    with app.app_context():
        employer = make_user(make_company())
        ids = [notify_once(employer) for _ in range(3)]
    queue.empty()
    queue.enqueue(rq_worker.lose_connection)  # leaves its session needing a rollback
    for notification_id in ids:
        queue.enqueue(delivery.deliver_email, notification_id)

    log = run_worker(environ)

    assert len(queue.failed_job_registry) == 1, log  # that job failed, alone
    assert states(app) == [EmailState.SENT] * 3, log
    assert len(list(tmp_path.glob("*.eml"))) == 3
    close(app)


def test_a_connection_killed_while_the_server_accepts_a_mail_sends_it_once(on_rq):
    """The finding of issue 15: the database died between the SMTP server accepting a
    message and the worker marking it sent; the message went out twice and every later job
    of the worker failed."""
    with HoldingSink("250 OK") as sink:
        app, environ = on_rq(
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=sink.port,
            MAIL_USE_TLS=False,
            NOTIFY_LEASE_SECONDS=1,
            SWEEP_AGE_SECONDS=0,
        )
        with app.app_context():
            employer = make_user(make_company())
            held = notify_once(employer)  # the job whose connection dies
            later = [notify_once(employer) for _ in range(3)]

        running = subprocess.Popen(
            WORKER, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            assert sink.first_seen.wait(60), (
                running.stderr.read().decode() if running.poll() is not None else ""
            )
            # The worker waits for the server's answer with its transaction open: kill its
            # connection, then let the server accept the message.
            assert terminate(environ["DATABASE_URL"], WORKER_NAME) >= 1
            sink.released.set()
            running.wait(120)
            log = running.stderr.read().decode()
        finally:
            if running.poll() is None:
                running.kill()
            running.stderr.close()

        everything = [f"<smajob-{n}@smajob.localhost>" for n in [held, *later]]
        assert sorted(sink.accepted) == sorted(everything), log

        # After the lease, the sweep and another worker find nothing to send again.
        time.sleep(1.5)
        for _ in range(2):
            with app.app_context():
                tasks.sweep()
            run_worker(environ)
        assert sorted(sink.accepted) == sorted(everything)  # not one twice
        assert states(app) == [EmailState.SENT] * 4, log
        close(app)
