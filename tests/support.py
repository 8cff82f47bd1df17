"""Helpers shared by the test suites: CSRF tokens, valid CVR numbers, service checks."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
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
