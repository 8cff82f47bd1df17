"""Helpers shared by the test suites: CSRF tokens, valid CVR numbers, service checks, two
writers at once."""

from __future__ import annotations

import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def missing_service(reason: str) -> None:
    """Locally a missing service or browser skips its tests; in CI it fails them."""
    if IN_CI:
        pytest.fail(f"CI must have this: {reason}")
    pytest.skip(reason)


def csrf_token_from(response: TestResponse) -> str:
    found = CSRF_FIELD.search(response.get_data(as_text=True))
    assert found, "the page has no CSRF token"
    return found.group(1)


def submit(
    client: FlaskClient, url: str, data: dict[str, object], page: str | None = None
) -> TestResponse:
    """POST a form the way a browser does: fetch the page first for its CSRF token."""
    token = csrf_token_from(client.get(page or url))
    return client.post(url, data={**data, "csrf_token": token})


def valid_cvr() -> str:
    """A random CVR number that passes the modulus-11 check."""
    while True:
        head = str(secrets.randbelow(9) + 1) + "".join(str(secrets.randbelow(10)) for _ in range(6))
        partial = sum(int(d) * w for d, w in zip(head, CVR_WEIGHTS[:7], strict=True))
        last = (-partial) % 11
        if last < 10:
            return head + str(last)


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def counting_queries(engine: object) -> Iterator[QueryCounter]:
    from sqlalchemy import event

    counter = QueryCounter()

    def before(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            counter.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


def assert_refused_by_database(statement: str, **params: object) -> None:
    """A second writer that bypasses the app (plain SQL) is stopped by a constraint."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from marketplace.extensions import db

    savepoint = db.session.begin_nested()
    with pytest.raises(IntegrityError):
        db.session.execute(text(statement), params)
    savepoint.rollback()


# -- Two writers at once (the *_concurrency tests, on PostgreSQL) ---------------------------


def run_together(targets: list[Callable[[], Any]]) -> list[Any]:
    """Run each target in its own thread; their results (or errors), in order."""
    outcome: dict[int, Any] = {}

    def run(index: int, target: Callable[[], Any]) -> None:
        try:
            outcome[index] = target()
        except BaseException as error:  # surfaced by the test, not lost in the thread
            outcome[index] = error

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    return [outcome.get(i) for i in range(len(targets))]


def write_when_ready(
    app: Flask,
    load: Callable[[], Callable[[], Any]],
    ready: threading.Barrier,
    hold: float,
    *,
    after: threading.Event | None = None,
    acted: threading.Event | None = None,
) -> Any:
    """One writer, in its own app context and session: `load` what the page would have
    loaded, wait for the other writer (and, given `after`, until the other has acted: so
    which one writes first is decided by an event, never by a delay that load can upset),
    act (then set `acted`), hold the transaction open `hold` seconds (so the other's write
    meets the uncommitted one), then commit. A DomainError is the expected way to lose:
    rolled back and returned; any other error is raised, for run_together to hand to the
    test."""
    from marketplace.errors import DomainError
    from marketplace.extensions import db

    with app.app_context():
        try:
            act = load()
            ready.wait(timeout=10)
            if after is not None:
                assert after.wait(timeout=10), "the writer meant to go first never acted"
            try:
                result = act()
            finally:
                if acted is not None:
                    acted.set()
            time.sleep(hold)
            db.session.commit()
            return result
        except DomainError as error:
            db.session.rollback()
            return error
        finally:
            db.session.remove()


Registration = tuple[Callable[..., Any], str, dict[str, Any]]


def cron_registrations(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[Registration]:
    """Run `flask cron` against a stand-in for its loop, marketplace.tasks.CronLoop (no Redis
    needed), and return what it registered: (function, queue, {"cron": ...} or
    {"interval": ...}). Fails unless the command succeeds and starts the loop."""
    made: list[Any] = []

    class RecordingScheduler:
        def __init__(self, connection: Any) -> None:
            self.registered: list[Registration] = []
            self.started = False
            made.append(self)

        def register(self, func: Callable[..., Any], queue_name: str, **when: Any) -> None:
            self.registered.append((func, queue_name, when))

        def start(self) -> None:
            self.started = True

    with monkeypatch.context() as patch:
        patch.setattr("marketplace.tasks.CronLoop", RecordingScheduler)
        patch.setattr("marketplace.queue.redis_connection", lambda: "redis")
        result = app.test_cli_runner().invoke(args=["cron"])
    assert result.exit_code == 0, result.output
    [scheduler] = made
    assert scheduler.started
    return scheduler.registered
